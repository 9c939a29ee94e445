"""Checkpoint windows are bounded: a start at most 2 years ahead, an event at most 30 days long, a station's or
trailhead's validity at most 5 years. The limit itself is accepted, one second more is refused with a message
naming the limit, and nothing is written."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import Checkpoint
from points.checkin import checkpoints
from points.common.clock import local_day, utcnow
from points.common.errors import DomainError
from tests.support.checkin import ZHONGSHAN_PARK, load_city, organiser_form, save_form

NOW = datetime(2027, 6, 1, 2, 0, tzinfo=UTC)
TWO_YEARS_ON = datetime(2029, 6, 1, 2, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def create(organizer_id: int, kind: str, starts_at: datetime, ends_at: datetime) -> int:
    with write_session() as session:
        return checkpoints.create_checkpoint(session, actor_id=organizer_id, kind=kind, title_zh="清洁",
                                             title_en="Clean-up", starts_at=starts_at, ends_at=ends_at, now=NOW,
                                             **ZHONGSHAN_PARK).id


def refusal(action, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action(*args, **kwargs)
    return caught.value


def checkpoint_count() -> int:
    with read_session() as session:
        return session.execute(select(func.count()).select_from(Checkpoint)).scalar_one()


def message(error: DomainError, language: str) -> str:
    from ui.i18n import catalogue

    return catalogue(language)[f"error.{error.code}"].format(**error.params)


def test_an_event_in_the_year_2999_is_refused_with_the_limit_named_and_nothing_written(make_user):
    organizer = make_user("olga", role="organizer")
    far = datetime(2999, 6, 1, 1, 0, tzinfo=UTC)
    error = refusal(create, organizer.id, "event", far, far + timedelta(hours=3))
    assert (error.code, error.params) == ("checkpoint_starts_too_far", {"years": 2})
    assert "at most 2 years from now" in message(error, "en") and "2 年" in message(error, "zh")
    assert checkpoint_count() == 0


@pytest.mark.parametrize("kind", checkpoints.KINDS)
def test_the_start_may_be_exactly_two_years_ahead_not_a_second_more(make_user, kind):
    organizer = make_user("olga", role="organizer")
    assert create(organizer.id, kind, TWO_YEARS_ON, TWO_YEARS_ON + timedelta(hours=3))
    error = refusal(create, organizer.id, kind, TWO_YEARS_ON + SECOND, TWO_YEARS_ON + timedelta(hours=3))
    assert error.code == "checkpoint_starts_too_far"
    assert checkpoint_count() == 1


def test_an_event_may_last_exactly_thirty_days_not_a_second_more(make_user):
    organizer = make_user("olga", role="organizer")
    assert create(organizer.id, "event", NOW, NOW + timedelta(days=30))
    error = refusal(create, organizer.id, "event", NOW, NOW + timedelta(days=30) + SECOND)
    assert (error.code, error.params) == ("checkpoint_event_too_long", {"days": 30})
    assert "at most 30 days" in message(error, "en") and "30 天" in message(error, "zh")
    assert checkpoint_count() == 1


@pytest.mark.parametrize("kind", ("station", "trailhead"))
def test_a_station_or_trailhead_may_stay_open_exactly_five_years_not_a_second_more(make_user, kind):
    organizer = make_user("olga", role="organizer")
    five_years_on = datetime(2032, 6, 1, 2, 0, tzinfo=UTC)
    assert create(organizer.id, kind, NOW, five_years_on)
    error = refusal(create, organizer.id, kind, NOW, five_years_on + SECOND)
    assert (error.code, error.params) == ("checkpoint_site_too_long", {"years": 5})
    assert "at most 5 years" in message(error, "en") and "5 年" in message(error, "zh")
    assert checkpoint_count() == 1


def test_five_years_from_a_leap_day_end_on_the_28th_of_february(make_user):
    organizer = make_user("olga", role="organizer")
    leap_day = datetime(2028, 2, 29, 0, 0, tzinfo=UTC)
    assert create(organizer.id, "station", leap_day, datetime(2033, 2, 28, 0, 0, tzinfo=UTC))
    assert refusal(create, organizer.id, "station", leap_day,
                   datetime(2033, 2, 28, 0, 0, 1, tzinfo=UTC)).code == "checkpoint_site_too_long"


def test_editing_an_event_to_end_in_2999_is_refused_and_the_event_is_unchanged(make_user):
    organizer = make_user("olga", role="organizer")
    event = create(organizer.id, "event", NOW, NOW + timedelta(hours=3))

    def edit(**changes):
        with write_session() as session:
            checkpoints.update_checkpoint(session, actor_id=organizer.id, checkpoint_id=event, now=NOW, **changes)

    assert refusal(edit, ends_at=datetime(2999, 1, 1, tzinfo=UTC)).code == "checkpoint_event_too_long"
    assert refusal(edit, starts_at=TWO_YEARS_ON + SECOND,
                   ends_at=TWO_YEARS_ON + timedelta(hours=1)).code == "checkpoint_starts_too_far"
    edit(starts_at=TWO_YEARS_ON, ends_at=TWO_YEARS_ON + timedelta(days=30))
    with read_session() as session:
        saved = session.get(Checkpoint, event)
        assert (saved.starts_at, saved.ends_at) == (TWO_YEARS_ON, TWO_YEARS_ON + timedelta(days=30))


def test_the_organiser_form_shows_the_limit_and_saves_nothing(make_user, open_page):
    load_city()
    organizer = make_user("olga", role="organizer")
    app = organiser_form(open_page, organizer, title_zh="清洁", title_en="Clean-up", at=ZHONGSHAN_PARK)
    three_years_on = local_day(utcnow()).replace(year=local_day(utcnow()).year + 3, day=1)
    for day in app.date_input:  # the start and the end, on the same day three years from now
        day.set_value(three_years_on)
    save_form(app)
    assert not app.exception
    assert "A checkpoint can start at most 2 years from now" in " ".join(error.value for error in app.error)
    assert checkpoint_count() == 0
