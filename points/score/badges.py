"""Badges: milestones a resident has reached, each with its progress, all read from credited actions."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Checkpoint, Claim, Place
from points.claims.lifecycle import CREDITED
from points.common.clock import utcnow
from points.places.trails import TRAIL_WALK_CODE, node_near, segment_count, segments_between, segments_in_note
from points.score.facts import load_facts
from points.score.rules import load_rules

CO2E_TARGET_G = 10_000
VOLUNTEER_TARGET_HOURS = 10


@dataclass(frozen=True)
class Badge:
    code: str
    value: float
    target: float

    @property
    def earned(self) -> bool:
        return self.value >= self.target


def _point_of(session: Session, *, checkpoint: Checkpoint) -> tuple[float | None, float | None]:
    """A checkpoint's own coordinates, else its place's point (GeoJSON is lon, lat)."""
    if checkpoint.lat is not None or checkpoint.place_id is None:
        return checkpoint.lat, checkpoint.lon
    place = session.get(Place, checkpoint.place_id)
    if place is None or place.geometry.get("type") != "Point":
        return None, None
    lon, lat = place.geometry["coordinates"][:2]
    return lat, lon


def walked_segments(session: Session, *, user_id: int) -> set[int]:
    """Segments named in credited trail walks' notes, plus those between the trailheads scanned on one day."""
    rows = session.execute(select(col(Claim.note), col(Claim.local_day), Checkpoint)
                           .outerjoin(Checkpoint, col(Checkpoint.id) == col(Claim.checkpoint_id))
                           .where(col(Claim.user_id) == user_id, col(Claim.action_code) == TRAIL_WALK_CODE,
                                  col(Claim.status).in_(CREDITED))).all()
    walked: set[int] = set().union(*(segments_in_note(row.note) for row in rows))
    nodes_by_day: dict[str, set[int]] = {}
    for row in rows:
        node = node_near(*_point_of(session, checkpoint=row.Checkpoint)) if row.Checkpoint is not None else None
        if node is not None:
            nodes_by_day.setdefault(row.local_day, set()).add(node)
    return walked.union(*(segments_between(nodes) for nodes in nodes_by_day.values()))


def badges(session: Session, *, user_id: int, now: datetime | None = None) -> list[Badge]:
    """Every badge with how far the resident is; credits later reversed do not count."""
    now = now or utcnow()
    facts, _ = load_facts(session, user_id=user_id, until=now)
    standing = [fact for fact in facts if fact.stands_at(now)]
    categories = load_rules()["components"]["variety"]["categories"]
    return [
        Badge("first_action", min(len(standing), 1), 1),
        Badge("co2e_10kg", round(sum(fact.co2e_g for fact in standing) / 1000, 1), CO2E_TARGET_G / 1000),
        Badge("volunteer_10h", round(sum(fact.hours for fact in standing), 1), VOLUNTEER_TARGET_HOURS),
        Badge("yunhai_all", len(walked_segments(session, user_id=user_id)), segment_count()),
        Badge("all_categories", len({fact.category for fact in standing} & set(categories)), len(categories)),
    ]
