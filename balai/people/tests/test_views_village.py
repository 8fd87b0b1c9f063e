import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from balai.people.tests.factories import DusunFactory, RtFactory

PROFILE = reverse("regions:profile")
EDIT = reverse("regions:profile_edit")


def _png_bytes(size=(32, 32)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_operator_edits_identity_with_logo(client_a, village_a):
    logo = SimpleUploadedFile("logo.png", _png_bytes(), content_type="image/png")

    response = client_a.post(
        EDIT, {"address": "Jl. Balai Desa 1", "postal_code": "51253", "head_name": "SUTRISNO", "logo": logo}
    )

    assert response.status_code == 302
    village_a.refresh_from_db()
    assert village_a.head_name == "SUTRISNO"
    assert village_a.logo
    assert "SUTRISNO" in client_a.get(PROFILE).content.decode()


def test_identity_form_shows_field_errors(client_a, village_a):
    response = client_a.post(
        EDIT, {"postal_code": "12", "logo": SimpleUploadedFile("x.png", b"not an image")}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert "postal_code" in form.errors
    assert "logo" in form.errors


def test_kades_reads_profile_but_cannot_edit(client, kades_a, village_a):
    client.force_login(kades_a)

    page = client.get(PROFILE)

    assert page.status_code == 200
    assert EDIT not in page.content.decode()
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"head_name": "X"}).status_code == 403
    assert client.post(reverse("regions:dusun_create"), {"name": "BARU"}).status_code == 403


@pytest.mark.parametrize(
    "url",
    [PROFILE, EDIT, reverse("regions:dusun_create"), reverse("regions:rt_create")],
)
def test_kader_may_not_open_or_edit_the_profile(client, kader_a, url):
    client.force_login(kader_a)

    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X"}).status_code == 403


def test_regency_and_district_users_have_no_village_profile(client, regency_viewer, camat_a):
    for user in (regency_viewer, camat_a):
        client.force_login(user)
        assert client.get(PROFILE).status_code == 403


def test_operator_adds_dusun_and_rt(client_a, village_a):
    assert (
        client_a.post(reverse("regions:dusun_create"), {"name": "Krajan", "head_name": ""}).status_code == 302
    )
    dusun = village_a.dusuns.get()

    response = client_a.post(reverse("regions:rt_create"), {"dusun": dusun.pk, "rw": "1", "rt": "2"})

    assert response.status_code == 302
    unit = village_a.rts.get()
    assert (unit.dusun, unit.rw, unit.rt) == (dusun, "001", "002")


def test_duplicate_dusun_is_a_form_error(client_a, village_a):
    DusunFactory(village=village_a, name="KRAJAN")

    response = client_a.post(reverse("regions:dusun_create"), {"name": "krajan"})

    assert response.status_code == 400
    assert "sudah ada" in str(response.context["form"].errors["name"])


def test_operator_of_a_gets_404_on_b_dusun_and_rt(client_a, village_b):
    dusun_b = DusunFactory(village=village_b, name="KRAJAN")
    rt_b = RtFactory(village=village_b, dusun=dusun_b)

    assert client_a.get(reverse("regions:dusun_edit", args=[dusun_b.pk])).status_code == 404
    assert client_a.post(reverse("regions:dusun_edit", args=[dusun_b.pk]), {"name": "X"}).status_code == 404
    assert client_a.get(reverse("regions:rt_edit", args=[rt_b.public_id])).status_code == 404
    assert (
        client_a.post(reverse("regions:rt_edit", args=[rt_b.public_id]), {"rw": "1", "rt": "1"}).status_code
        == 404
    )
    dusun_b.refresh_from_db()
    assert dusun_b.name == "KRAJAN"


def test_rt_form_refuses_another_villages_dusun(client_a, village_a, village_b):
    DusunFactory(village=village_a, name="KRAJAN")
    dusun_b = DusunFactory(village=village_b, name="LOR")

    response = client_a.post(reverse("regions:rt_create"), {"dusun": dusun_b.pk, "rw": "1", "rt": "1"})

    assert response.status_code == 400
    assert "dusun" in response.context["form"].errors
    assert not village_b.rts.exists()
    assert not village_a.rts.exists()


def test_operator_renames_rt(client_a, village_a):
    unit = RtFactory(village=village_a)

    response = client_a.post(
        reverse("regions:rt_edit", args=[unit.public_id]),
        {"dusun": unit.dusun_id, "rw": "7", "rt": "8", "head_name": "PAK RT"},
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.rw, unit.rt, unit.head_name) == ("007", "008", "PAK RT")


def _with_gps(fmt: str) -> bytes:
    """An image carrying EXIF with a GPS position (and a comment) as phone cameras write it."""
    from PIL import PngImagePlugin

    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (6.0, 55.0, 12.5), 3: "E", 4: (109.0, 52.0, 30.0)})
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 40), (0, 90, 0))
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "rumah kepala desa")
        image.save(buffer, format="PNG", exif=exif, pnginfo=info)
    else:
        image.save(buffer, format=fmt, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "logo.jpg"), ("PNG", "logo.png"), ("WEBP", "logo.webp")])
def test_logo_is_stored_re_encoded_without_its_metadata(client_a, village_a, fmt, name):
    # given: a logo whose EXIF says where the photo was taken
    data = _with_gps(fmt)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

    # when
    response = client_a.post(
        EDIT, {"logo": SimpleUploadedFile(name, data, content_type="image/" + fmt.lower())}
    )

    # then: the stored file is a fresh image with no EXIF, GPS or text chunks left
    assert response.status_code == 302
    village_a.refresh_from_db()
    stored = village_a.logo.read()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert "exif" not in image.info
    assert "Comment" not in image.info
    assert b"KameraHP" not in stored
    assert image.size == (40, 40)
