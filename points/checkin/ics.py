"""An event as an iCalendar file (RFC 5545), so a resident's phone calendar reminds them of it.

No calendar library is installed and an event needs one VEVENT, so this is a small writer: times in UTC (every
calendar converts them; no VTIMEZONE block to keep right), text escaped (section 3.3.11) and lines folded at 75
octets with CRLF (section 3.1) without cutting a UTF-8 character in two, which Chinese titles would otherwise hit.
"""
from datetime import UTC, datetime
from urllib.parse import urlparse

from db.config import get_settings
from db.models import Checkpoint
from points.common.clock import utcnow

LINE_OCTETS = 75
PRODID = "-//Green Egret//Events//ZH-EN"


def escape_text(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every line break as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line as CRLF-ended lines of at most 75 octets; continuations start with a space."""
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(checkpoint: Checkpoint, *, summary: str, description: str, location: str, url: str,
              now: datetime | None = None) -> str:
    """The checkpoint as a one-event calendar; the texts come in the reader's language. The UID is stable per
    checkpoint and site, so importing the file again updates the same calendar entry instead of adding one."""
    host = urlparse(get_settings().base_url).hostname or "green-egret"
    properties = [("UID", f"checkpoint-{checkpoint.id}@{host}"), ("DTSTAMP", utc_stamp(now or utcnow())),
                  ("DTSTART", utc_stamp(checkpoint.starts_at)), ("DTEND", utc_stamp(checkpoint.ends_at)),
                  ("SUMMARY", escape_text(summary)), ("LOCATION", escape_text(location))]
    if checkpoint.lat is not None and checkpoint.lon is not None:
        properties.append(("GEO", f"{checkpoint.lat:.6f};{checkpoint.lon:.6f}"))
    if description:
        properties.append(("DESCRIPTION", escape_text(description)))
    properties.append(("URL", url))
    lines = [("BEGIN", "VCALENDAR"), ("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"),
             ("METHOD", "PUBLISH"), ("BEGIN", "VEVENT"), *properties, ("END", "VEVENT"), ("END", "VCALENDAR")]
    return "".join(fold(f"{name}:{value}") for name, value in lines)
