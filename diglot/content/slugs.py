"""Safe, stable URL slugs from titles."""
from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_LENGTH = 60
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # what slugify makes; content file names must match it
NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, fallback_seed: str = "") -> str:
    """Lower-case ASCII words joined by '-', at most 60 characters, never empty."""
    folded = unicodedata.normalize("NFKD", title.replace("’", "").replace("'", ""))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_LENGTH:
        cut = slug[:MAX_LENGTH + 1].rfind("-")
        slug = slug[:cut if cut > 20 else MAX_LENGTH].strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha256((fallback_seed or title).encode("utf-8")).hexdigest()[:8]


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
