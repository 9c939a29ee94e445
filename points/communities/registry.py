"""The communities of assets/communities.json, checked once on load: each under one of the city's districts
(points.places.registry.DISTRICTS), each id unique. The city is configuration, not code: another city ships its own
file; a resident stores a community's id, so names can be corrected without moving anybody.
"""
import json
import re
from dataclasses import dataclass
from functools import cache

from db.config import ASSETS_DIR
from points.common.errors import DomainError
from points.places.registry import DISTRICTS

ASSET = ASSETS_DIR / "communities.json"
_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{0,63}$")


@dataclass(frozen=True)
class Community:
    id: str
    district: str
    name_zh: str
    name_en: str


def parse_communities(text: str) -> tuple[Community, ...]:
    """The communities of a communities.json text, in file order; a wrong district, id or name is an error here,
    at start-up, rather than a resident's choice that later counts nowhere."""
    found: list[Community] = []
    for district, entries in json.loads(text)["districts"].items():
        if district not in DISTRICTS:
            raise ValueError(f"communities.json: {district!r} is not one of the city's districts")
        for entry in entries:
            community = Community(id=entry["id"], district=district, name_zh=entry["name_zh"].strip(),
                                  name_en=entry["name_en"].strip())
            if not _ID.match(community.id) or not community.name_zh or not community.name_en:
                raise ValueError(f"communities.json: bad entry {entry!r}")
            found.append(community)
    ids = [community.id for community in found]
    if len(set(ids)) != len(ids):
        raise ValueError("communities.json: an id is listed twice")
    return tuple(found)


@cache
def communities() -> tuple[Community, ...]:
    """Every community of the city, grouped by district in the file's order."""
    return parse_communities(ASSET.read_text(encoding="utf-8"))


def find_community(community_id: str | None) -> Community | None:
    return next((community for community in communities() if community.id == community_id), None)


def communities_of(district: str) -> list[Community]:
    return [community for community in communities() if community.district == district]


def checked_community(*, district: str | None, community: str | None) -> str | None:
    """The community id to store with this district: None when none is given; refused when the city has no such
    community, or when it lies in another district (or the resident gave no district)."""
    if not community:
        return None
    found = find_community(community)
    if found is None:
        raise DomainError("community_unknown")
    if found.district != district:
        raise DomainError("community_not_in_district")
    return found.id
