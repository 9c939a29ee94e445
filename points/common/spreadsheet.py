"""CSV for people who open it in a spreadsheet: no cell of user text may run as a formula (CSV injection).

Excel, LibreOffice and Google Sheets read a cell that starts with = + - @ (or a tab or carriage return before
one) as a formula, so a display name `=HYPERLINK("http://evil","x")` becomes a link in an admin's export, and
quoting the field does not stop it. OWASP's advice, followed here: prefix such a cell with a single quote,
which spreadsheets take as "this is text". Real numbers are left alone so that a reversal's -50 stays a number
a spreadsheet can sum. Every CSV the portal writes goes through `SafeWriter`, never `csv.writer` directly.
"""
import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import IO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def safe_cell(value):
    """The value unchanged, or its text behind a quote mark when that text could start a formula."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    text = value if isinstance(value, str) else str(value)
    return TEXT_MARK + text if text.startswith(FORMULA_TRIGGERS) else value


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`; same dialect and options."""

    def __init__(self, out: IO[str], **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable):
        return self._writer.writerow(list(map(safe_cell, row)))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        self._writer.writerows(list(map(safe_cell, row)) for row in rows)

