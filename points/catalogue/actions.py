"""The action catalogue: cited factors loaded from assets/catalogue.csv into versioned ActionType rows.

A changed factor is a new version (a new row); entries keep the id of the version they used.
"""
import csv
from datetime import datetime
from pathlib import Path

from sqlalchemy import Table, bindparam
from sqlmodel import Session, col, func, select

from db.config import ASSETS_DIR
from db.driver_statement import DriverStatement
from db.models import ActionType
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role

CATALOGUE_FILE = ASSETS_DIR / "catalogue.csv"
CATEGORIES = ("waste", "trip", "volunteer", "energy", "other")
VERIFICATIONS = ("self", "review", "qr")
FACTOR_KINDS = ("reduction", "baseline_diff", "upper_bound", "points_only")
FLOAT_FIELDS = ("factor_g", "baseline_g", "mode_g", "credit_share", "daily_cap", "plausibility_limit", "self_share",
                "self_daily_cap")
# Read for display only (points.catalogue.wording), not stored: a version's citation is its own text.
DISPLAY_ONLY = ("source_zh",)
# What a new version may change; names and code stay.
REVISABLE = (*FLOAT_FIELDS, "points_per_unit", "verification", "source", "year", "confidence", "provisional",
             "factor_kind", "active")


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def read_catalogue_file(path: Path = CATALOGUE_FILE) -> list[dict]:
    """Rows of the catalogue file as ActionType fields; a bad row fails loudly at start, not at a claim."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            row = {name: value for name, value in raw.items() if name not in DISPLAY_ONLY}
            for name in FLOAT_FIELDS:
                row[name] = _optional_float(row[name])
            for share in ("credit_share", "self_share"):  # blank: the whole of it
                row[share] = row[share] if row[share] is not None else 1.0
            row["factor_g"] = row["factor_g"] or 0.0
            row["version"] = int(row["version"])
            row["points_per_unit"] = int(row["points_per_unit"]) if row["points_per_unit"].strip() else None
            row["provisional"] = row["provisional"].strip().lower() == "true"
            check_action_fields(row)
            rows.append(row)
    return rows


def check_action_fields(row: dict) -> None:
    if row["category"] not in CATEGORIES or row["verification"] not in VERIFICATIONS:
        raise ValueError(f"catalogue row {row['code']}: unknown category or verification")
    if row["factor_kind"] not in FACTOR_KINDS:
        raise ValueError(f"catalogue row {row['code']}: unknown factor kind {row['factor_kind']!r}")
    if row["factor_kind"] == "baseline_diff" and row["factor_g"] != row["baseline_g"] - row["mode_g"]:
        raise ValueError(f"catalogue row {row['code']}: factor is not baseline minus mode")
    if row["factor_g"] < 0 or not 0 < row["credit_share"] <= 1:
        raise ValueError(f"catalogue row {row['code']}: factor or credit share out of range")
    check_self_report_fields(row)


def check_self_report_fields(row: dict) -> None:
    """A self-report earns a share of the credit, within a cap no higher than verified data's (the side path)."""
    if not 0 < row["self_share"] <= 1:
        raise ValueError(f"catalogue row {row['code']}: self-report share out of range")
    self_cap, cap = row["self_daily_cap"], row["daily_cap"]
    if self_cap is not None and (self_cap <= 0 or (cap is not None and self_cap > cap)):
        raise ValueError(f"catalogue row {row['code']}: self-report cap above the verified cap")


def _versions(session: Session, *, code: str) -> list[ActionType]:
    return list(session.exec(
        select(ActionType).where(col(ActionType.code) == code).order_by(col(ActionType.version))))


def _make_current(session: Session, *, chosen: ActionType) -> None:
    session.info.pop(CURRENT_CACHE, None)
    for other in _versions(session, code=chosen.code):
        if other.current and other.id != chosen.id:
            other.current = False
            session.add(other)
    chosen.current = True
    session.add(chosen)


def load_catalogue(session: Session, *, path: Path = CATALOGUE_FILE) -> int:
    """Insert each (code, version) of the file not yet in the database and make it current; idempotent."""
    added = 0
    for row in read_catalogue_file(path):
        known = {action.version: action for action in _versions(session, code=row["code"])}
        if row["version"] in known:
            continue
        action = ActionType(**row, current=True, created_at=utcnow())
        session.add(action)
        session.flush()
        if not known or row["version"] > max(known):
            _make_current(session, chosen=action)
        else:
            action.current = False
        added += 1
    session.flush()
    return added


def current_action(session: Session, *, code: str) -> ActionType:
    """The current version, read once per session (one transaction): a partner batch asks for the same few
    actions a thousand times. A catalogue change made in this session clears what was read."""
    cache = session.info.setdefault(CURRENT_CACHE, {})
    action = cache.get(code)
    if action is None:
        rows = CURRENT_ACTION.rows(session.connection(), {"code": code})
        if not rows:
            raise DomainError("unknown_action", action=code)
        action = cache[code] = ActionType.model_construct(**dict(zip(_ACTION_COLUMNS, rows[0], strict=True)))
    return action


CURRENT_CACHE = "points.catalogue.current_actions"
# A plain typed row made into a detached ActionType: every claim reads its action, and the ORM's select, identity
# map and flush bookkeeping cost more than the row. Callers only read it; a revision writes a new row.
_action_table: Table = ActionType.__table__  # type: ignore[attr-defined]
_ACTION_COLUMNS = tuple(column.name for column in _action_table.c)
CURRENT_ACTION = DriverStatement(_action_table.select().where(_action_table.c.code == bindparam("code"),
                                                             _action_table.c.current.is_(True)), typed=True)


def list_current(session: Session) -> list[ActionType]:
    return list(session.exec(select(ActionType).where(col(ActionType.current).is_(True))
                             .order_by(col(ActionType.category), col(ActionType.code))))


def loggable_actions(session: Session) -> list[ActionType]:
    """What a resident may log by hand: active actions not credited through a QR checkpoint."""
    return [action for action in list_current(session) if action.active and action.verification != "qr"]


def revise_action(session: Session, *, actor_id: int, code: str, now: datetime | None = None,
                  **changes) -> ActionType:
    """An admin's change of factor, cap or source: a new version becomes current, the old row stays as it was."""
    require_role(session, actor_id, ADMIN)
    unknown = set(changes) - set(REVISABLE)
    if unknown:
        raise DomainError("catalogue_field_invalid", fields=", ".join(sorted(unknown)))
    old = current_action(session, code=code)
    fields = {name: getattr(old, name) for name in ActionType.model_fields if name not in ("id", "created_at")}
    fields.update(changes)
    if fields["factor_kind"] == "baseline_diff" and {"baseline_g", "mode_g"} & set(changes):
        fields["factor_g"] = fields["baseline_g"] - fields["mode_g"]
    try:
        check_action_fields(fields)
    except ValueError:
        raise DomainError("catalogue_value_invalid", action=code) from None
    now = now or utcnow()
    latest = session.exec(select(func.max(ActionType.version)).where(col(ActionType.code) == code)).one()
    fields["version"] = latest + 1
    action = ActionType(**fields, created_at=now)
    session.add(action)
    session.flush()
    _make_current(session, chosen=action)
    journal.record(session, actor_id=actor_id, action="catalogue.revise", target_type="action_type",
                   target_id=code, before={name: getattr(old, name) for name in changes},
                   after={**changes, "version": action.version}, now=now)
    session.flush()
    return action
