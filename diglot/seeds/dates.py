"""Date lines of a seed's header: which they are (published or updated) and the time they give.

Newsroom copy writes them many ways, in English and French, with or without a label, a weekday,
a time or a time zone: "Published: May 10, 2024 03:00 PM", "Updated: May 11, 2024 09:00 AM (GMT+8)",
"July 12, 2024", "2024-07-12T14:30:00Z", "Publié le 12 juillet 2024 à 14 h 30", "Mis à jour le
13 juillet 2024 à 8h05", "Publié : 12/07/2024". One line may hold two of them ("Publié le … ,
mis à jour le …", "Published: … | Updated: …"): `split_parts` cuts it before each label.
Times are kept as written (naive): a zone is recognised so that it is not mistaken for the body.
"""
from __future__ import annotations

import re
from datetime import datetime

from babel.dates import get_day_names, get_month_names

MAX_DATE_LINE = 200


def build_month_numbers() -> dict[str, int]:
    """Map English and French month names, wide and abbreviated, to month numbers."""
    months: dict[str, int] = {"sept": 9}  # "Sept. 12": English writes it, CLDR does not
    for locale in ("en", "fr"):
        for width in ("wide", "abbreviated"):
            for number, month in get_month_names(width, locale=locale).items():
                name = month.lower().rstrip(".")  # French abbreviations end in a period: "janv."
                months[name] = months[strip_accents(name)] = number
    return months


def strip_accents(word: str) -> str:
    """Replace the accented letters of French month names by plain ones."""
    return word.translate(str.maketrans("éèêëûôà", "eeeeuoa"))


def build_day_names() -> list[str]:
    """List English and French weekday names, wide and abbreviated, which a date line may start with."""
    return sorted({day.lower().rstrip(".") for locale in ("en", "fr") for width in ("wide", "abbreviated")
                   for day in get_day_names(width, locale=locale).values()}, key=len, reverse=True)


MONTHS = build_month_numbers()
WEEKDAYS = frozenset(build_day_names())
_MONTH = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(re.escape(d) for d in build_day_names())
# "last updated" and "dernière mise à jour" before their shorter tails, so a line is cut before them.
_UPDATED = (r"last\s+updated|updated|last\s+modified|modified|revised|derni[èe]re\s+mise\s+[àa]\s+jour"
            r"|mise?\s+[àa]\s+jour|modifi[ée]e?|actualis[ée]e?")
_PUBLISHED = r"first\s+published|published|posted|publi[ée]e?|mise?\s+en\s+ligne|paru"
_LABEL = rf"(?:(?P<updated>{_UPDATED})|(?P<published>{_PUBLISHED}))"
_TIME = (r"(?:,?\s*(?:à|a|at|@|-|–|—)?\s*(?P<hour>\d{1,2})\s?(?P<sep>[:h.])?\s?(?P<minute>\d{2})?"
         r"(?::\d{2})?\s?(?P<ampm>[ap]\.?\s?m\.?)?)?")
_ZONE = r"(?:\s*\(?(?:[a-z]{2,5})?(?:\s?[+-]\s?\d{1,2}(?::?\d{2})?)?\)?)?"
_DATE_LINE = re.compile(
    rf"(?:{_LABEL}(?:\s+(?:le|on|at))?\s*[:：]?\s*)?(?:(?:{_WEEKDAY})\.?,?\s+)?(?:le\s+)?"
    rf"(?:(?P<m_month>{_MONTH})\.?\s+(?P<m_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<m_year>\d{{4}})"
    rf"|(?P<d_day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<d_month>{_MONTH})\.?,?\s+(?P<d_year>\d{{4}})"
    r"|(?P<i_year>\d{4})-(?P<i_month>\d{2})-(?P<i_day>\d{2})(?:T(?P<i_hour>\d{2}):(?P<i_minute>\d{2})"
    r"(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<n_first>\d{1,2})[/.](?P<n_second>\d{1,2})[/.](?P<n_year>\d{4}))"
    rf"{_TIME}{_ZONE}\.?",
    re.IGNORECASE,
)
# A labelled line whose date is not written in full ("Updated: 3 hours ago", "Publié aujourd'hui à
# 06h00"): a colon, or a word a date starts with, follows the label.
_LABEL_ONLY = re.compile(rf"{_LABEL}(?:\s+(?:le|on|at|à))?\s*(?:[:：]|\s(?=\S*\d|aujourd|hier|today|yesterday"
                         r"|il y a|ce matin|this morning|avant-hier)).*", re.IGNORECASE)
_UPDATED_START = re.compile(_UPDATED, re.IGNORECASE)
# Where a second date (or anything) starts inside a header line: a bar or bullet, or a label.
_PART_BREAK = re.compile(
    rf"\s*[|·•]\s*|(?<![Ll]ast)(?<![Dd]erni[eè]re)[,;]?\s+(?=(?:{_UPDATED}|{_PUBLISHED})\b\s*(?:le\b|on\b|:|：|\d))",
    re.IGNORECASE)


def split_parts(line: str) -> list[str]:
    """Cut a header line before each bar, bullet or date label ("… Published: …", "…, mis à jour le …")."""
    return [part for part in _PART_BREAK.split(line) if part]


def is_date_line(line: str) -> bool:
    """Tell whether a line is a date line: a labelled one ("Published: …", "Mis à jour : …") or a date."""
    if len(line) > MAX_DATE_LINE:
        return False
    labelled = len(line) <= 80 and bool(_LABEL_ONLY.fullmatch(line)) and not line.endswith(".")
    return labelled or bool(_DATE_LINE.fullmatch(line))


def is_update_line(line: str) -> bool:
    """Tell whether a date line gives the time of an update ("Updated: …", "Mis à jour le …")."""
    return bool(_UPDATED_START.match(line))


def read_date(line: str) -> datetime | None:
    """Read the date and time of a date line; None when it names no real date."""
    match = _DATE_LINE.fullmatch(line)
    if not match:
        return None
    parts = {key: value for key, value in match.groupdict().items() if value}
    if "hour" in parts and not ({"sep", "ampm"} & parts.keys()):
        return None
    if "i_hour" in parts:
        parts.update(hour=parts["i_hour"], minute=parts["i_minute"])
    year, month, day = date_numbers(parts)
    hour = to_24_hour(int(parts.get("hour", 0)), parts.get("ampm", ""))
    try:
        return datetime(year, month, day, hour, int(parts.get("minute", 0)))
    except ValueError:
        return None


def date_numbers(parts: dict[str, str]) -> tuple[int, int, int]:
    """Year, month and day of a matched date, whichever way it was written."""
    if "n_year" in parts:
        first, second = int(parts["n_first"]), int(parts["n_second"])
        # 12/07/2024 is day first, as French and most newsrooms outside the US write it,
        # unless the second number cannot be a month (07/25/2024): then the first is.
        return (int(parts["n_year"]), first, second) if second > 12 else (int(parts["n_year"]), second, first)
    year = int(parts.get("m_year") or parts.get("d_year") or parts["i_year"])
    month_name = parts.get("m_month") or parts.get("d_month")
    month = MONTHS[month_name.lower()] if month_name else int(parts["i_month"])
    return year, month, int(parts.get("m_day") or parts.get("d_day") or parts["i_day"])


def to_24_hour(hour: int, ampm: str) -> int:
    """Convert a 12-hour clock reading with AM/PM to a 24-hour one."""
    if ampm[:1].lower() == "p" and hour < 12:
        return hour + 12
    if ampm[:1].lower() == "a" and hour == 12:
        return 0
    return hour


def publication_times(date_lines: list[str]) -> tuple[datetime | None, datetime | None]:
    """(date, updated) of an article's date lines: the first published (or unlabelled) time, and
    the latest update, when it is later. With only unlabelled dates, the latest one is the update;
    with only update lines, the first of them is the date too (the only time known: a translation
    that gives only its update keeps it for the article, whose date its original may give)."""
    published = [read_date(line) for line in date_lines if not is_update_line(line)]
    updates = [read_date(line) for line in date_lines if is_update_line(line)]
    published, updates = [d for d in published if d], [d for d in updates if d]
    if not updates and len(published) > 1:
        published, updates = [min(published)], [max(published)]
    if not published:
        return (updates[0], max(updates)) if updates else (None, None)
    date, updated = published[0], max(updates, default=None)
    return date, (updated if updated and updated > date else None)
