"""Pages of the economy module: the office's pages, the public directory and the letter link."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from balai.economy import services
from balai.economy.models import Business, JournalLine, Product


def _jpeg(with_exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "KameraRahasia"
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def shop_a(village_a, operator_a, resident_a):
    business = services.business_create(
        actor=operator_a,
        village=village_a,
        owner=resident_a,
        data={
            "name": "Keripik Singkong Bu Sri",
            "sector": "C",
            "address": "RT 001 RW 002",
            "started_year": "2015",
            "phone": "081234567890",
            "contact_public": False,
            "listed": True,
        },
        today=dt.date(2026, 1, 1),
    )
    services.product_save(
        actor=operator_a,
        business=business,
        data={"name": "Keripik pedas", "price": "15000"},
        photo=_jpeg(True),
    )
    return business


def test_home_shows_units_and_statements_balance(client_a, bumdes_a, funded_water_a):
    page = client_a.get(reverse("economy:home") + "?tahun=2025")
    assert page.status_code == 200
    assert "Air Bersih Tirta" in page.content.decode()
    unit_page = client_a.get(reverse("economy:unit", args=[funded_water_a.public_id]) + "?tahun=2025")
    assert 'data-testid="balanced"' in unit_page.content.decode()


def test_journal_form_refuses_an_unbalanced_entry_with_the_reason(client_a, funded_water_a):
    before = JournalLine.objects.count()
    page = client_a.post(
        reverse("economy:entry_create", args=[funded_water_a.public_id]),
        {
            "date": "2025-03-01",
            "description": "Tagihan air Maret",
            "line-0-account": "1-103",
            "line-0-debit": "100.000",
            "line-1-account": "4-101",
            "line-1-credit": "90000",
        },
    )
    assert page.status_code == 400
    assert "tidak seimbang" in page.content.decode()
    assert JournalLine.objects.count() == before


def test_photo_is_reencoded_without_metadata_and_served_as_jpeg(client, village_a, shop_a):
    product = Product.objects.get(business=shop_a)
    page = client.get(reverse("economy_public:photo", args=[village_a.code, product.public_id]))
    assert page["Content-Type"] == "image/jpeg"
    assert page["X-Content-Type-Options"] == "nosniff"
    data = b"".join(page.streaming_content)
    assert b"KameraRahasia" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused(client_a, shop_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client_a.post(
        reverse("economy:product_create", args=[shop_a.public_id]),
        {"name": "Skrip", "price": "1", "photo": SimpleUploadedFile("x.jpg", b"<?php system($_GET[1]); ?>")},
        follow=True,
    )
    assert "Foto harus berupa gambar" in page.content.decode()
    assert not Product.objects.filter(name="Skrip").exists()


def test_public_page_lists_the_business_without_the_phone_unless_consented(client, village_a, shop_a):
    url = reverse("economy_public:businesses", args=[village_a.code])
    page = client.get(url).content.decode()
    assert "Keripik Singkong Bu Sri" in page
    detail = client.get(
        reverse("economy_public:business", args=[village_a.code, shop_a.public_id])
    ).content.decode()
    assert "081234567890" not in detail
    assert shop_a.owner.nik not in detail
    Business.objects.filter(pk=shop_a.pk).update(contact_public=True)
    detail = client.get(
        reverse("economy_public:business", args=[village_a.code, shop_a.public_id])
    ).content.decode()
    assert "081234567890" in detail
    assert "Keripik" in client.get(url + "?q=pedas").content.decode()
    assert "Keripik Singkong" not in client.get(url + "?q=batik").content.decode()


def test_the_letter_link_prefills_keterangan_usaha(client_a, shop_a):
    page = client_a.get(reverse("economy:business", args=[shop_a.public_id]))
    link = page.context["letter_url"]
    form = client_a.get(link).content.decode()
    assert 'value="Keripik Singkong Bu Sri"' in form
    assert 'value="2015"' in form


def test_regional_page_counts_by_sector(client, regency_viewer, shop_a):
    client.force_login(regency_viewer)
    page = client.get(reverse("economy:regional"))
    assert page.status_code == 200
    assert "Brokoh" in page.content.decode()


def test_annual_report_is_a_pdf(client_a, bumdes_a, funded_water_a):
    page = client_a.get(reverse("economy:annual_report") + "?tahun=2025")
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")


def test_village_home_counts_its_businesses_by_sector(client, operator_a, village_a, resident_a):
    from balai.economy.models import Business

    sector = next(iter(__import__("balai.economy.chart", fromlist=["SECTORS"]).SECTORS))
    Business.objects.create(village=village_a, owner=resident_a, name="WARUNG UJI", sector=sector)
    client.force_login(operator_a)
    page = client.get(reverse("economy:home")).content.decode()
    assert "UMKM per sektor" in page


def test_regency_sees_potential_and_staple_prices_across_villages(
    client, village_a, village_b, regency_viewer
):
    import datetime as dt

    from django.utils import timezone

    from balai.economy.models import MarketPrice, Potential

    week = timezone.localdate() - dt.timedelta(days=3)
    for village, price in ((village_a, 12000), (village_b, 14000)):
        MarketPrice.objects.create(village=village, commodity="beras", week=week, price=price)
    Potential.objects.create(
        village=village_a,
        category=Potential.Category.values[0],
        name="Padi sawah",
        quantity=120,
        unit="ton",
        year=2026,
    )
    client.force_login(regency_viewer)
    page = client.get(reverse("economy:regional")).content.decode()
    assert "Beras medium" in page
    assert "13000" in page  # the median of the two villages' latest prices
    assert "Padi sawah" not in page  # counts per category, not the villages' entries
    assert village_a.name in page
