"""Reconciliation for admins: per partner and day what came in and what became of it; spikes flagged."""
from datetime import timedelta

import pytest

from db.engine import read_session, write_session
from db.models import PartnerTally
from points.partners.reconciliation import partner_spikes, reconciliation
from tests.support.ledger import NOON, load
from tests.support.partners import event, link_resident, make_partner, send


@pytest.fixture(autouse=True)
def catalogue():
    load()


def test_each_day_shows_received_credited_duplicate_refused_by_reason_and_points(make_user):
    metro = make_partner("metro-co").partner
    bins = make_partner("bins", kind="recycling_machine", actions=("paper",)).partner
    ann = make_user("ann")
    link_resident(ann.id, metro.id, "card-123")
    send(metro.id, event("e1"), event("e2", subject="nobody"), event("e3", action="paper"), event("e4", quantity=0))
    send(metro.id, event("e1"), now=NOON + timedelta(days=1))
    with read_session() as session:
        rows = reconciliation(session, now=NOON + timedelta(days=1))
        only_bins = reconciliation(session, partner_id=bins.id, now=NOON + timedelta(days=1))
        long_ago = reconciliation(session, days=14, now=NOON + timedelta(days=15))
    assert [(row.day, row.partner_name, row.received, row.credited, row.duplicate, row.refused, row.points)
            for row in rows] == [
        ("2026-03-11", "metro-co", 1, 0, 1, {}, 0),
        ("2026-03-10", "metro-co", 4, 1, 0, {"unknown_subject": 1, "action_not_allowed": 1, "invalid": 1}, 467)]
    assert only_bins == [] and long_ago == []


def tally(partner_id: int, day, events: int) -> None:
    with write_session() as session:
        session.add(PartnerTally(partner_id=partner_id, day=day.isoformat(), outcome="credited", events=events))


def spikes_on(now):
    with read_session() as session:
        return [(spike.partner_name, spike.day, spike.received, spike.usual) for spike in partner_spikes(session,
                                                                                                         now=now)]


def test_a_day_above_three_times_the_usual_of_the_fortnight_before_is_a_spike():
    metro = make_partner("metro-co").partner
    today = NOON.date()
    for back in range(1, 15):
        tally(metro.id, today - timedelta(days=back), 100)
    tally(metro.id, today, 301)
    assert spikes_on(NOON) == [("metro-co", today.isoformat(), 301, 100.0)]


def test_three_times_the_usual_exactly_or_fewer_than_50_events_is_no_spike():
    metro = make_partner("metro-co").partner
    quiet = make_partner("quiet", actions=("bus",)).partner
    today = NOON.date()
    for back in range(1, 15):
        tally(metro.id, today - timedelta(days=back), 100)
        tally(quiet.id, today - timedelta(days=back), 1)
    tally(metro.id, today, 300)
    tally(quiet.id, today, 49)
    assert spikes_on(NOON) == []


def test_a_new_partner_is_not_a_spike_before_it_has_a_usual_and_quiet_days_count_as_none_sent():
    metro = make_partner("metro-co").partner
    today = NOON.date()
    tally(metro.id, today - timedelta(days=3), 500)  # its first day: nothing before to compare with
    tally(metro.id, today, 501)  # the usual of the days since: median(500, 0, 0) = 0
    assert spikes_on(NOON) == [("metro-co", today.isoformat(), 501, 0.0)]
