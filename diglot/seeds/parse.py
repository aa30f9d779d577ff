"""One plain-text seed file → a `Draft`: decode its bytes, then read its structure.

A seed has no metadata block, so its parts are recognised by the shape of their
lines. Every part is optional; the header is read forwards only, in this order:

    CHINA / SOCIETY                       section: short, mostly upper-case
    A headline with no final period       title: short, ends no sentence
    Published: May 10, 2024 03:00 PM      date line(s): "Publié : 3 juin 2024 09h15" too
    Spy Photo: VCG                        photo credit line(s), blank lines allowed

    Body paragraphs, in blocks separated by blank lines.

    Global Times                          source: short last line, no punctuation

The first line that is not the next expected header part starts the body, so a
part keeps its place in the document: the fields, read in the order above, hold
every visible character of the seed exactly once. A credit line met inside the
body therefore stays a paragraph (with a note) rather than jumping to `credits`.

Paragraphs. A block of two or more lines is one hard-wrapped paragraph (its lines
joined by a space) when both hold: every line but the last is full, i.e. the next
line's first word would not have fitted on it within the block's longest line;
and most lines but the last end mid-sentence (both judged on the block's first
100 lines). Otherwise each line of the block is a paragraph of its own. Text is
kept literally: `<b>`, `*` or `#` are prose here, escaping is for the writer.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby

from babel.dates import get_day_names, get_month_names

from diglot.seeds.language import detect_language, spread_sample

# Language is settled long before this: the first 1,000 characters (~150 words, ~50 cues) gave
# the language and low-confidence flag of the whole text for all 11,524 seeds of the bench corpora
# (1,000 and 5,000 pairs) and tests, as did the first 400; counting cues over 2,000 characters
# was a third of reading a seed.
LANGUAGE_SAMPLE = 1_000
# Header parts and the source are short; longer lines are body without a regex.
MAX_HEADER_LINE = 200
# A section label or a source line is a name, not a sentence.
MAX_LABEL_CHARS = 60
MAX_LABEL_WORDS = 6
LOW_CONFIDENCE = 0.7
# How a block is wrapped shows in its first lines; this bounds the work on huge blocks.
WRAP_SAMPLE = 100


@dataclass(frozen=True)
class Draft:
    """An article read from one seed: its metadata lines and body paragraphs."""

    seed: str
    sha256: str
    language: str
    section: str | None
    title: str | None
    date: datetime | None
    date_line: str | None
    credits: tuple[str, ...]
    paragraphs: tuple[str, ...]
    source: str | None
    notes: tuple[str, ...]


class SeedError(Exception):
    """A seed that cannot become an article; `reason` says what is wrong and what to do."""

    def __init__(self, name: str, reason: str):
        super().__init__(name, reason)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


# ---------------------------------------------------------------- decoding


def decode_seed(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Turn a seed's raw bytes into text with LF line endings, noting what was repaired."""
    text, notes = decode_bytes(data, name)
    text, newline_notes = normalize_newlines(text)
    if not text.strip():
        raise SeedError(name, "is empty; add the article text or remove the file")
    return text, notes + newline_notes


def decode_bytes(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_utf16(data, name), ("decoded as UTF-16",)
    if b"\0" in data:
        raise SeedError(name, "contains NUL bytes, so it is a binary file, not plain text; "
                              "export the article as plain text (UTF-8) or remove the file")
    if data.startswith(codecs.BOM_UTF8):
        # Decoded whole, so an error's offset counts from the file's first byte, BOM included.
        return decode_strict(data, "utf-8", name)[1:], ("UTF-8 byte-order mark removed",)
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        return decode_strict(data, "cp1252", name), ("decoded as cp1252",)


def decode_utf16(data: bytes, name: str) -> str:
    """Decode a UTF-16 seed that announced itself with a byte-order mark."""
    text = decode_strict(data, "utf-16", name)
    if "\0" in text:
        raise SeedError(name, "contains NUL characters, so it is a binary file, not plain "
                              "text; export the article as plain text (UTF-8) or remove the file")
    return text


def decode_strict(data: bytes, encoding: str, name: str) -> str:
    """Decode with one encoding, or explain which byte made it impossible."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        byte, offset = data[error.start], error.start
        # cp1252 is the last resort, tried only after UTF-8 failed, so both are named.
        what = "is neither UTF-8 nor Windows-1252" if encoding == "cp1252" else f"is not valid {encoding.upper()}"
        raise SeedError(name, f"{what} (byte 0x{byte:02X} at offset {offset}); re-save it as UTF-8") from None


def normalize_newlines(text: str) -> tuple[str, tuple[str, ...]]:
    """Turn CRLF and lone CR line endings into LF, noting each kind found."""
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    cr = "\r" in text
    notes = (("CRLF line endings",) if crlf else ()) + (("CR line endings",) if cr else ())
    return text.replace("\r", "\n"), notes


# ---------------------------------------------------------------- line shapes

_CLOSERS = "\"'”’»)]\u00a0\u202f "
_SENTENCE_END = ".!?…:"
_CREDIT = re.compile(
    r"\(?(?:[^\W\d_][\w'’-]*\s+){0,4}?"
    r"(?:photos?|photographies?|crédits?|credits?|images?|illustrations?|vidéos?|videos?)"
    r"\s*:\s*\S.*",
    re.IGNORECASE,
)
_SOURCE_PUNCTUATION = frozenset(".!?;:,…")


def ends_sentence(line: str) -> bool:
    """Tell whether a line ends a sentence (closing quotes and brackets aside)."""
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _SENTENCE_END


def first_word(line: str) -> str:
    """Return a line's first word."""
    words = line.split(maxsplit=1)
    return words[0] if words else ""


def is_wrapped(lines: tuple[str, ...]) -> bool:
    """Tell whether a block's lines are one hard-wrapped paragraph (module docstring)."""
    lines = lines[:WRAP_SAMPLE]
    if len(lines) < 2:
        return False
    width = max(map(len, lines))
    breaks = list(zip(lines, lines[1:]))
    full = all(len(line) + 1 + len(first_word(after)) > width for line, after in breaks)
    open_ended = sum(not ends_sentence(line) for line, _ in breaks)
    return full and 2 * open_ended > len(breaks)


def is_credit(line: str) -> bool:
    """Tell whether a line is a photo credit such as "Spy Photo: VCG" or "Photo : VCG"."""
    return len(line) <= MAX_HEADER_LINE and bool(_CREDIT.fullmatch(line))


def is_section(line: str) -> bool:
    """Tell whether a line is a section label such as "CHINA / SOCIETY"."""
    letters = [char for char in line if char.isalpha()]
    if len(letters) < 2 or len(line) > MAX_LABEL_CHARS or len(line.split()) > MAX_LABEL_WORDS:
        return False
    upper = sum(char.isupper() for char in letters)
    return 5 * upper >= 4 * len(letters) and not ends_sentence(line)


def is_headline(line: str) -> bool:
    """Tell whether a line has a headline's shape: short, with letters, ending no sentence."""
    core = line.rstrip(_CLOSERS)
    return (len(line) <= MAX_HEADER_LINE and any(char.isalpha() for char in line)
            and bool(core) and core[-1] not in ".,;:…")


def is_source(line: str) -> bool:
    """Tell whether a line names a source, such as "Global Times" or "Temps mondial"."""
    return (len(line) <= MAX_LABEL_CHARS and 1 <= len(line.split()) <= MAX_LABEL_WORDS
            and any(char.isalpha() for char in line)
            and _SOURCE_PUNCTUATION.isdisjoint(line))


# ---------------------------------------------------------------- dates


def build_month_numbers() -> dict[str, int]:
    """Map English and French month names, wide and abbreviated, to month numbers."""
    months: dict[str, int] = {}
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
    """List English and French weekday names, which a date line may start with."""
    return [day.lower() for locale in ("en", "fr")
            for day in get_day_names("wide", locale=locale).values()]


MONTHS = build_month_numbers()
_MONTH = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(re.escape(d) for d in build_day_names())
_LABEL = r"(?:published|updated|posted|publié|publie|mis à jour|mis a jour|modifié|modifie)"
_DATE_LINE = re.compile(
    rf"(?:{_LABEL}(?:\s+le)?\s*:?\s*)?(?:(?:{_WEEKDAY}),?\s+)?"
    rf"(?:(?P<m_month>{_MONTH})\.?\s+(?P<m_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<m_year>\d{{4}})"
    rf"|(?P<d_day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<d_month>{_MONTH})\.?,?\s+(?P<d_year>\d{{4}})"
    r"|(?P<i_year>\d{4})-(?P<i_month>\d{2})-(?P<i_day>\d{2}))"
    r"(?:,?\s*(?:à|at|-|–)?\s*(?P<hour>\d{1,2})\s?(?P<sep>[:h])?\s?(?P<minute>\d{2})?"
    r"\s?(?P<ampm>[ap]\.?\s?m\.?)?)?"
    r"(?:\s*\(?(?:[a-z]{2,5})(?:\s?[+-]\s?\d{1,2}(?::?\d{2})?)?\)?)?\.?",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(rf"{_LABEL}(?:\s+le)?\s*:.*", re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """Tell whether a line gives the publication date ("Published: …", "Publié : …")."""
    if len(line) > MAX_HEADER_LINE:
        return False
    labelled = len(line) <= 80 and bool(_LABEL_ONLY.fullmatch(line))
    return labelled or bool(_DATE_LINE.fullmatch(line))


def read_date(line: str) -> datetime | None:
    """Read the date and time of a date line; None when it names no real date."""
    match = _DATE_LINE.fullmatch(line)
    if not match:
        return None
    parts = {key: value for key, value in match.groupdict().items() if value}
    if "hour" in parts and not ({"sep", "ampm"} & parts.keys()):
        return None
    year = int(parts.get("m_year") or parts.get("d_year") or parts["i_year"])
    month_name = parts.get("m_month") or parts.get("d_month")
    month = MONTHS[month_name.lower()] if month_name else int(parts["i_month"])
    day = int(parts.get("m_day") or parts.get("d_day") or parts["i_day"])
    hour = to_24_hour(int(parts.get("hour", 0)), parts.get("ampm", ""))
    try:
        return datetime(year, month, day, hour, int(parts.get("minute", 0)))
    except ValueError:
        return None


def to_24_hour(hour: int, ampm: str) -> int:
    """Convert a 12-hour clock reading with AM/PM to a 24-hour one."""
    if ampm[:1].lower() == "p" and hour < 12:
        return hour + 12
    if ampm[:1].lower() == "a" and hour == 12:
        return 0
    return hour


# ---------------------------------------------------------------- structure

Lines = tuple[str, ...]
HEADER_PARTS = ("section", "title", "date", "credit")
REPEATABLE = frozenset({"date", "credit"})


def split_blocks(text: str) -> list[Lines]:
    """Split text into blocks of stripped, non-blank lines separated by blank lines."""
    lines = map(str.strip, text.split("\n"))
    return [tuple(block) for filled, block in groupby(lines, key=bool) if filled]


def classify_header_line(block: Lines, index: int, last: int) -> str | None:
    """Name the header part that line `index` of a block is, given the last part found."""
    if len(block[index]) > MAX_HEADER_LINE:
        return None
    for part in SHAPE_PRIORITY:
        rank = HEADER_PARTS.index(part)
        allowed = rank > last or (rank == last and part in REPEATABLE)
        if allowed and HEADER_TESTS[part](block, index):
            return part
    return None


def is_title(block: Lines, index: int) -> bool:
    """Tell whether line `index` of a block is a headline rather than the start of the body."""
    if not is_headline(block[index]):
        return False
    after = block[index + 1] if index + 1 < len(block) else None
    if after is None or is_date_line(after) or is_credit(after):
        return True
    return not is_wrapped(block[index:index + WRAP_SAMPLE])


HEADER_TESTS = {
    "credit": lambda block, index: is_credit(block[index]),
    "date": lambda block, index: is_date_line(block[index]),
    "section": lambda block, index: is_section(block[index]),
    "title": is_title,
}
# A date or credit line also has a headline's shape, so the specific shapes go first.
SHAPE_PRIORITY = ("credit", "date", "section", "title")


def read_header(blocks: list[Lines]) -> tuple[dict[str, list[str]], list[Lines]]:
    """Take the leading section, title, date and credit lines off the blocks, in order."""
    found: dict[str, list[str]] = {part: [] for part in HEADER_PARTS}
    last = -1
    for number, block in enumerate(blocks):
        for index, line in enumerate(block):
            part = classify_header_line(block, index, last)
            if part is None:
                return found, [block[index:]] + blocks[number + 1:]
            found[part].append(line)
            last = HEADER_PARTS.index(part)
    return found, []


def split_source(paragraphs: Lines) -> tuple[Lines, str | None]:
    """Take a short trailing source line ("Global Times") off the end of the body."""
    if paragraphs and is_source(paragraphs[-1]):
        return paragraphs[:-1], paragraphs[-1]
    return paragraphs, None


def block_paragraphs(block: Lines) -> Lines:
    """Turn a block into paragraphs: one if hard-wrapped, else one per line."""
    return (" ".join(block),) if len(block) > 1 and is_wrapped(block) else block


def note_problems(paragraphs: Lines, date_lines: list[str],
                  date: datetime | None, confidence: float) -> Lines:
    """Note what a reader of the seed should check: odd credits, dates, language."""
    notes = [f"credit line {p!r} inside the body was kept as a paragraph; move it above "
             "the first paragraph to list it with the credits" for p in paragraphs
             if ":" in p and is_credit(p)]  # the colon test first: it is cheap, the regex is not
    if date_lines and date is None:
        notes.append(f"could not read a date in {date_lines[0]!r}; write it like "
                     "'Published: May 10, 2024 03:00 PM' or 'Publié : 10 mai 2024 15h00'")
    if confidence < LOW_CONFIDENCE:
        notes.append(f"language guessed with low confidence ({confidence:.2f})")
    return tuple(notes)


def parse_seed(text: str, name: str, sha256: str = "") -> Draft:
    """Read a decoded seed's structure into a Draft; never raises, whatever the text."""
    header, body = read_header(split_blocks(normalize_newlines(text)[0]))
    paragraphs, source = split_source(tuple(p for block in body for p in block_paragraphs(block)))
    language, confidence = detect_language(spread_sample(text, LANGUAGE_SAMPLE))
    date = next(filter(None, map(read_date, header["date"])), None)
    return Draft(
        seed=name, sha256=sha256, language=language,
        section=" ".join(" ".join(header["section"]).split()) or None,
        title=" ".join(header["title"]) or None,
        date=date, date_line="\n".join(header["date"]) or None,
        credits=tuple(header["credit"]), paragraphs=paragraphs, source=source,
        notes=note_problems(paragraphs, header["date"], date, confidence),
    )


def draft_of(data: bytes, name: str) -> Draft:
    """Decode and parse one seed file's bytes; raise SeedError if it holds no article."""
    text, notes = decode_seed(data, name)
    draft = parse_seed(text, name, hashlib.sha256(data).hexdigest())
    if not draft.paragraphs:
        raise SeedError(name, missing_body_reason(draft))
    return replace(draft, notes=notes + draft.notes)


def missing_body_reason(draft: Draft) -> str:
    """Explain a seed with no body paragraphs and what to do about it."""
    found = "a headline" if draft.title else "only metadata lines"
    return f"has {found} but no body paragraphs; add the article text or remove the file"
