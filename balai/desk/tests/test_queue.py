import datetime as dt
import json
import subprocess
import sys
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from balai.core.errors import ApplicationError
from balai.desk import selectors, services
from balai.desk.models import Counter, QueueCall, ServiceCategory, Ticket
from balai.desk.speech import call_sentence, number_words

JKT = dt.timezone(dt.timedelta(hours=7))


def at(hour, minute=0, day=25):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=JKT)


def test_tickets_are_numbered_per_category_and_day(village_a, surat_a, kependudukan_a):
    # when
    a1, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8))
    a2, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8, 1))
    b1, _ = services.ticket_take(village=village_a, category=kependudukan_a, now=at(8, 2))
    next_day, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8, day=26))
    # then
    assert [a1.label, a2.label, b1.label, next_day.label] == ["A-001", "A-002", "B-001", "A-001"]
    assert a1.day == dt.date(2026, 11, 25)
    assert next_day.day == dt.date(2026, 11, 26)


def test_the_same_submit_key_gives_the_same_ticket(village_a, surat_a):
    # given: a double tap sends the form twice
    first, created = services.ticket_take(village=village_a, category=surat_a, submit_key="kunci-satu")
    # when
    again, created_again = services.ticket_take(village=village_a, category=surat_a, submit_key="kunci-satu")
    # then
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_another_villages_category_is_refused(village_a, surat_b):
    with pytest.raises(ApplicationError):
        services.ticket_take(village=village_a, category=surat_b)


def test_call_next_takes_the_oldest_waiting_ticket_and_finishes_the_current(
    village_a, surat_a, kependudukan_a, loket1_a, operator_a
):
    # given
    first, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8))
    second, _ = services.ticket_take(village=village_a, category=kependudukan_a, now=at(8, 5))
    # when
    called = services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    called_again = services.ticket_call_next(
        actor=operator_a, village=village_a, counter=loket1_a, now=at(9, 10)
    )
    # then
    assert called.pk == first.pk
    assert called_again.pk == second.pk
    first.refresh_from_db()
    assert first.state == Ticket.State.DONE
    assert list(QueueCall.objects.values_list("label", "counter_name")) == [
        ("B-001", "Loket 1"),
        ("A-001", "Loket 1"),
    ]
    assert (
        services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9, 20))
        is None
    )


def test_two_counters_never_call_the_same_ticket(village_a, surat_a, loket1_a, loket2_a, operator_a):
    # given
    tickets = [services.ticket_take(village=village_a, category=surat_a, now=at(8, n))[0] for n in range(4)]
    # when: the counters call alternately
    called = []
    for n in range(4):
        counter = loket1_a if n % 2 == 0 else loket2_a
        called.append(
            services.ticket_call_next(actor=operator_a, village=village_a, counter=counter, now=at(9, n))
        )
    # then
    assert [t.pk for t in called] == [t.pk for t in tickets]
    assert len({t.pk for t in called}) == 4


def test_a_ticket_already_called_at_another_counter_is_not_called_again(
    village_a, surat_a, loket1_a, loket2_a, operator_a
):
    # given: loket 2 has called the first ticket
    first, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8))
    second, _ = services.ticket_take(village=village_a, category=surat_a, now=at(8, 1))
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket2_a, now=at(9))
    # when
    called = services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    # then
    assert called.pk == second.pk
    first.refresh_from_db()
    assert first.counter_id == loket2_a.pk
    assert first.state == Ticket.State.CALLED


def test_a_counter_serves_only_its_categories(village_a, surat_a, kependudukan_a, loket1_a, operator_a):
    # given
    loket1_a.categories.set([kependudukan_a])
    services.ticket_take(village=village_a, category=surat_a, now=at(8))
    b1, _ = services.ticket_take(village=village_a, category=kependudukan_a, now=at(8, 1))
    # when
    called = services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    # then
    assert called.pk == b1.pk


def test_recall_adds_an_announcement_and_skip_marks_the_ticket(village_a, surat_a, loket1_a, operator_a):
    # given
    services.ticket_take(village=village_a, category=surat_a, now=at(8))
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    # when
    recalled = services.ticket_recall(actor=operator_a, village=village_a, counter=loket1_a, now=at(9, 1))
    skipped = services.ticket_finish(
        actor=operator_a, village=village_a, counter=loket1_a, skip=True, now=at(9, 2)
    )
    # then
    assert recalled.pk == skipped.pk
    assert QueueCall.objects.filter(is_recall=True).count() == 1
    assert Ticket.objects.get(pk=skipped.pk).state == Ticket.State.SKIPPED
    with pytest.raises(ApplicationError):
        services.ticket_recall(actor=operator_a, village=village_a, counter=loket1_a, now=at(9, 3))


def test_queue_status_counts_waiting_and_lists_recent_calls(village_a, surat_a, loket1_a, operator_a):
    # given
    for n in range(3):
        services.ticket_take(village=village_a, category=surat_a, now=at(8, n))
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    # when
    status = selectors.queue_status(village=village_a, day=dt.date(2026, 11, 25))
    # then
    assert status.categories[0].waiting == 2
    assert status.categories[0].last_called == "A-001"
    assert status.latest.number == "A-001"
    assert status.latest.counter == "Loket 1"
    assert status.waiting_total == 2
    assert status.items[0].current == "A-001"


def test_spoken_numbers_are_indonesian_words():
    assert number_words(0) == "nol"
    assert number_words(11) == "sebelas"
    assert number_words(12) == "dua belas"
    assert number_words(21) == "dua puluh satu"
    assert number_words(100) == "seratus"
    assert number_words(115) == "seratus lima belas"
    assert number_words(999) == "sembilan ratus sembilan puluh sembilan"
    assert number_words(1001) == "seribu satu"
    assert call_sentence("A-012", "Loket 2") == "Nomor antrean, A, dua belas. Silakan ke Loket 2."


# --- Views -------------------------------------------------------------------------------


def test_operator_calls_next_from_the_counter_page(client_a, village_a, surat_a, loket1_a):
    # given
    services.ticket_take(village=village_a, category=surat_a)
    url = reverse("desk:counter_desk", args=[loket1_a.public_id])
    # when
    response = client_a.post(url, {"action": "next"})
    page = client_a.get(url)
    # then
    assert response.status_code == 302
    assert "A-001" in page.content.decode()
    assert Ticket.objects.get().state == Ticket.State.CALLED


def test_counter_page_says_when_nobody_waits(client_a, loket1_a):
    response = client_a.post(reverse("desk:counter_desk", args=[loket1_a.public_id]), {"action": "next"})
    assert response.status_code == 400
    assert "Tidak ada antrean" in response.content.decode()


def test_kiosk_takes_a_ticket_once_for_a_double_tap(kiosk_a, surat_a):
    # when: the same form arrives twice
    form = {"category": surat_a.public_id, "submit_key": "ketukan-ganda-1"}
    first = kiosk_a.post(reverse("desk_kiosk:ticket_take"), form)
    second = kiosk_a.post(reverse("desk_kiosk:ticket_take"), form)
    # then
    assert first.status_code == second.status_code == 302
    assert first["Location"].split("?")[0] == second["Location"].split("?")[0]
    assert Ticket.objects.count() == 1
    page = kiosk_a.get(first["Location"])
    assert "A-001" in page.content.decode()


def test_kiosk_cannot_take_a_ticket_of_another_village(kiosk_a, surat_b):
    response = kiosk_a.post(
        reverse("desk_kiosk:ticket_take"), {"category": surat_b.public_id, "submit_key": "x1"}
    )
    assert response.status_code == 404
    assert Ticket.objects.count() == 0


def test_kiosk_pages_need_an_enrolled_device(client, surat_a):
    assert client.get(reverse("desk_kiosk:ticket_take")).status_code == 403
    assert client.post(reverse("desk_kiosk:ticket_take"), {"category": surat_a.public_id}).status_code == 403


def test_another_villages_ticket_page_is_404(kiosk_b, village_a, surat_a):
    ticket, _ = services.ticket_take(village=village_a, category=surat_a)
    assert kiosk_b.get(reverse("desk_kiosk:ticket_show", args=[ticket.public_id])).status_code == 404


def test_calling_display_opens_for_a_device_or_the_villages_operator(
    kiosk_a, client_a, client, village_a, surat_a, loket1_a, operator_a, kades_a
):
    # given
    services.ticket_take(village=village_a, category=surat_a)
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a)
    url = reverse("desk_kiosk:display_feed")
    # when
    by_device, by_operator = kiosk_a.get(url), client_a.get(url)
    client.force_login(kades_a)
    by_head = client.get(url)
    # then
    assert by_device.status_code == by_operator.status_code == 200
    assert by_head.status_code == 403  # the head does not operate the desk
    text = by_device.content.decode()
    assert "A-001" in text
    assert "Loket 1" in text
    assert 'data-speech="Nomor antrean, A, satu. Silakan ke Loket 1."' in text
    page = kiosk_a.get(reverse("desk_kiosk:display"))
    assert 'lang="id"' in page.content.decode()
    assert "display.js" in page.content.decode()


def test_calling_display_refuses_strangers(client):
    assert client.get(reverse("desk_kiosk:display")).status_code in (302, 403)


def test_display_shows_no_personal_data(kiosk_a, village_a, surat_a, resident_a, loket1_a, operator_a):
    services.ticket_take(village=village_a, category=surat_a)
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a)
    text = kiosk_a.get(reverse("desk_kiosk:display")).content.decode()
    assert resident_a.name not in text
    assert resident_a.nik not in text


def test_concurrent_tickets_and_calls_on_a_sqlite_file(sqlite_file_env):
    # given: a fresh SQLite file database, configured as in production (WAL, IMMEDIATE)
    env = sqlite_file_env
    # when: six kiosks take 30 tickets at once, then four counters call them all at once
    done = subprocess.run(
        [sys.executable, "-m", "balai.desk.tests.concurrent_queue", "30", "6", "4"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # then
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert result["numbers"] == list(range(1, 31))
    assert result["called"] == 30
    assert result["distinct_called"] == 30
    assert result["waiting"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on the test database: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_counters_on_postgresql_call_each_ticket_once(village_a, surat_a, operator_a):
    # given: 24 waiting tickets and four counters
    for n in range(24):
        services.ticket_take(village=village_a, category=surat_a, now=at(8, n))
    counters = [Counter.objects.create(village=village_a, name=f"Loket {i}") for i in range(4)]
    called: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(counter):
        try:
            start.wait(timeout=10)
            while ticket := services.ticket_call_next(
                actor=None, village=village_a, counter=counter, now=at(9)
            ):
                called.append(ticket.pk)
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
        finally:
            connections.close_all()

    # when: all four call at once until the queue is empty
    threads = [threading.Thread(target=work, args=(c,)) for c in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert errors == []
    assert len(called) == 24
    assert len(set(called)) == 24
    assert QueueCall.objects.count() == 24


def test_operator_manages_categories_and_counters(client_a, village_a):
    # when
    added = client_a.post(reverse("desk:category_list"), {"code": "d", "name": "Kesehatan", "order": "4"})
    clash = client_a.post(reverse("desk:category_list"), {"code": "D", "name": "Lain", "order": "5"})
    negative = client_a.post(reverse("desk:category_list"), {"code": "E", "name": "Lain", "order": "-1"})
    category = ServiceCategory.objects.get(village=village_a, code="D")
    counter = client_a.post(
        reverse("desk:counter_list"), {"name": "Loket Kesehatan", "categories": [category.public_id]}
    )
    # then
    assert added.status_code == 302
    assert clash.status_code == 400
    assert "sudah dipakai" in clash.content.decode()
    assert negative.status_code == 400
    assert counter.status_code == 302
    made = Counter.objects.get(village=village_a, name="Loket Kesehatan")
    assert list(made.categories.all()) == [category]
    edited = client_a.post(
        reverse("desk:counter_edit", args=[made.public_id]),
        {"name": "Loket Kesehatan", "order": "1", "is_active_present": "1"},
    )
    assert edited.status_code == 302
    made.refresh_from_db()
    assert not made.is_active
    assert list(made.categories.all()) == []


def test_next_asks_what_happened_to_the_current_ticket_and_undo_reopens_it(
    client_a, village_a, surat_a, loket1_a
):
    # given A-001 being served and A-002 waiting
    services.ticket_take(village=village_a, category=surat_a)
    services.ticket_take(village=village_a, category=surat_a)
    url = reverse("desk:counter_desk", args=[loket1_a.public_id])
    client_a.post(url, {"action": "next"})

    # when the operator presses plain "next" again (a double click)
    double = client_a.post(url, {"action": "next"})

    # then nothing is closed: they are asked whether A-001 was served
    assert double.status_code == 400
    assert "Tandai dulu nomor A-001" in double.content.decode()
    assert Ticket.objects.get(number=1).state == Ticket.State.CALLED

    # when they mark A-001 as not having come and call the next one
    client_a.post(url, {"action": "skip_next"})
    assert Ticket.objects.get(number=1).state == Ticket.State.SKIPPED
    assert Ticket.objects.get(number=2).state == Ticket.State.CALLED
    assert "Batalkan" in client_a.get(url).content.decode()

    # and then undo it within the minute
    client_a.post(url, {"action": "undo"})

    # then A-001 is being served again and A-002 waits at the head of the queue, uncalled
    assert Ticket.objects.get(number=1).state == Ticket.State.CALLED
    a002 = Ticket.objects.get(number=2)
    assert (a002.state, a002.counter_id, a002.calls) == (Ticket.State.WAITING, None, 0)


def test_undo_is_refused_after_a_minute(village_a, surat_a, loket1_a, operator_a):
    services.ticket_take(village=village_a, category=surat_a, now=at(8))
    services.ticket_call_next(actor=operator_a, village=village_a, counter=loket1_a, now=at(9))
    services.ticket_finish(actor=operator_a, village=village_a, counter=loket1_a, skip=False, now=at(9, 1))
    with pytest.raises(ApplicationError):
        services.ticket_undo_finish(actor=operator_a, village=village_a, counter=loket1_a, now=at(9, 3))
