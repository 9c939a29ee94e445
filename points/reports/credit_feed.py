"""The credit feed for the city's credit system: each resident's score, tier and components, CSV or JSON."""
import io
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import User
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ACTIVE_USER, RESIDENT
from points.common.spreadsheet import SafeWriter
from points.score.facts import action_types, score_at
from points.score.rules import COMPONENTS, load_rules

FORMATS = (".csv", ".json")
COLUMNS = ("user_id", "username", "as_of", "score", "tier", "tier_zh", *COMPONENTS, "rules_version")


def feed_rows(session: Session, *, now: datetime | None = None) -> list[dict]:
    """One row per active resident (deleted and disabled accounts are left out)."""
    now = now or utcnow()
    residents = session.execute(select(User).where(col(User.role) == RESIDENT, ACTIVE_USER)
                                .order_by(col(User.id))).scalars()
    actions, rows = action_types(session), []
    for user in residents:
        score = score_at(session, user_id=user.id, now=now, actions=actions)
        rows.append({"user_id": user.id, "username": user.username, "as_of": now.isoformat(),
                     "score": score.total, "tier": score.tier["code"], "tier_zh": score.tier["name_zh"],
                     **{name: score.components[name].points for name in COMPONENTS},
                     "rules_version": load_rules()["version"]})
    return rows


def write_feed(session: Session, *, path: Path, now: datetime | None = None) -> int:
    """Write the feed in the format the file's extension names; returns the number of residents."""
    if path.suffix.lower() not in FORMATS:
        raise DomainError("feed_format_invalid")
    rows = feed_rows(session, now=now)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return len(rows)
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([row[name] for name in COLUMNS] for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)
