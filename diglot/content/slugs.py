"""Safe, stable URL slugs from titles."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

MAX_LENGTH = 60
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # what slugify makes; content file names must match it
NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, fallback_seed: str = "") -> str:
    """Lower-case ASCII words joined by '-', at most 60 characters, never empty."""
    slug = latin_slug(title)
    if slug:
        return slug
    return "article-" + hashlib.sha256((fallback_seed or title).encode("utf-8")).hexdigest()[:8]


def latin_slug(title: str) -> str:
    """The title's Latin letters and digits as a slug, or "" when it has none."""
    folded = unicodedata.normalize("NFKD", title.replace("’", "").replace("'", ""))
    ascii_text = "".join(map(ascii_of, folded)).lower()
    slug = NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_LENGTH:
        cut = slug[:MAX_LENGTH + 1].rfind("-")
        slug = slug[:cut if cut > 20 else MAX_LENGTH].strip("-")
    return slug


@lru_cache(maxsize=4096)
def ascii_of(char: str) -> str:
    """One character of an NFKD-decomposed title in ASCII: accents go (NFKD split them off), Latin
    letters with no decomposition are transliterated (œ→oe, ß→ss, ø→o, ł→l), and anything else
    separates words: other scripts are not romanised (a Chinese title takes its translation's slug)."""
    if char.isascii():
        return char
    if unicodedata.combining(char):
        return ""
    if unicodedata.name(char, "").startswith("LATIN "):
        return anyascii(char)
    return " "


def has_latin_slug(title: str | None) -> bool:
    """Tell whether a title makes a slug of its own (it has Latin letters or digits)."""
    return bool(title) and bool(latin_slug(title))


def claim_slug(wanted: str, taken: set[str]) -> str:
    """Return wanted, or wanted-2, wanted-3 … whichever is free, and mark it taken."""
    slug, n = wanted, 1
    while slug in taken:
        n += 1
        slug = f"{wanted}-{n}"
    taken.add(slug)
    return slug


def is_safe_slug(slug: str) -> bool:
    """True for the slugs this module makes: [a-z0-9-], no leading/trailing '-'."""
    return bool(re.fullmatch(SLUG_PATTERN, slug))
