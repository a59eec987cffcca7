"""What a tabular export's cells show about the whole file (`formats.csv`): the decimal mark of
its amounts, the order of its dates and the currency its amounts are written in."""

from __future__ import annotations

import re
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from cobranza.core.money import is_currency


def decimal_comma(cells: list[str], delimiter: str, *, places: int | None) -> bool:
    """True when the amounts are written 1.234,50; a ";" file uses a comma unless they show not.

    `places`: the most decimals a currency of the file has (None: not known). A lone mark
    before three digits (1,500) is decimal only in a currency of three (KWD): in MXN or CLP it
    groups thousands.
    """
    marks = {_decimal_mark(c, places=places) for c in cells} - {None}
    return "," in marks if len(marks) == 1 else delimiter == ";"


def _decimal_mark(cell: str, *, places: int | None) -> str | None:
    """The decimal mark a cell shows by itself ("," or "."), None when it shows neither."""
    digits = re.sub(r"[^\d.,]", "", cell)
    marks = [c for c in digits if c in ".,"]
    if not marks:
        return None
    last = marks[-1]
    other = "," if last == "." else "."
    if other in marks:
        return last  # 1,160.00 or 1.160,00: the last mark is the decimal one
    if len(marks) > 1:
        return other  # 1.160.000: a mark used twice groups thousands
    after = len(digits) - digits.rindex(last) - 1
    if after in (1, 2):
        return last
    # 12.990 is twelve thousand in a currency of fewer decimals; in KWD it could be either.
    return other if after == 3 and places is not None and places < 3 else None


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T].*)?$")


def month_first(cells: list[str], *, by_span: bool = True) -> bool | None:
    """True when the dates are written MM/DD/YYYY, as banks in the United States write them;
    None when nothing in them decides.

    A day over 12 decides: in the first place the file is day-first, in the second month-first
    (both: day-first, and the others are refused with their lines). When no day is over 12 the
    reading whose dates span the shorter period wins, since an export covers days or weeks, not
    months apart (07/01..07/05/2026 is five days of July, not January to May). A tie (an
    export of one day, 03/02/2026 only) decides nothing: None, unless every date reads the
    same either way (03/03/2026). Without `by_span` (a file whose amounts no American bank
    writes) only a day over 12 makes it month-first: a savings account's interest on the 5th of
    each month (05/01, 05/02, 05/03) is no three days of May.
    """
    parts = [(int(m[1]), int(m[2]), int(m[3]) + (2000 if len(m[3]) == 2 else 0))
             for c in cells if (m := _NUMERIC_DATE.match(c))]
    if not parts:
        return False
    if any(first > 12 for first, _second, _year in parts):
        return False
    if any(second > 12 for _first, second, _year in parts):
        return True
    if not by_span:
        return False
    try:
        day_first = [date(year, b, a) for a, b, year in parts]
        month_first = [date(year, a, b) for a, b, year in parts]
    except ValueError:  # an impossible date, refused later with its line
        return False
    by_month = max(month_first) - min(month_first)
    by_day = max(day_first) - min(day_first)
    if by_month == by_day:
        return None if any(a != b for a, b, _year in parts) else False
    return by_month < by_day


def ambiguous_date(cells: list[str]) -> str | None:
    """The first cell that reads as two dates (03/02/2026: 3 February or March 2), if any."""
    return next((c for c in cells if (m := _NUMERIC_DATE.match(c)) and int(m[1]) != int(m[2])
                 and int(m[1]) <= 12 and int(m[2]) <= 12), None)


# An ISO code written before or after the figures of an amount ("-13,18EUR", CaixaBank's
# export; "EUR 1.234,56"). Capitals only: "12 abc" is no amount in a currency.
_CODE_AFTER = re.compile(r"[\d)]\s*([A-Z]{3})\s*$")
_CODE_BEFORE = re.compile(r"^\s*([A-Z]{3})\s*[-+(\u2212]?\s*\d")


def written_currency(cell: str) -> str:
    """The ISO 4217 code an amount is written with ("EUR" of "-293,48EUR"), "" for none."""
    match = _CODE_AFTER.search(cell) or _CODE_BEFORE.match(cell)
    return match[1] if match and is_currency(match[1]) else ""


# A workbook's date stored as its serial number (a General-formatted cell: 46000, or that text):
# five whole digits are the days 1927-05-18 to 2173-10-14 of the 1900 system, where a bank's
# movements fall; a shorter or longer figure is no serial date of one.
_SERIAL = re.compile(r"\s*(\d{5})(?:\.0*)?\s*")


def serial_date(cell: str, epoch: datetime) -> str:
    """A date cell written as a workbook's serial number, as YYYY-MM-DD in the workbook's date
    system (`epoch`: 1900 or 1904); any other cell as written. openpyxl's `from_excel` counts
    past Excel's 1900 leap-year bug (serial 60, a 29th of February 1900 no calendar has)."""
    match = _SERIAL.fullmatch(cell)
    if match is None:
        return cell
    day: datetime = from_excel(int(match[1]), epoch=epoch)
    return day.date().isoformat()


# An amount marked CR (money in) or DR (money out) before or after its figures, as British,
# Australian and Indian banks write a single amount column ("1.234,56 CR", "DR 500.00", "Cr"),
# with the ISO code of its currency on either side of the figures or of the mark, or none
# ("1,234.56 MXN CR", "MXN 1,234.56 DR", "CR 1.234,56 CLP"). Only an unsigned figure: "-5 CR"
# says its direction twice and is refused as written; so is a figure with two codes.
_FIGURES = r"[^-+\u2212()A-Za-z]*\d[^-+\u2212()A-Za-z]*?"
_CODE = r"(?:(?P<{0}>[A-Z]{{3}})\s*)?"
_SIDE_MARK = re.compile(
    rf"\s*{_CODE.format('code1')}(?:(?P<before>(?i:CR|DR))\.?\s*)?{_CODE.format('code2')}"
    rf"(?P<figures>{_FIGURES})\s*{_CODE.format('code3')}"
    rf"(?:(?P<after>(?i:CR|DR))\.?\s*)?{_CODE.format('code4')}")


def side_marked(cell: str) -> str:
    """An amount marked CR or DR as a signed figure ("1,234.56 DR" is "-1,234.56"), its currency
    code, if written, after it ("MXN 1,234.56 DR" is "-1,234.56 MXN", for the file's currency to
    be checked against it); any other cell as written. The figures keep their marks, so the
    file's decimal mark still decides "1,500 CR" as it decides "1,500"."""
    match = _SIDE_MARK.fullmatch(cell)
    if match is None or not (match["before"] or match["after"]) or (
            match["before"] and match["after"]):
        return cell
    codes = [code for code in match.group("code1", "code2", "code3", "code4") if code]
    if len(codes) > 1 or not all(is_currency(code) for code in codes):
        return cell
    figures = match["figures"].strip() + "".join(f" {code}" for code in codes)
    return "-" + figures if (match["before"] or match["after"]).upper() == "DR" else figures
