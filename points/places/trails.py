"""Which 云海线 segments a trail walk covered, read from the claim's note (the rule the walk page documents).

Segment k runs from node k to node k+1 (assets/trail_yunhai.json, 10 segments). A note counts when it
- names segment numbers: "云海线 3", "云海线 2-5", "yunhai 2-5" (a range covers every segment in it), or
- names two or more nodes of the trail, e.g. "仙岳山 → 金山": every segment between the first and the last.
Trail walks credited by trailhead QR check-ins carry no note: a trailhead within NODE_RADIUS_M of a node
stands for that node, and the check-ins of one local day cover every segment between the westernmost and the
easternmost node scanned that day (scan at both ends of what you walked).
"""
import json
import re
from functools import lru_cache

from db.config import ASSETS_DIR
from points.places.geo import haversine_m

TRAIL_FILE = ASSETS_DIR / "trail_yunhai.json"
TRAIL_WALK_CODE = "trail_walk"
NODE_RADIUS_M = 300
NUMBERED = re.compile(r"(?:云海线|yunhai)\s*(?:段|segments?)?\s*(\d{1,2})(?:\s*[-–~至到]\s*(\d{1,2}))?", re.I)


@lru_cache(maxsize=1)
def trail_nodes() -> list[dict]:
    return json.loads(TRAIL_FILE.read_text(encoding="utf-8"))["nodes"]


def segment_count() -> int:
    return len(trail_nodes()) - 1


def _named_nodes(note: str) -> list[int]:
    lowered = note.lower()
    return [node["order"] for node in trail_nodes()
            if any(name.lower() in lowered for name in (node["name"], *node["aliases"]))]


def segments_in_note(note: str | None) -> set[int]:
    """The segment numbers a walk's note says it covered; nothing when the note names none."""
    if not note:
        return set()
    last = segment_count()
    covered: set[int] = set()
    for match in NUMBERED.finditer(note):
        first = int(match.group(1))
        end = int(match.group(2) or first)
        covered |= {number for number in range(min(first, end), max(first, end) + 1) if 1 <= number <= last}
    return covered | segments_between(set(_named_nodes(note)))


def node_near(lat: float | None, lon: float | None) -> int | None:
    """The trail node (its order) within NODE_RADIUS_M of a point, if any, measured as the map measures."""
    if lat is None or lon is None:
        return None
    for node in trail_nodes():
        if haversine_m(lat, lon, node["lat"], node["lon"]) <= NODE_RADIUS_M:
            return node["order"]
    return None


def segments_between(nodes: set[int]) -> set[int]:
    return set(range(min(nodes), max(nodes))) if len(nodes) >= 2 else set()
