"""The catalogue: cited factors loaded once, worked examples to the gram, versions that keep history."""
import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import ActionType
from points.catalogue.actions import current_action, list_current, load_catalogue, read_catalogue_file, revise_action
from points.claims.lifecycle import approve_claim
from points.common.errors import DomainError
from tests.support.ledger import balance_of, entries_of, load, log, verified

REQUIRED = ("metro", "bus", "bike", "walk", "paper", "plastic", "glass", "metal", "low_value", "kitchen",
            "electricity", "clean_plate", "own_bag", "trail_walk", "volunteer")
# Version 2 (issue 13): self-reports earn half within a lower cap; low_value and kitchen factors lowered.
SIDE_PATH = ("metro", "bus", "bike", "walk", "trail_walk", "paper", "plastic", "glass", "metal", "low_value",
             "kitchen")


@pytest.fixture(autouse=True)
def catalogue():
    return load()


def test_catalogue_has_every_action_with_its_citation(catalogue):
    with read_session() as session:
        actions = {action.code: action for action in list_current(session)}
    assert catalogue == len(read_catalogue_file()) and set(REQUIRED) <= set(actions)
    source_room = ActionType.model_fields["source"].metadata[0].max_length  # PostgreSQL refuses longer
    assert all(len(row["source"]) <= source_room for row in read_catalogue_file())
    for action in actions.values():
        assert action.source and action.year and action.confidence
        assert action.version == (2 if action.code in SIDE_PATH else 1)
        assert action.daily_cap is not None and action.verification in ("self", "review", "qr")
        if action.code in SIDE_PATH:  # the side path: half the credit, well under the verified cap
            assert action.self_share == 0.5 and action.self_daily_cap <= action.daily_cap / 2
        else:
            assert (action.self_share, action.self_daily_cap) == (1.0, None)
    assert (actions["metro"].factor_g, actions["bus"].factor_g, actions["electricity"].factor_g) == (46.7, 26.9, 409.2)
    assert actions["walk"].provisional and actions["bike"].provisional and not actions["metro"].provisional
    assert actions["walk"].baseline_g - actions["walk"].mode_g == actions["walk"].factor_g == 70
    assert (actions["metro"].self_daily_cap, actions["metro"].daily_cap) == (20, 60)


def test_low_value_and_kitchen_factors_are_lowered_with_their_method_cited(catalogue):
    """Issue 13 point 9: the news figure gave way to a conservative cited one; kitchen waste, counted against
    landfill while Xiamen incinerates, claims no CO2e at all (the cited LCA finds no saving against incineration)."""
    with read_session() as session:
        actions = {action.code: action for action in list_current(session)}
    low_value, kitchen = actions["low_value"], actions["kitchen"]
    assert (low_value.factor_g, kitchen.factor_g) == (102, 0)  # were 1660 and 691
    assert (kitchen.factor_kind, kitchen.points_per_unit) == ("points_only", 10)
    assert "board" in low_value.source and "Qingdao" in kitchen.source and "incineration" in kitchen.source
    assert low_value.provisional and low_value.confidence == "low"


def test_loading_twice_adds_nothing():
    with write_session() as session:
        assert load_catalogue(session) == 0
    with read_session() as session:
        assert len(session.exec(select(ActionType)).all()) == len(read_catalogue_file())
        assert len(list_current(session)) == len({row["code"] for row in read_catalogue_file()})


def test_unknown_action_is_refused():
    with read_session() as session, pytest.raises(DomainError) as refused:
        current_action(session, code="teleport")
    assert refused.value.code == "unknown_action"


SELF_REPORTED = [  # (code, quantity, grams = points): quantity x factor (x credit share) x self share, floored
    ("metro", 10, 233), ("bus", 10, 134), ("bike", 5, 175), ("walk", 3, 105), ("paper", 2, 147),
    ("plastic", 1, 412), ("glass", 3, 435), ("metal", 2, 520), ("low_value", 2, 51),
    ("clean_plate", 2, 344), ("own_bag", 3, 45), ("metro", 2.5, 58),
]
VERIFIED = [  # the same actions reported by a partner or weighed by an attendant: the whole credit
    ("metro", 10, 467), ("bus", 10, 269), ("paper", 2, 295), ("low_value", 2, 102),
    ("metro", 2.5, 116),
]


@pytest.mark.parametrize(("code", "quantity", "grams"), SELF_REPORTED)
def test_worked_example_credits_to_the_gram(make_user, code, quantity, grams):
    user = make_user("ann")
    result = log(user.id, code, quantity)
    assert (result.status, result.co2e_g, result.points) == ("auto", grams, grams)
    assert (balance_of(user.id).points, balance_of(user.id).co2e_g) == (grams, grams)


@pytest.mark.parametrize(("code", "quantity", "grams"), VERIFIED)
def test_verified_worked_example_earns_the_whole_credit(make_user, code, quantity, grams):
    user = make_user("ann")
    result = verified(user.id, code, quantity, source="partner")
    assert (result.status, result.co2e_g, result.points) == ("auto", grams, grams)
    assert (balance_of(user.id).points, balance_of(user.id).co2e_g) == (grams, grams)


def test_electricity_is_reviewed_then_credited_at_the_fujian_factor(make_user):
    user, admin = make_user("ann"), make_user("root", role="admin")
    pending = log(user.id, "electricity", 3)
    assert pending.status == "pending" and balance_of(user.id).points == 0
    with write_session() as session:
        approved = approve_claim(session, actor_id=admin.id, claim_id=pending.claim.id)
    assert (approved.co2e_g, approved.points, balance_of(user.id).points) == (1227, 1227, 1227)


def test_trail_walk_is_credited_through_a_checkpoint(make_user):
    user = make_user("ann")
    assert verified(user.id, "trail_walk", 4).points == 280


@pytest.mark.parametrize(("source", "points"), [("self", 10), ("partner", 20)])
def test_kitchen_waste_earns_points_per_kg_and_claims_no_co2(make_user, source, points):
    user = make_user("ann")
    result = log(user.id, "kitchen", 2) if source == "self" else verified(user.id, "kitchen", 2, source=source)
    assert (result.status, result.co2e_g, result.points) == ("auto", 0, points)
    assert (balance_of(user.id).points, balance_of(user.id).co2e_g) == (points, 0)


def test_volunteering_earns_points_per_hour_and_claims_no_co2(make_user):
    user = make_user("ann")
    default = verified(user.id, "volunteer", 2.5)
    event = verified(user.id, "volunteer", 2, points_per_unit=150)
    assert (default.points, default.co2e_g, event.points) == (250, 0, 300)
    assert (balance_of(user.id).points, balance_of(user.id).co2e_g) == (550, 0)


def test_grams_per_point_setting_divides(make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_GRAMS_PER_POINT", "10")
    user = make_user("ann")
    result = verified(user.id, "metro", 10)
    assert (result.co2e_g, result.points) == (467, 46)
    assert log(user.id, "bus", 10).points == 13  # 134 g self-reported


def test_a_new_factor_is_a_new_version_and_old_entries_keep_theirs(make_user):
    user, admin = make_user("ann"), make_user("root", role="admin")
    before = log(user.id, "metro", 10)
    with write_session() as session:
        revised = revise_action(session, actor_id=admin.id, code="metro", factor_g=78.4, source="Wuhan")
    after = log(user.id, "metro", 10)
    assert (revised.version, before.points, after.points) == (3, 233, 392)
    first, second = entries_of(user.id)
    assert first.action_type_id != second.action_type_id
    with read_session() as session:
        old = session.get(ActionType, first.action_type_id)
        assert (old.factor_g, old.version, old.current) == (46.7, 2, False)
        assert current_action(session, code="metro").version == 3


def test_only_an_admin_revises_the_catalogue(make_user):
    user = make_user("ann")
    with write_session() as session, pytest.raises(DomainError) as refused:
        revise_action(session, actor_id=user.id, code="metro", factor_g=1.0)
    assert refused.value.code == "forbidden"


def test_the_current_action_read_on_the_claim_path_equals_the_orm_row(catalogue):
    """current_action reads a plain row for speed: every field must come back as the ORM would give it (SQLite
    returns booleans as 0/1 and datetimes as text unless the column types convert them)."""
    with read_session() as session:
        lean = current_action(session, code="metro")
        orm = session.exec(select(ActionType).where(ActionType.code == "metro", ActionType.current)).one()
        assert {name: getattr(lean, name) for name in ActionType.model_fields} == orm.model_dump()
        assert lean.current is True and lean.created_at.tzinfo is not None
