"""Every task on the office home (Beranda) opens the view it counts: for each demo role, each
waiting task's link is followed and the list it opens shows as many rows as the task claims
(`data-count` on the list). A task that opens a status page rather than a list (the counter
queue, today's posyandu session, a running import) must at least open."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from balai.accounts.models import Role, User
from balai.core.ids import new_public_id
from balai.core.tests.db import rows_for_the_module
from balai.desk.models import Complaint
from balai.devtools import demo
from balai.finance.models import PaymentRequest, Tax
from balai.finance.rules import TAX_CHOICES
from balai.regions.models import Village

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
TASK = re.compile(r'<li><a href="([^"]+)"><strong class="count">([\d.]+)</strong>\s*([^<]+)</a></li>')
# Pages that show one thing's state, not a list of what the task counts: the counter queue,
# the health home or today's session sheet, the import page or a running import's progress.
STATUS_PAGES = ("/layanan/", "/kesehatan/")
STATUS_PREFIXES = ("/kesehatan/sesi/", "/penduduk/impor/")


@pytest.fixture(scope="module")
def _demo_village(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            demo.generate(villages=1, residents_per_village=150, seed=11)
            demo.ensure_accounts()
            # Something waiting at every step, whatever the demo left there: an SPP at each
            # step, a paid advance without its SPJ, a paid SPP with its tax not deposited.
            base = PaymentRequest.objects.order_by("pk").first()
            assert base is not None, "the demo village keeps no SPP"
            S = PaymentRequest.Status
            for n, (status, kind) in enumerate(
                [(S.DRAFT, base.kind), (S.VERIFIED, base.kind), (S.APPROVED, base.kind)]
                + [(S.PAID, PaymentRequest.Kind.UM), (S.PAID, PaymentRequest.Kind.LS)]
            ):
                spp = PaymentRequest.objects.get(pk=base.pk)
                spp.pk = None
                spp.public_id = new_public_id()
                spp.number = f"{base.number}/uji-{n}"
                spp.status, spp.kind = status, kind
                spp.save()
            Tax.objects.create(
                village=spp.village,
                payment_request=spp,
                kind=TAX_CHOICES[0][0],
                base=1_000_000,
                amount=20_000,
            )
            Complaint.objects.filter(pk__in=Complaint.objects.values("pk")[:2]).update(
                state=Complaint.State.IN_PROGRESS
            )
        yield


def _tasks(client: Client) -> list[tuple[str, int, str]]:
    page = client.get("/")
    if page.status_code == 302:  # district and regency: the overview, then the camat's home tasks
        page = client.get(page["Location"])
    text = page.content.decode()
    return [(unescape(url), int(n.replace(".", "")), label.strip()) for url, n, label in TASK.findall(text)]


@pytest.mark.usefixtures("_demo_village")
def test_every_task_link_opens_what_it_counts(db, settings):
    settings.BALAI_2FA_REQUIRED_ROLES = []
    users = list(User.objects.filter(username__in=[u for u, *_ in demo.account_plan(Village.objects.all())]))
    assert users
    followed: list[str] = []
    for user in users:
        client = Client()
        client.force_login(user)
        for url, count, label in _tasks(client):
            got = client.get(url)
            assert got.status_code == 200, f"{user.username}: «{label}» → {url}: {got.status_code}"
            followed.append(f"{user.username}: {label}")
            path = url.split("?")[0]
            if path in STATUS_PAGES or path.startswith(STATUS_PREFIXES):
                continue
            shown = re.findall(r'data-count="(\d+)"', got.content.decode())
            assert str(count) in shown, f"{user.username}: «{label}» claims {count}, {url} shows {shown}"
    kades = User.objects.get(role=Role.KADES)
    assert any(f.startswith(kades.username) and "persetujuan" in f for f in followed), followed
    for expected in (
        "SPP menunggu verifikasi",
        "SPP disetujui, menunggu dibayar",
        "Panjar belum di-SPJ-kan",
        "pajak belum disetor",
        "Pengaduan belum dijawab",
        "Surat masuk belum didisposisi",
    ):
        assert any(expected in f for f in followed), "\n".join(followed)
