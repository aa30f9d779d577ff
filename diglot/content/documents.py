"""content/<slug>.<lang>.md as documents: the file name's slug and language, front matter, body."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from diglot.config import LANGUAGES
from diglot.content.frontmatter import hash_text, parse_date, parse_front_matter
from diglot.content.slugs import SLUG_PATTERN
from diglot.errors import DiglotError, Problem

FILE_NAME = re.compile(rf"^(?P<slug>{SLUG_PATTERN})\.(?P<lang>[a-z]{{2}})\.md$")


@dataclass(frozen=True)
class Document:
    """One language version of an article as written in content/."""

    path: str
    slug: str
    lang: str
    meta: dict
    body: str
    body_line: int
    key_lines: dict
    sha256: str

    @property
    def key(self) -> str:
        """The translation key that groups language versions (defaults to the slug)."""
        return self.meta.get("translation_key") or self.slug

    @property
    def date(self) -> datetime | None:
        """The parsed date, or None."""
        return parse_date(self.meta["date"]) if self.meta.get("date") else None


def parse_document(text: str, path: str) -> Document:
    """Parse one content file's text; the name must be <slug>.<lang>.md."""
    match = FILE_NAME.match(Path(path).name)
    if not match or match["lang"] not in LANGUAGES:
        raise DiglotError(Problem(path, "is not named <slug>.<lang>.md",
                                  f"rename it, e.g. my-article.en.md (languages: {', '.join(LANGUAGES)}; "
                                  "slugs use a-z, 0-9 and '-')"))
    parsed = parse_front_matter(text, path)
    return Document(path, match["slug"], match["lang"], parsed.meta, parsed.body,
                    parsed.body_line, parsed.key_lines, hash_text(text))


def parse_file(data: bytes, path: str) -> Document:
    """parse_document of a content file's bytes (UnicodeDecodeError when they are not UTF-8)."""
    return parse_document(data.decode("utf-8"), path)


# How a document names its file (its path): content/<name>, whatever the folder is called.
CONTENT_LABEL = "content"


def load_documents(files: Iterable[tuple[str, bytes]], label: str = CONTENT_LABEL, parse=parse_file) -> list[Document]:
    """Parse every content file (file name and bytes); collect every file's problems
    before raising.

    parse(data, path) is a parameter so a build cache can answer it for files it parsed before
    (steps.load_step)."""
    documents, problems = [], []
    for name, data in files:
        try:
            documents.append(parse(data, f"{label}/{name}"))
        except DiglotError as exc:
            problems.extend(exc.problems)
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"{label}/{name}", f"is not UTF-8 ({exc.reason})", "save it as UTF-8"))
    if problems:
        raise DiglotError(*problems)
    return documents
