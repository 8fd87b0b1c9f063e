"""The kiosk home shows every module's tile (balai.core.plugins), in order; a tile that needs
sign-in leads through sign-in to its screen."""

from __future__ import annotations

import pytest

from balai.core.plugins import KioskTile
from balai.kiosk import tiles
from balai.kiosk.tests.conftest import GOOD_PIN, give_pin

pytestmark = pytest.mark.django_db


def test_every_module_tile_is_collected_in_order():
    keys = [t.key for t in tiles.all_tiles()]
    for key in ("family", "letters", "aid", "growth", "pregnancy", "school", "queue", "complaint"):
        assert key in keys
    orders = [t.order for t in tiles.all_tiles()]
    assert orders == sorted(orders)


def test_a_tile_whose_url_does_not_resolve_is_left_out(monkeypatch):
    fake = [KioskTile("nothing", "Tidak ada", "tidak:ada"), KioskTile("family2", "K", "kiosk:family")]
    monkeypatch.setattr(tiles, "collect", lambda *a: fake)
    tiles.all_tiles.cache_clear()
    try:
        assert [t.key for t in tiles.all_tiles()] == ["family2"]
    finally:
        tiles.all_tiles.cache_clear()


def test_home_renders_tiles_and_keeps_its_information(kiosk_client_a, village_a):
    response = kiosk_client_a.get("/anjungan/")
    html = response.content.decode()
    assert response.status_code == 200
    for t in tiles.all_tiles():
        assert f'data-tile="{t.key}"' in html
    assert village_a.name in html  # the welcome panel stays
    assert "Pengumuman" in html
    assert html.index('data-tile="family"') < html.index('data-tile="queue"')


def test_a_personal_tile_signs_in_then_opens_its_screen(kiosk_client_a, resident_a, operator_a):
    give_pin(resident_a, operator_a)
    response = kiosk_client_a.get("/anjungan/saya/bantuan/")
    assert response.status_code == 302
    assert response["Location"] == "/anjungan/masuk/?next=%2Fanjungan%2Fsaya%2Fbantuan%2F"
    page = kiosk_client_a.get(response["Location"]).content.decode()
    assert 'name="next" value="/anjungan/saya/bantuan/"' in page
    response = kiosk_client_a.post(
        "/anjungan/masuk/", {"nik": resident_a.nik, "pin": GOOD_PIN, "next": "/anjungan/saya/bantuan/"}
    )
    assert response["Location"] == "/anjungan/saya/bantuan/"


@pytest.mark.parametrize(
    "bad", ["https://evil.example/anjungan/", "//evil.example/", "/akun/", "/anjungan/keluar/"]
)
def test_next_never_leaves_the_kiosk(kiosk_client_a, resident_a, operator_a, bad):
    give_pin(resident_a, operator_a)
    response = kiosk_client_a.post("/anjungan/masuk/", {"nik": resident_a.nik, "pin": GOOD_PIN, "next": bad})
    assert response["Location"] == "/anjungan/saya/"


def test_menu_shows_the_residents_tiles_first(resident_client_a):
    html = resident_client_a.get("/anjungan/saya/").content.decode()
    assert html.index('data-tile="school"') < html.index('data-tile="queue"')
