"""Split and join Markdown files with YAML front matter; validate its keys with line numbers."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import yaml

from diglot.errors import DiglotError, Problem

# key -> (accepted Python types, what to write instead)
KEYS = {
    "title": ((str,), "a quoted string"),
    "date": ((str, date, datetime), "an ISO 8601 date such as 2024-05-10 or 2024-05-10T15:00:00"),
    "updated": ((str, date, datetime), "the time of the latest update, an ISO 8601 date such as "
                "2024-05-11T09:00:00"),
    "section": ((str,), "a string such as 'CHINA / SOCIETY'"),
    "source": ((str,), "the publication's name, a string"),
    "authors": ((list, str), "a list of names, one per line, each such as '- Jane Doe'"),
    "credits": ((list,), "a list of strings"),
    "description": ((str,), "one sentence, a string"),
    "summary": ((str,), "one line shown under the title in listings, a string"),
    "translation_key": ((str,), "a string shared by the article's language versions"),
    "alignment": ((str,), "beads such as '1-1 1-1 2-1' (English paragraphs-French paragraphs)"),
    "sentence_alignment": ((dict,), "one line per segment: its number and sentence beads, e.g. '  3: 1-1 2-1', or 'off'"),
    "seed": ((str,), "the seed file name (written by the importer)"),
    "seed_sha256": ((str,), "the seed's hash (written by the importer)"),
    "import_sha256": ((str,), "the imported text's hash (written by the importer)"),
}
IMPORT_HASH_KEY = "import_sha256"
DATE_KEYS = frozenset({"date", "updated"})
# libyaml parses about ten times faster than the pure-Python parser; same results.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # likewise for writing; same bytes
TEXT_TAG = "tag:yaml.org,2002:str"

# The importer's front matter is only strings and lists of strings, which format_meta writes
# without the YAML emitter (most of an import's time otherwise), byte for byte as it would.
# One line of characters YAML prints as they are (no controls, line breaks, byte-order mark or
# astral ones) and no edge space: YAML writes it bare or in single quotes, never otherwise.
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
_PRINTABLE_LINE = re.compile(rf"(?! )[{_PRINTABLE}]+(?<! )")
_COMMENT = re.compile(rf"#[{_PRINTABLE}]*")
# What makes such a line need quotes: an opening indicator ('#', '[', '&', '- ', '---', …),
# or a ': ' or ' #' that would open a mapping or a comment.
_INDICATOR = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|[-?:](?: |$)|---|\.\.\.|.*?(?:: |:$| #)")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Far below the width of 10,000 columns past which YAML would fold a line.
MAX_FORMATTED = 4000
_RESOLVER = yaml.resolver.Resolver()
# The first characters for which YAML tries an implicit type (number, date, bool, null, …): a
# value starting with any other reads back as a string without asking the resolver (unless a
# resolver applies whatever the first character, which PyYAML's own never do).
_TYPED_STARTS = frozenset(_RESOLVER.yaml_implicit_resolvers) - {""}
_ANY_START_TYPED = None in _RESOLVER.yaml_implicit_resolvers



@dataclass(frozen=True)
class Parsed:
    """A content file split into validated metadata and Markdown body."""

    meta: dict
    body: str
    body_line: int
    key_lines: dict


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return (yaml text, body, first body line); the file must open with '---'."""
    if not text.startswith("---\n"):
        raise DiglotError(Problem(path, "has no front matter", "start the file with a line '---', "
                                  "then 'title: …', then another '---' line", 1))
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        raise DiglotError(Problem(path, "front matter is not closed", "add a line '---' after the metadata", 1))
    head = text[4:end + 1]
    return head, text[end + 5:], head.count("\n") + 3


def parse_front_matter(text: str, path: str) -> Parsed:
    """Parse a content file's front matter; errors say file:line, what and how to fix."""
    head, body, body_line = split_front_matter(text, path)
    meta, key_lines = read_meta(head) or load_meta(head, path)
    check_keys(meta, key_lines, path)
    return Parsed(meta, body, body_line, key_lines)


def load_meta(head: str, path: str) -> tuple[dict, dict]:
    """Parse front matter with YAML: (meta, line of each key); errors name the line."""
    try:
        node, meta = load_yaml(head)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise DiglotError(Problem(path, f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
                                  "fix the syntax on that line (quote values that contain ': ')", line)) from None
    if not isinstance(meta, dict):
        raise DiglotError(Problem(path, "front matter must be 'key: value' lines", "see README", 2))
    return meta, ({k.value: k.start_mark.line + 2 for k, _ in node.value} if node else {})


def load_yaml(head: str) -> tuple:
    """Return the YAML document's node tree and its value ({} for none), parsing it once."""
    loader = SAFE_LOADER(head)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None) or {}
    finally:
        loader.dispose()


def read_meta(head: str) -> tuple[dict, dict] | None:
    """Read front matter that is exactly as format_meta writes it, without YAML; else None.

    Only the forms format_meta would write for the values read are accepted, and
    YAML reads those back as those values, so the result is what YAML would return."""
    meta, key_lines, items = {}, {}, None
    for number, line in enumerate(head.split("\n")[:-1], start=2):  # the head ends with a newline
        if items is not None and line.startswith("- "):
            items.append(read_scalar(line[2:]))
            continue
        if items == []:
            return None  # a key with no items is null
        items = None  # a list ends at the first line that is not an item
        if line.startswith("#"):
            if not _COMMENT.fullmatch(line):
                return None
            continue
        key, _, value = line.partition(": ")
        if key.endswith(":") and not value and key.count(":") == 1:
            key, items = key[:-1], []
            meta[key] = items
        else:
            meta[key] = [] if value == "[]" else read_scalar(value)
        if key in key_lines or not (key in KEYS or is_bare_key(key)):
            return None
        key_lines[key] = number
    values = [v for value in meta.values() for v in (value if type(value) is list else [value])]
    return (meta, key_lines) if meta and items != [] and None not in values else None


def read_scalar(written: str) -> str | None:
    """Return the string that format_scalar writes as `written`, or None if it writes none so."""
    quoted = len(written) > 1 and written[0] == written[-1] == "'"
    value = written[1:-1].replace("''", "'") if quoted else written
    return value if format_scalar(value) == written else None


def check_keys(meta: dict, key_lines: dict, path: str) -> None:
    """Reject unknown keys and values of the wrong type, naming the line."""
    problems = []
    for key, value in meta.items():
        line = key_lines.get(key)
        if key not in KEYS:
            problems.append(Problem(path, f"unknown front matter key {key!r}",
                                    f"remove it or use one of: {', '.join(KEYS)}", line))
            continue
        types, expected = KEYS[key]
        if value is not None and not isinstance(value, types):
            problems.append(Problem(path, f"{key} has the wrong type ({type(value).__name__})",
                                    f"write {expected}", line))
        elif key in DATE_KEYS and isinstance(value, str) and parse_date(value) is None:
            problems.append(Problem(path, f"{key} {value!r} is not an ISO 8601 date", f"write {expected}", line))
        elif key == "authors" and isinstance(value, list):
            problems += author_problems(value, path, line)
    if problems:
        raise DiglotError(*problems)


def author_problems(authors: list, path: str, line: int | None) -> list[Problem]:
    """A problem for each item of an authors list that is not a name (a non-empty string)."""
    return [Problem(path, f"authors item {number} ({item!r}) is not a name",
                    "write each author as a line '- Jane Doe' (quote names that look like numbers or dates)",
                    line + number if line else None)
            for number, item in enumerate(authors, start=1) if not (isinstance(item, str) and item.strip())]


def parse_date(value) -> datetime | None:
    """Turn a front-matter date (str, date or datetime) into a datetime, or None."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        return None


def join_front_matter(meta: dict, body: str, comments: tuple[str, ...] = ()) -> str:
    """Write meta (in its order) and body as a content file, stamped with import_sha256."""
    lines = format_meta(meta)
    if lines is None:
        lines = dump_meta(meta)
    lines += [f"# {c}" for c in comments]
    text = "---\n" + "\n".join(lines) + "\n---\n" + body.rstrip("\n") + "\n"
    return stamp_import_hash(text)


def dump_meta(meta: dict) -> list[str]:
    """Return the YAML lines of meta as the YAML emitter writes them."""
    return yaml.dump(meta, Dumper=SAFE_DUMPER, sort_keys=False, allow_unicode=True, width=10_000).splitlines()


def format_meta(meta: dict) -> list[str] | None:
    """Return dump_meta(meta) written directly, or None when meta holds more than plain strings."""
    lists = [id(value) for value in meta.values() if type(value) is list]
    if not meta or len(set(lists)) < len(lists):
        return None  # YAML writes '{}' for an empty mapping and an anchor for a list met twice
    lines = []
    for key, value in meta.items():
        if key not in KEYS and not is_bare_key(key):
            return None
        written = [format_scalar(item) for item in (value if type(value) is list else [value])]
        if None in written:
            return None
        if type(value) is not list:
            lines.append(f"{key}: {written[0]}")
        else:
            lines += ([f"{key}:"] + [f"- {item}" for item in written]) if written else [f"{key}: []"]
    return lines


def format_scalar(value) -> str | None:
    """Return a string as YAML writes it, bare or in single quotes; None for anything else."""
    return format_text(value) if type(value) is str else None


@lru_cache(maxsize=65536)  # an import writes each value, then reads it back from the file it wrote
def format_text(value: str) -> str | None:
    """format_scalar of a string."""
    if len(value) > MAX_FORMATTED or not _PRINTABLE_LINE.fullmatch(value):
        return None
    if _INDICATOR.match(value) or not reads_back_as_text(value):
        return "'" + value.replace("'", "''") + "'"
    return value


@lru_cache(maxsize=1024)  # a few keys, met in every content file a build reads or writes
def is_bare_key(key) -> bool:
    """Tell whether YAML writes a mapping key bare, as it does every known key."""
    return type(key) is str and bool(_KEY.fullmatch(key)) and reads_back_as_text(key)


def reads_back_as_text(value: str) -> bool:
    """Tell whether YAML reads a bare value as a string (not a number, date, bool or null)."""
    if value and value[0] not in _TYPED_STARTS and not _ANY_START_TYPED:
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == TEXT_TAG


def stamp_import_hash(text: str) -> str:
    """Add import_sha256 (hash of the text without that line) at the end of the front matter."""
    end = text.find("\n---\n", 3)
    return text[:end] + f"\n{IMPORT_HASH_KEY}: {hash_text(text)}" + text[end:]


def is_unedited(text: str) -> bool:
    """True when the file is exactly what the importer wrote (its import_sha256 still matches)."""
    kept, recorded = [], None
    for line in text.split("\n"):
        if line.startswith(IMPORT_HASH_KEY + ": ") and recorded is None:
            recorded = line.split(": ", 1)[1].strip()
        else:
            kept.append(line)
    return recorded is not None and recorded == hash_text("\n".join(kept))


def hash_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
