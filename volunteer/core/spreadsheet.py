"""Every cell a CSV or XLSX export writes goes through ``cell``: text that a spreadsheet will
neither run as a formula nor refuse to store, whatever a volunteer, a lead or an admin typed."""
from __future__ import annotations

import re

# What the XLSX format cannot hold (openpyxl raises IllegalCharacterError on it): C0 controls
# but tab, newline and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters that show nothing, which a spreadsheet skips before it decides a cell is a formula.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad \t\r\n"
# A cell beginning with one of these is a formula (full-width forms too: some programs fold them).
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# The byte-order mark that makes spreadsheet programs read a UTF-8 CSV's Chinese right.
CSV_BOM = "\ufeff"


def cell(value):
    """Numbers, dates and None as they are; text without the characters XLSX forbids, and with a
    leading apostrophe where a spreadsheet would take it for a formula."""
    if value is None or isinstance(value, bool | int | float) or not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    visible = text.lstrip(_INVISIBLE)
    if visible.startswith(_FORMULA_START) or text[:1] in ("\t", "\r"):
        return "'" + text
    return text
