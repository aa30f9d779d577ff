"""One plain-text seed file → a `Draft`: decode its bytes, then read its structure.

A seed has no metadata block, so its parts are recognised by the shape of their
lines. Every part is optional. The header is read line by line, in any order, with
or without blank lines between its lines, up to the first line that is none of:

    CHINA / SOCIETY                       section: short, mostly upper-case (once)
    A headline with no final period       title: short, ends no sentence (once)
    Published: May 10, 2024 03:00 PM      date line(s) (dates.py): "Publié le 12 juillet
    Updated: May 11, 2024 09:00 AM          2024 à 14 h 30", "Mis à jour : …", "July 12, 2024"
    By Jane Doe and John Smith            byline(s) (bylines.py): "Par A et B", "By A, Global Times"
    Spy Photo: VCG                        credit line(s): "Photo : AFP", "Photo/VCG"

    Body paragraphs, in blocks separated by blank lines.

    Global Times                          source: short last line, no punctuation

One header line may hold several dated or credited parts ("By A Published: …",
"Published: … | Updated: …"). The fields hold every visible character of the seed
exactly once (bars and bullets between the parts of one header line aside). A
credit line met inside the body stays a paragraph (with a note) rather than jumping
to `credits`: only the header is read for metadata.

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

from diglot.seeds.bylines import is_byline, is_credit, read_byline
from diglot.seeds.dates import is_date_line, publication_times, read_date, split_parts
from diglot.seeds.language import detect_language, spread_sample

__all__ = ["Draft", "SeedError", "decode_seed", "draft_of", "parse_seed", "read_header", "classify_header_line",
           "is_credit", "is_date_line", "read_date"]

# Language is settled long before this: 1,000 characters (~150 words, ~50 cues) gave the language
# and low-confidence flag of the whole text for all 11,524 seeds of the bench corpora (1,000 and
# 5,000 pairs) and tests, as did 400; counting cues over 2,000 characters was a third of reading a
# seed. A longer seed is sampled in slices spread over it (language.spread_sample).
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
    authors: tuple[str, ...] = ()  # from the byline(s), as written (names are not translated)
    updated: datetime | None = None  # the latest "Updated:" time (`date` too when no other is given)
    byline: str | None = None  # the byline line(s) as written


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

_CLOSERS = "\"'”’»)]\u00a0\u202f 」』）"
# Western and CJK (full-width) sentence ends: a Chinese or Japanese seed is read as prose too, and
# then reported by its language rather than as a headline with no body.
_SENTENCE_END = ".!?…:。！？："
_SOURCE_PUNCTUATION = frozenset(".!?;:,…。！？；：，、")


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


def is_section(line: str) -> bool:
    """Tell whether a line is a section label such as "CHINA / SOCIETY"."""
    letters = [char for char in line if char.isalpha()]
    if len(letters) < 2 or len(line) > MAX_LABEL_CHARS or len(line.split()) > MAX_LABEL_WORDS:
        return False
    upper = sum(char.isupper() for char in letters)
    return 5 * upper >= 4 * len(letters) and not ends_sentence(line)


def is_label(line: str) -> bool:
    """Tell whether a line is a short name or label ("Global Times", "chinadaily.com.cn"), no sentence."""
    return len(line) <= MAX_LABEL_CHARS and len(line.split()) <= MAX_LABEL_WORDS and not ends_sentence(line)


def is_headline(line: str) -> bool:
    """Tell whether a line has a headline's shape: short, with letters, ending no sentence."""
    core = line.rstrip(_CLOSERS)
    return (len(line) <= MAX_HEADER_LINE and any(char.isalpha() for char in line)
            and bool(core) and core[-1] not in ".,;:…。，；：")


def is_source(line: str) -> bool:
    """Tell whether a line names a source, such as "Global Times" or "Temps mondial"."""
    return (len(line) <= MAX_LABEL_CHARS and 1 <= len(line.split()) <= MAX_LABEL_WORDS
            and any(char.isalpha() for char in line)
            and _SOURCE_PUNCTUATION.isdisjoint(line))


# ---------------------------------------------------------------- structure

Lines = tuple[str, ...]
HEADER_PARTS = ("section", "title", "date", "byline", "credit")
ONCE = frozenset({"section", "title"})


def split_blocks(text: str) -> list[Lines]:
    """Split text into blocks of stripped, non-blank lines separated by blank lines."""
    lines = map(str.strip, text.split("\n"))
    return [tuple(block) for filled, block in groupby(lines, key=bool) if filled]


def classify_header_line(block: Lines, index: int, found: dict[str, list[str]],
                         following: Lines = ()) -> list[tuple[str, str]] | None:
    """The header parts line `index` of a block holds, as (part, text) pairs, given the parts
    found so far and the header's next lines (following, across blank lines); None when the line
    starts the body."""
    line = block[index]
    if len(line) > MAX_HEADER_LINE:
        return None
    # A line of several parts first: "Published: … | Updated: …" is also one labelled date line.
    parts = compound_parts(line)
    if parts:
        return parts
    if is_kicker(line, following, found, apart=index + 1 >= len(block)):
        return [("section", line)]
    for part in SHAPE_PRIORITY:
        if not (part in ONCE and found[part]) and HEADER_TESTS[part](block, index):
            return [(part, line)]
    return None


# A kicker ("World", "Business", "Planète") is at most this many words: a headline is longer.
MAX_KICKER_WORDS = 3


def is_kicker(line: str, following: Lines, found: dict[str, list[str]], apart: bool) -> bool:
    """Tell whether a seed's first line is a section in mixed case ("World") above its headline:
    a few words, no sentence, and the next line a longer headline rather than a date, byline or
    credit (upper-case sections are is_section's). With a blank line between them (apart), the
    headline must be followed by a date, byline or credit line: else the two short lines are
    more likely a headline and its standfirst."""
    if any(found.values()) or not following:
        return False
    after = following[0]
    if not (len(line.split()) <= MAX_KICKER_WORDS and is_label(line) and len(after) > len(line)
            and is_headline(after) and not is_header_detail(after)):
        return False
    return not apart or (len(following) > 1 and is_header_detail(following[1]))


def is_header_detail(line: str) -> bool:
    """Tell whether a line is a date, byline or credit line."""
    return any(LINE_TESTS[part](line) for part in ("date", "credit", "byline"))


def compound_parts(line: str) -> list[tuple[str, str]] | None:
    """The parts of a line that holds several ("By A Published: …", "Published: … | Updated: …"),
    each a date, byline or credit, a byline's parts keeping what follows it ("By A | Global Times");
    None unless every part is one."""
    pieces = [piece.strip(" ,;-–—") for piece in split_parts(line)]
    if len(pieces) < 2:
        return None
    parts: list[tuple[str, str]] = []
    for piece in filter(None, pieces):
        part = next((name for name in ("credit", "date", "byline") if LINE_TESTS[name](piece)), None)
        if part is None and parts and parts[-1][0] == "byline" and is_label(piece):
            parts[-1] = ("byline", f"{parts[-1][1]} | {piece}")  # a role or publication
        elif part is None:
            return None
        else:
            parts.append((part, piece))
    return parts


def is_title(block: Lines, index: int) -> bool:
    """Tell whether line `index` of a block is a headline rather than the start of the body."""
    if not is_headline(block[index]):
        return False
    after = block[index + 1] if index + 1 < len(block) else None
    if after is None or is_section(after) or is_header_detail(after):
        return True
    return not is_wrapped(block[index:index + WRAP_SAMPLE])


LINE_TESTS = {"credit": is_credit, "date": is_date_line, "byline": is_byline}
HEADER_TESTS = {
    "credit": lambda block, index: is_credit(block[index]),
    "date": lambda block, index: is_date_line(block[index]),
    "byline": lambda block, index: is_byline(block[index]),
    "section": lambda block, index: is_section(block[index]),
    "title": is_title,
}
# The specific shapes go first: a date, byline or credit line also has a headline's shape, and
# "BY JANE DOE" or "MAY 10, 2024" a section's.
SHAPE_PRIORITY = ("credit", "date", "byline", "section", "title")


def read_header(blocks: list[Lines]) -> tuple[dict[str, list[str]], list[Lines]]:
    """Take the leading header lines (section, title, dates, bylines, credits, in any order) off the
    blocks. A standfirst between the title and the other header lines stays the body's first
    paragraph; an agency's name there ("Reuters") is listed with the credits."""
    found: dict[str, list[str]] = {part: [] for part in HEADER_PARTS}
    lines = [(number, index) for number, block in enumerate(blocks) for index in range(len(block))]
    kept: Lines = ()
    for position, (number, index) in enumerate(lines):
        block = blocks[number]
        following = tuple(blocks[n][i] for n, i in lines[position + 1:position + 3])
        parts = classify_header_line(block, index, found, following)
        if parts is None and found["title"] and not kept and header_follows(blocks, lines, position):
            parts = [("credit", block[index])] if is_source(block[index]) else []
            kept = () if parts else (block[index],)
        if parts is None:
            return found, ([kept] if kept else []) + [block[index:]] + blocks[number + 1:]
        for part, text in parts:
            found[part].append(text)
    return found, [kept] if kept else []


def header_follows(blocks: list[Lines], lines: list[tuple[int, int]], position: int) -> bool:
    """Tell whether the line after `position` is a byline, date or credit line (so the line at
    `position`, short, is a standfirst or an agency's name, not the body's start)."""
    number, index = lines[position]
    if len(blocks[number][index]) > MAX_HEADER_LINE or position + 1 >= len(lines):
        return False
    after = blocks[lines[position + 1][0]][lines[position + 1][1]]
    return is_header_detail(after)


def read_authors(bylines: list[str]) -> tuple[str, ...]:
    """The names the bylines give, each once, in order."""
    return tuple(dict.fromkeys(name for line in bylines for name in read_byline(line) or ()))


# A labelled source line ("Source: Xinhua", "Sources : AFP, Reuters"), as agencies end their copy.
_SOURCE_LABEL = re.compile(r"(?:source|sources)\s?:\s*(.+)", re.IGNORECASE)


def split_source(paragraphs: Lines) -> tuple[Lines, str | None]:
    """Take a short trailing source line ("Global Times", "Source: Xinhua") off the end of the body."""
    if not paragraphs:
        return paragraphs, None
    labelled = _SOURCE_LABEL.fullmatch(paragraphs[-1])
    name = labelled.group(1).strip() if labelled else paragraphs[-1]
    if is_source(name.replace(",", "")):  # a labelled line may list several sources
        return paragraphs[:-1], name
    return paragraphs, None


def block_paragraphs(block: Lines) -> Lines:
    """Turn a block into paragraphs: one if hard-wrapped, else one per line."""
    return (" ".join(block),) if len(block) > 1 and is_wrapped(block) else block


def note_problems(paragraphs: Lines, date_lines: list[str],
                  date: datetime | None, confidence: float) -> Lines:
    """Note what a reader of the seed should check: odd credits, dates, language."""
    notes = [f"credit line {p!r} inside the body was kept as a paragraph; move it above "
             "the first paragraph to list it with the credits" for p in paragraphs
             if len(p) <= MAX_HEADER_LINE and is_credit(p)]  # the length test first: it is cheap, the regex is not
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
    date, updated = publication_times(header["date"])
    return Draft(
        seed=name, sha256=sha256, language=language,
        section=" ".join(" ".join(header["section"]).split()) or None,
        title=" ".join(header["title"]) or None,
        date=date, date_line="\n".join(header["date"]) or None,
        credits=tuple(header["credit"]), paragraphs=paragraphs, source=source,
        notes=note_problems(paragraphs, header["date"], date, confidence),
        authors=read_authors(header["byline"]), updated=updated, byline="\n".join(header["byline"]) or None,
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
