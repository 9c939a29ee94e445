"""The event calendar file: what a phone's calendar needs to import it (RFC 5545), Chinese text included."""
from datetime import UTC, datetime

from db.models import Checkpoint
from points.checkin.ics import event_ics, fold

START = datetime(2025, 6, 7, 1, 0, tzinfo=UTC)  # 09:00 in Xiamen
END = datetime(2025, 6, 7, 4, 30, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 8, 15, 30, tzinfo=UTC)


def event(**fields) -> Checkpoint:
    return Checkpoint(id=7, kind="event", title_zh="海滩清洁", title_en="Beach clean-up", starts_at=START,
                      ends_at=END, lat=24.46163, lon=118.0848, **fields)


def unfolded(text: str) -> dict[str, str]:
    """Property name -> value, after undoing the line folding as a calendar reader does."""
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines[-1] == ""
    return {name: value for name, value in (line.split(":", 1) for line in lines[:-1]) if name not in ("BEGIN", "END")}


def test_the_file_has_the_event_in_utc_with_its_place_and_point():
    text = event_ics(event(), summary="Beach clean-up", description="", location="Zhongshan Park",
                     url="http://localhost:8501/events", now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    fields = unfolded(text)
    assert fields["UID"] == "checkpoint-7@localhost"
    assert (fields["DTSTAMP"], fields["DTSTART"], fields["DTEND"]) == ("20250601T081530Z", "20250607T010000Z",
                                                                       "20250607T043000Z")
    assert (fields["SUMMARY"], fields["LOCATION"], fields["GEO"]) == ("Beach clean-up", "Zhongshan Park",
                                                                      "24.461630;118.084800")
    assert fields["URL"] == "http://localhost:8501/events" and "DESCRIPTION" not in fields


def test_commas_semicolons_backslashes_and_line_breaks_are_escaped():
    text = event_ics(event(), summary="Sand, sea; and a \\ slash", description="Bring gloves.\nWater too.",
                     location="Park, gate 2", url="http://localhost:8501/events", now=NOW)
    fields = unfolded(text)
    assert fields["SUMMARY"] == "Sand\\, sea\\; and a \\\\ slash"
    assert fields["DESCRIPTION"] == "Bring gloves.\\nWater too."
    assert fields["LOCATION"] == "Park\\, gate 2"
    assert "\n" not in text.replace("\r\n", "")


def test_long_chinese_lines_fold_at_75_octets_without_splitting_a_character():
    description = "请带上手套和水杯，我们在中山公园南门集合。" * 6
    text = event_ics(event(), summary="海滩清洁", description=description, location="中山公园",
                     url="http://localhost:8501/events", now=NOW)
    raw_lines = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in raw_lines) <= 75
    assert any(line.startswith(" ") for line in raw_lines)  # it was folded
    assert unfolded(text)["DESCRIPTION"] == description  # each piece decodes on its own: no character was cut


def test_a_line_of_exactly_75_octets_is_not_folded():
    assert fold("X" * 75) == "X" * 75 + "\r\n"
    assert fold("X" * 76) == "X" * 75 + "\r\n X\r\n"
