"""A resident's personal code: credited by a station attendant by kg, once per code and material, never forged."""
from datetime import timedelta

import pytest

from db.engine import write_session
from points.checkin.personal_code import LIFETIME, credit_at_station, issue_code, read_code
from points.claims.lifecycle import submit_claim
from points.common.clock import utcnow
from points.common.errors import DomainError
from tests.support.checkin import load_city, points_of


def credit(attendant_id, code, material="paper", kg=2.0, now=None):
    with write_session() as session:
        return credit_at_station(session, attendant_id=attendant_id, code=code, material=material, kg=kg, now=now)


def refusal(*args, **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        credit(*args, **kwargs)
    return caught.value.code


@pytest.fixture
def people(make_user):
    load_city()
    return make_user("olga", role="organizer"), make_user("ann")


def test_attendant_credits_kg_by_the_catalogue_factor_once(people):
    attendant, ann = people
    code = issue_code(ann.id)
    result = credit(attendant.id, code, kg=2.0)
    assert (result.points, result.co2e_g) == (295, 295)  # 2 kg x 295 g x credit share 0.5
    assert credit(attendant.id, code, kg=2.0).points == 295
    assert points_of(ann.id) == 295


def test_expired_forged_and_other_users_codes_are_refused(people, make_user):
    attendant, ann = people
    now = utcnow()
    old = issue_code(ann.id, now=now - LIFETIME - timedelta(seconds=1))
    assert refusal(attendant.id, old, now=now) == "personal_code_expired"
    genuine = issue_code(ann.id, now=now)
    user_part, rest = genuine.split(".", 2)[1], genuine.split(".", 2)[2]
    forged = f"GE1.{make_user('bob').id}.{rest}"
    assert user_part != forged.split(".")[1]
    assert refusal(attendant.id, forged, now=now) == "personal_code_invalid"
    assert refusal(attendant.id, "hello", now=now) == "personal_code_invalid"
    assert points_of(ann.id) == 0


def test_residents_cannot_credit_and_attendants_cannot_credit_themselves(people):
    attendant, ann = people
    assert refusal(ann.id, issue_code(attendant.id)) == "forbidden"
    assert refusal(attendant.id, issue_code(attendant.id)) == "station_self_credit"


@pytest.mark.parametrize(("material", "kg", "code"), [("gold", 1.0, "station_material_invalid"),
                                                       ("paper", 0, "station_kg_invalid"),
                                                       ("paper", 51, "station_kg_invalid")])
def test_bad_material_or_weight_writes_nothing(people, material, kg, code):
    attendant, ann = people
    assert refusal(attendant.id, issue_code(ann.id), material=material, kg=kg) == code
    assert points_of(ann.id) == 0


def test_read_code_names_the_user(people):
    _, ann = people
    assert read_code(issue_code(ann.id)) == ann.id


def test_the_attendants_weighing_is_verified_data_that_replaces_the_residents_own_report(people):
    """Staff credit is the station's way to credit: the whole amount, source staff, the self-report superseded."""
    attendant, ann = people
    now = utcnow()
    with write_session() as session:
        typed = submit_claim(session, user_id=ann.id, action_code="paper", quantity=2, occurred_at=now,
                             idempotency_key="claim:typed", now=now)
    assert typed.points == 147  # a self-report earns half
    weighed = credit(attendant.id, issue_code(ann.id, now=now), kg=2.0, now=now)
    assert (weighed.points, weighed.claim.source, weighed.entry.created_by) == (295, "staff", attendant.id)
    assert points_of(ann.id) == 295  # 147 reversed, 295 credited
