"""Shared set-up for the check-in tests: the catalogue, an organiser's published checkpoint, a scan."""
from datetime import UTC, datetime, timedelta

from db.engine import read_session, write_session
from db.models import Balance
from points.catalogue.actions import load_catalogue
from points.checkin import checkpoints, decision
from points.checkin.tokens import poster_token

START = datetime(2025, 6, 7, 1, 0, tzinfo=UTC)  # 09:00 in Xiamen
END = START + timedelta(hours=3)
ZHONGSHAN_PARK = {"lat": 24.46163, "lon": 118.0848}


def load_city() -> None:
    with write_session() as session:
        load_catalogue(session)


def make_checkpoint(organizer_id: int, *, kind: str = "event", publish: bool = True, **fields) -> int:
    values = {"title_zh": "海滩清洁", "title_en": "Beach clean-up", "starts_at": START, "ends_at": END,
              **ZHONGSHAN_PARK, **fields}
    with write_session() as session:
        checkpoint = checkpoints.create_checkpoint(session, actor_id=organizer_id, kind=kind, **values)
        if publish:
            checkpoints.publish(session, actor_id=organizer_id, checkpoint_id=checkpoint.id)
        return checkpoint.id


def scan(user_id: int, checkpoint_id: int, *, now: datetime, token: str | None = None):
    with write_session() as session:
        return decision.scan(session, user_id=user_id, checkpoint_id=checkpoint_id,
                            token=token or poster_token(checkpoint_id), now=now)


def check_out(user_id: int, checkpoint_id: int, *, now: datetime):
    with write_session() as session:
        return decision.check_out(session, user_id=user_id, checkpoint_id=checkpoint_id,
                                 token=poster_token(checkpoint_id), now=now)


def points_of(user_id: int) -> int:
    with read_session() as session:
        return session.get(Balance, user_id).points


def organiser_form(open_page, organizer, *, title_zh: str, title_en: str, at: dict | None = None):
    """The organiser's checkpoint form, opened and filled with titles (and a point when given), not yet saved."""
    app = open_page("pages/organizer/organize.py", organizer)
    app.text_input[0].input(title_zh)
    app.text_input[1].input(title_en)
    if at is not None:
        app.number_input[0].set_value(at["lat"])
        app.number_input[1].set_value(at["lon"])
    return app


def save_form(app) -> None:
    [save] = [button for button in app.button if button.label == "Save"]
    save.click().run()

