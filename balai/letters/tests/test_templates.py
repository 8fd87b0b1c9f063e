import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from balai.core.errors import ApplicationError
from balai.letters.services.settings import template_save
from balai.letters.templates_text import wording
from balai.letters.tests.conftest import issue_domisili
from balai.letters.types import REGISTRY


def test_saving_makes_versions_and_issued_letters_keep_theirs(
    operator_a, kades_a, kades_official_a, resident_a, village_a
):
    # given
    first = issue_domisili(operator_a, kades_a, resident_a)
    template_save(
        actor=operator_a,
        village=village_a,
        type_code="domisili",
        text="Kami menerangkan bahwa [Nama] tinggal di\nDusun [dusun].\n\n[biodata]",
    )
    # when
    second = issue_domisili(operator_a, kades_a, resident_a)
    v2 = template_save(actor=operator_a, village=village_a, type_code="domisili", text="Versi dua [nama].")
    # then
    assert (first.template_version, second.template_version, v2.version) == (0, 1, 2)
    assert second.content["body"][0]["text"].startswith(
        "Kami menerangkan bahwa Siti Wahyuni tinggal di Dusun"
    )
    assert first.content["body"][0]["text"].startswith("Yang bertanda tangan")
    assert wording(village=village_a, letter_type=REGISTRY["domisili"])[0] == 2


def test_unknown_placeholder_is_refused_with_its_name(operator_a, village_a):
    with pytest.raises(ValidationError, match=r"\[alamat_kantor\]"):
        template_save(actor=operator_a, village=village_a, type_code="domisili", text="Di [alamat_kantor].")


def test_template_of_another_village_cannot_be_saved(operator_b, village_a):
    with pytest.raises(ApplicationError):
        template_save(actor=operator_b, village=village_a, type_code="domisili", text="x")


def test_kades_reads_but_does_not_edit(kades_a, village_a):
    with pytest.raises(ApplicationError):
        template_save(actor=kades_a, village=village_a, type_code="domisili", text="x")


def test_live_preview_shows_an_image_or_names_the_error(client_a, resident_a):
    url = reverse("letters:template_preview")
    good = client_a.post(url, {"jenis": "domisili", "text": "Teks # $ [Nama]\n\n[biodata]"})
    bad = client_a.post(url, {"jenis": "domisili", "text": "Teks [tidak_ada]"})
    assert "data:image/png;base64," in good.content.decode()
    assert "[tidak_ada]" in bad.content.decode()


def test_edit_page_saves_a_version(client_a, resident_a):
    url = reverse("letters:template_edit") + "?jenis=sktm"
    assert client_a.get(url).status_code == 200
    got = client_a.post(url, {"text": "Baru untuk [Nama].\n\n[biodata]"})
    assert got.status_code == 302
    assert "versi 1" in client_a.get(url).content.decode()
