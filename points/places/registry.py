"""The city's places and trails: loaded from assets/, validated on import, edited by admins, closed with a reason.

GeoJSON in and out is WGS-84 ([lon, lat]). Validation runs over the whole file before anything is written,
so a bad import changes nothing.
"""
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.config import ASSETS_DIR
from db.models import Checkpoint, Place
from points.audit.journal import record
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role
from points.places.geo import line_length_m, segment_lengths_m

ASSET = ASSETS_DIR / "places.geojson"
KINDS = ("park", "community_park", "wetland_beach", "trail", "recycling_station", "event_venue", "landmark")
DISTRICTS = ("思明", "湖里", "集美", "海沧", "同安", "翔安")
FACILITIES = ("toilets", "emergency_buttons", "mother_baby_room")
MAX_IMPORT_BYTES = 5_000_000
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_COLUMNS = ("id", "kind", "name_zh", "name_en", "district", "confidence", "pinned")


def _reject_constant(name: str):
    raise ValueError(name)


def _parse(text: str | bytes) -> list:
    """The features of a FeatureCollection; NaN and Infinity are not JSON and are refused."""
    if len(text) > MAX_IMPORT_BYTES:
        raise DomainError("place_import_too_large", limit_mb=MAX_IMPORT_BYTES // 1_000_000)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise DomainError("place_import_not_json") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise DomainError("place_import_not_collection")
    return data["features"]


def _position_ok(position) -> bool:
    return (isinstance(position, list) and len(position) in (2, 3)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                    for v in position))


def _check_geometry(geometry, kind: str, n: int) -> dict:
    """A Point for a place, a LineString for a trail, every position a finite [lon, lat] in range."""
    wanted = "LineString" if kind == "trail" else "Point"
    if not isinstance(geometry, dict) or geometry.get("type") != wanted:
        raise DomainError("place_import_geometry", n=n, wanted=wanted)
    coordinates = geometry.get("coordinates")
    positions = coordinates if wanted == "LineString" else [coordinates]
    if not isinstance(positions, list) or len(positions) < (2 if wanted == "LineString" else 1) \
            or not all(_position_ok(p) for p in positions):
        raise DomainError("place_import_geometry", n=n, wanted=wanted)
    if not all(-180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in positions):
        raise DomainError("place_import_range", n=n)
    return {"type": wanted, "coordinates": coordinates}


def _text(value, limit: int) -> str | None:
    return value.strip() if isinstance(value, str) and 0 < len(value.strip()) <= limit else None


def validated_place(feature, n: int) -> dict:
    """The Place fields of feature number n (from 1), or the first thing wrong with it, named."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature" \
            or not isinstance(feature.get("properties"), dict):
        raise DomainError("place_import_feature", n=n)
    props = dict(feature["properties"])
    place_id = props.pop("id", None) or feature.get("id")
    if not isinstance(place_id, str) or not _ID.match(place_id):
        raise DomainError("place_import_id", n=n)
    kind = props.pop("kind", None)
    if kind not in KINDS:
        raise DomainError("place_import_kind", n=n, kinds=", ".join(KINDS))
    name_zh, name_en = _text(props.pop("name_zh", None), 120), _text(props.pop("name_en", None), 120)
    if name_zh is None or name_en is None:
        raise DomainError("place_import_name", n=n)
    district = props.pop("district", None) or None
    if district is not None and district not in DISTRICTS:
        raise DomainError("place_import_district", n=n, districts=", ".join(DISTRICTS))
    facilities = props.get("facilities", {})
    if not isinstance(facilities, dict) or not all(k in FACILITIES and isinstance(v, bool)
                                                   for k, v in facilities.items()):
        raise DomainError("place_import_facilities", n=n, names=", ".join(FACILITIES))
    confidence = props.pop("confidence", "") or ""
    pinned = props.pop("pinned", True)
    if not isinstance(confidence, str) or len(confidence) > 16 or not isinstance(pinned, bool):
        raise DomainError("place_import_feature", n=n)
    return {"id": place_id, "kind": kind, "name_zh": name_zh, "name_en": name_en, "district": district,
            "confidence": confidence, "pinned": pinned, **_closure(props.pop("closure", None), n),
            "geometry": _check_geometry(feature.get("geometry"), kind, n), "properties": props}


def _instant(value) -> datetime | None:
    """An ISO 8601 time with its zone, or None when absent; anything else is an error."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def _closure(closure, n: int) -> dict:
    """An exported closure read back: {"reason", "from", "until"}; no closure means open."""
    if closure is None:
        return {"closed_reason": None, "closed_from": None, "closed_until": None}
    try:
        reason = _text(closure.get("reason"), 400)
        start, end = _instant(closure.get("from")), _instant(closure.get("until"))
    except (AttributeError, TypeError, ValueError):
        reason = None
    if reason is None or (start and end and end <= start):
        raise DomainError("place_import_closure", n=n)
    return {"closed_reason": reason, "closed_from": start, "closed_until": end}


def parse_places(text: str | bytes) -> list[dict]:
    """Every feature validated, ids unique; the first error found is raised and nothing is returned."""
    places, seen = [], set()
    for n, feature in enumerate(_parse(text), start=1):
        place = validated_place(feature, n)
        if place["id"] in seen:
            raise DomainError("place_import_duplicate", n=n, id=place["id"])
        seen.add(place["id"])
        places.append(place)
    return places


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _snapshot(place: Place) -> dict:
    return {"kind": place.kind, "name_zh": place.name_zh, "name_en": place.name_en, "district": place.district,
            "geometry": place.geometry, "pinned": place.pinned, "properties": place.properties,
            "closed_reason": place.closed_reason, "closed_from": _iso(place.closed_from),
            "closed_until": _iso(place.closed_until)}


def _upsert(session: Session, *, fields: dict, now: datetime) -> tuple[Place, dict | None]:
    """Insert or overwrite one place from validated fields; returns it and its state before."""
    place = session.get(Place, fields["id"])
    before = _snapshot(place) if place else None
    if place is None:
        place = Place(**fields, updated_at=now)
        session.add(place)
    else:
        for name, value in fields.items():
            setattr(place, name, value)
        place.updated_at = now
    return place, before


def load_places(session: Session, *, now: datetime | None = None) -> int:
    """Seed loader: add the city's places that are not there yet; admins' edits are never overwritten."""
    added = 0
    for fields in parse_places(ASSET.read_bytes()):
        if session.get(Place, fields["id"]) is None:
            session.add(Place(**fields, updated_at=now or utcnow()))
            added += 1
    return added


@dataclass(frozen=True)
class PlaceImport:
    """An uploaded GeoJSON file parsed and every feature validated, as plain values, before any write opens:
    parsing up to 5 MB inside a write would hold SQLite's lock, and with it every credit in the city."""

    places: tuple[dict, ...]


def prepare_import(text: str | bytes) -> PlaceImport:
    """Parse and validate the whole file with no transaction open; the first error found is raised."""
    return PlaceImport(tuple(parse_places(text)))


def import_places(session: Session, *, actor_id: int, upload: PlaceImport,
                  now: datetime | None = None) -> dict[str, int]:
    """Admin import of a prepared file: add or overwrite each place in this one short transaction.

    parse_places refuses repeated ids, so what _upsert found before writing tells an added place from an
    updated one."""
    if not isinstance(upload, PlaceImport):
        raise TypeError("import_places takes a PlaceImport from prepare_import(), made before the transaction")
    require_role(session, actor_id, ADMIN)
    now = now or utcnow()
    added: list[str] = []
    updated: list[str] = []
    for fields in upload.places:
        _, before = _upsert(session, fields=fields, now=now)
        (added if before is None else updated).append(fields["id"])
    record(session, actor_id=actor_id, action="places.import", now=now, target_type="place",
           after={"added": added, "updated": updated})
    return {"added": len(added), "updated": len(updated)}


def _closure_out(place: Place) -> dict:
    if not place.closed_reason:
        return {}
    return {"closure": {"reason": place.closed_reason, "from": _iso(place.closed_from),
                        "until": _iso(place.closed_until)}}


def export_places(session: Session) -> str:
    """All places as a GeoJSON FeatureCollection, closures included, in the form import accepts."""
    features = []
    for place in list_places(session):
        props = {name: getattr(place, name) for name in _COLUMNS} | place.properties | _closure_out(place)
        features.append({"type": "Feature", "geometry": place.geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def list_places(session: Session) -> list[Place]:
    return list(session.scalars(select(Place).order_by(col(Place.kind), col(Place.id))))


def get_place(session: Session, *, place_id: str) -> Place:
    place = session.get(Place, place_id)
    if place is None:
        raise DomainError("place_unknown")
    return place


def save_place(session: Session, *, actor_id: int, place_id: str, kind: str, name_zh: str, name_en: str,
               district: str | None, lat: float | None = None, lon: float | None = None,
               facilities: dict | None = None, pinned: bool = True, now: datetime | None = None) -> Place:
    """Admin add or edit: the same checks as an import; a trail keeps its line, a point moves to lat/lon."""
    require_role(session, actor_id, ADMIN)
    existing = session.get(Place, place_id)
    properties = (existing.properties | _closure_out(existing)) if existing else {}
    properties["facilities"] = facilities or {}
    if kind == "trail" and existing is not None:
        geometry = existing.geometry
    else:
        geometry = {"type": "Point", "coordinates": [lon, lat]}
    feature = {"type": "Feature", "geometry": geometry,
               "properties": properties | {"id": place_id, "kind": kind, "name_zh": name_zh, "name_en": name_en,
                                           "district": district, "pinned": pinned,
                                           "confidence": existing.confidence if existing else "admin"}}
    fields = validated_place(feature, 1)
    now = now or utcnow()
    place, before = _upsert(session, fields=fields, now=now)
    record(session, actor_id=actor_id, action="places.edit" if before else "places.add", now=now,
           target_type="place", target_id=place_id, before=before, after=_snapshot(place))
    return place


def set_closure(session: Session, *, actor_id: int, place_id: str, reason: str | None,
                closed_from: datetime | None = None, closed_until: datetime | None = None,
                now: datetime | None = None) -> Place:
    """Close a place (reason required, until after from) or, with no reason, reopen it."""
    require_role(session, actor_id, ADMIN)
    place = get_place(session, place_id=place_id)
    before = _snapshot(place)
    reason = (reason or "").strip()
    if len(reason) > 400:
        raise DomainError("place_closure_reason")
    if reason and closed_from and closed_until and closed_until <= closed_from:
        raise DomainError("place_closure_dates")
    now = now or utcnow()
    place.closed_reason = reason or None
    place.closed_from = (closed_from or now) if reason else None
    place.closed_until = closed_until if reason else None
    place.updated_at = now
    record(session, actor_id=actor_id, action="places.close" if reason else "places.reopen", now=now,
           target_type="place", target_id=place_id, before=before, after=_snapshot(place))
    return place


def is_closed(place: Place, *, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return bool(place.closed_reason) and (place.closed_from is None or place.closed_from <= now) \
        and (place.closed_until is None or now < place.closed_until)


def position(place: Place) -> tuple[float, float] | None:
    """(lat, lon) of a pinned place, a trail's first node; None for placeholders that must not be pinned."""
    if not place.pinned:
        return None
    coordinates = place.geometry["coordinates"]
    lon, lat = (coordinates[0] if place.kind == "trail" else coordinates)[:2]
    return lat, lon


def trail_length_m(place: Place) -> float:
    return line_length_m(place.geometry["coordinates"])


def trail_segments(place: Place) -> list[dict]:
    """The legs between consecutive named nodes of a trail, with the lengths trail_length_m sums."""
    coordinates = place.geometry["coordinates"]
    nodes = place.properties.get("nodes") or [{"name": str(i + 1)} for i in range(len(coordinates))]
    return [{"from": nodes[i]["name"], "to": nodes[i + 1]["name"], "length_m": length}
            for i, length in enumerate(segment_lengths_m(coordinates))]


def trailheads(session: Session, *, place: Place) -> list[Checkpoint]:
    """Trailhead checkpoints on this trail: set on the trail itself or on one of its nodes' places."""
    ids = {place.id} | {n["place_id"] for n in place.properties.get("nodes", []) if n.get("place_id")}
    return list(session.scalars(select(Checkpoint).where(col(Checkpoint.kind) == "trailhead",
                                                         col(Checkpoint.place_id).in_(ids))
                                .order_by(col(Checkpoint.id))))


def matches(place: Place, *, district: str | None = None, kinds=None, text: str = "") -> bool:
    """The map's filters: a district (a trail matches each district it crosses), kinds, part of a name."""
    if district and district not in {place.district, *place.properties.get("districts", [])}:
        return False
    if kinds is not None and place.kind not in kinds:
        return False
    needle = text.strip().casefold()
    return not needle or needle in place.name_zh.casefold() or needle in place.name_en.casefold()
