"""A factor's source in the reader's language. The Chinese text lives in assets/catalogue.csv beside the English
one but is not stored: the stored source is the version's citation, and a better translation must not need a
new version. It is found by the English text, so a version an admin makes without changing the source keeps its
translation; a source an admin types anew shows as typed."""
import csv
from functools import cache

from db.models import ActionType
from points.catalogue.actions import CATALOGUE_FILE


@cache
def translated_sources(path: str = str(CATALOGUE_FILE)) -> dict[str, str]:
    """The catalogue file's sources, English text -> Chinese text."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["source"]: row["source_zh"] for row in csv.DictReader(handle) if row.get("source_zh", "").strip()}


def source_in(action: ActionType, language: str) -> str:
    """The source for `language` ("zh" or "en"); the stored text when the file has no translation of it."""
    return translated_sources().get(action.source, action.source) if language == "zh" else action.source
