"""content/<slug>.<lang>.md: read documents, and import seeds into them without clobbering edits."""
from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import AnyStr

from diglot.config import LANGUAGES
from diglot.errors import DiglotError, Problem, Report
from diglot.build.fileio import read_bytes, replace_bytes, write_bytes
from diglot.content.frontmatter import hash_text, is_unedited, join_front_matter, parse_date, parse_front_matter
from diglot.content.slugs import SLUG_PATTERN, claim_slug, slugify

FILE_NAME = re.compile(rf"^(?P<slug>{SLUG_PATTERN})\.(?P<lang>[a-z]{{2}})\.md$")
FRONT_MATTER_SCAN = 4000  # the seed lines are near the top: a huge file is not read to its end for them


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


# A dev server reads again a file changed less than this before it was last read: some file
# systems' timestamps are that coarse, so a second save within one tick keeps the same stamp.
SETTLED_NS = 2_000_000_000


def read_content(content_dir: Path, last: dict[str, tuple[tuple | None, bytes]] | None = None) -> dict[str, bytes]:
    """The bytes of every content/*.md by file name: the one time a build reads content/.

    last: what a process that builds again (the dev server) read before, by name with each file's
    stat, updated here; a file whose stat is unchanged is not read again, and its bytes, the same
    object as last time, are known at once to every memo that saw them."""
    if not content_dir.is_dir():
        return {}
    entries = sorted((entry for entry in os.scandir(content_dir) if entry.name.endswith(".md")),
                     key=lambda entry: entry.name)
    if last is None:
        return {entry.name: read_bytes(entry.path) for entry in entries}
    seen = {}
    for entry in entries:
        st = entry.stat()
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = last.get(entry.name)
        if known and known[0] == stamp:
            seen[entry.name] = known
            continue
        data = read_bytes(entry.path)
        settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED_NS
        seen[entry.name] = (stamp if settled else None, data)
    last.clear()
    last.update(seen)
    return {name: data for name, (_, data) in seen.items()}


def parse_file(data: bytes, path: str) -> Document:
    """parse_document of a content file's bytes (UnicodeDecodeError when they are not UTF-8)."""
    return parse_document(data.decode("utf-8"), path)


def load_documents(content: Path | dict[str, bytes], label: str = "content", parse=parse_file) -> list[Document]:
    """Parse every content file (a folder, or read_content's files); collect every file's problems
    before raising.

    parse(data, path) is a parameter so a build cache can answer it for files it parsed before
    (steps.load_step)."""
    files = read_content(content) if isinstance(content, Path) else content
    documents, problems = [], []
    for name, data in files.items():
        try:
            documents.append(parse(data, f"{label}/{name}"))
        except DiglotError as exc:
            problems.extend(exc.problems)
        except UnicodeDecodeError as exc:
            problems.append(Problem(f"{label}/{name}", f"is not UTF-8 ({exc.reason})", "save it as UTF-8"))
    if problems:
        raise DiglotError(*problems)
    return documents


# ---- import: seeds → content ---------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    """A content file the importer wants to exist, and the seed it comes from."""

    name: str
    text: str
    seed: str
    seed_sha256: str


def plan_import(pairing, existing: dict[str, str], bodies: dict[str, str] | None = None) -> list[Planned]:
    """Decide each imported article's slug and file text (pure: no I/O).

    bodies: draft_body of each draft by seed name, when they were made already (on every core)."""
    body = draft_body if bodies is None else (lambda draft: bodies[draft.seed])
    seed_slugs = slugs_by_seed(existing)
    taken = {FILE_NAME.match(n)["slug"] for n in existing if FILE_NAME.match(n)}
    planned = []
    for versions in article_versions(pairing):
        slug = next((seed_slugs[d.seed] for d in versions if d.seed in seed_slugs), None)
        if slug is None:
            slug = claim_slug(slugify(article_title(versions), versions[0].seed), taken)
        shared = shared_metadata(versions)
        for draft in versions:
            text, comments = draft_front_matter(draft, versions, shared)
            planned.append(Planned(f"{slug}.{draft.language}.md",
                                   join_front_matter(text, body(draft), comments),
                                   draft.seed, draft.sha256))
    return planned


def article_versions(pairing) -> list[tuple]:
    """Each article as a tuple of drafts (original first), in seed-name order for stable slugs."""
    groups = [(p.original, p.translation) for p in pairing.pairs] + [(d,) for d in pairing.singles]
    return sorted(groups, key=lambda g: min(d.seed for d in g))


def front_matter_part(text: AnyStr) -> AnyStr:
    """The start of a content file up to the end of its front matter (at most FRONT_MATTER_SCAN
    characters): where its seed lines are, and where the import looks for them."""
    end = text.find(b"\n---" if isinstance(text, bytes) else "\n---", 3)
    return text[:end] if 0 < end < FRONT_MATTER_SCAN else text[:FRONT_MATTER_SCAN]


def slugs_by_seed(existing: dict[str, str]) -> dict[str, str]:
    """Map seed file name → slug of the content file that already imports it."""
    found = {}
    for name, text in sorted(existing.items()):
        match, seed = FILE_NAME.match(name), re.search(r"^seed: ['\"]?(.+?)['\"]?$", front_matter_part(text), re.M)
        if match and seed:
            found.setdefault(seed.group(1), match["slug"])
    return found


def article_title(versions) -> str:
    """The title that names the article's slug: the original's, else any, else the first words."""
    for draft in versions:
        if draft.title:
            return draft.title
    return derived_title(versions[0])


def derived_title(draft) -> str:
    """A title made from the first sentence, for seeds that have none."""
    first = draft.paragraphs[0] if draft.paragraphs else draft.seed
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 90 else sentence[:90].rsplit(" ", 1)[0] + "…"


def shared_metadata(versions) -> dict:
    """Date, section and source are shared; the original's win (a publication name is not translated)."""
    shared = {}
    for key in ("date", "section", "source"):
        shared[key] = next((getattr(d, key) for d in versions if getattr(d, key)), None)
    return shared


def draft_front_matter(draft, versions, shared) -> tuple[dict, tuple[str, ...]]:
    """Front matter for one draft, plus YAML comments that tell the editor what is missing."""
    meta, comments = {}, []
    if draft.title:
        meta["title"] = draft.title
    elif len(versions) > 1:
        comments.append("title: the seed has none, so the other language's title is shown; add one here")
    else:
        meta["title"] = derived_title(draft)
        comments.append("title: made from the first sentence (the seed has no headline); edit it freely")
    if shared["date"]:
        meta["date"] = shared["date"].isoformat()
    for key in ("section", "source"):
        if shared[key]:
            meta[key] = shared[key]
    meta["credits"] = list(draft.credits)
    meta["seed"] = draft.seed
    meta["seed_sha256"] = draft.sha256
    return meta, tuple(comments)


def draft_body(draft) -> str:
    """The seed's paragraphs as Markdown that renders them literally."""
    from diglot.model.text import escape_markdown
    return "\n\n".join(escape_markdown(p) for p in draft.paragraphs)


def write_content(content_dir: Path, texts: dict[str, str]) -> None:
    """Write content files by name, each whole or not at all: an import cut short leaves files it
    can import again, never a part of one (which would pass for a hand edit).

    A first import (no folder yet) writes the whole folder beside it, then renames it in: one
    rename instead of one per file, and no half-imported folder is ever seen."""
    if not texts:
        return
    for stale in content_dir.parent.glob(f".{content_dir.name}.tmp-*"):  # a killed first import's
        shutil.rmtree(stale, ignore_errors=True)
    if not content_dir.exists():
        fresh = content_dir.with_name(f".{content_dir.name}.tmp-{os.getpid()}")
        fresh.mkdir(parents=True)
        for name, text in texts.items():
            write_bytes(fresh / name, text.encode("utf-8"))
        os.rename(fresh, content_dir)
        return
    for stale in content_dir.glob(".*.md.tmp-*"):  # left by a writer that was killed
        stale.unlink(missing_ok=True)
    for name, text in texts.items():
        replace_bytes(content_dir / name, text.encode("utf-8"))


def import_texts(planned: list[Planned], existing: dict[str, str], report: Report) -> dict[str, str]:
    """The planned files to write, by name: new ones, and unedited ones gone stale; reports what
    each write does and every conflict with a hand edit (pure: no I/O)."""
    written = {}
    for item in planned:
        current = existing.get(item.name)
        if current == item.text:
            continue
        if current is None or is_unedited(current):
            report.note(f"{'imported' if current is None else 're-imported'} seeds/{item.seed} → content/{item.name}")
            written[item.name] = item.text
        elif f"seed_sha256: {item.seed_sha256}" not in current:
            report.warn(f"content/{item.name}", f"seeds/{item.seed} changed, but this file was edited by hand; "
                        "your edits are kept", "merge the seed's changes by hand, or delete the content file "
                        "to re-import it")
    return written


def decode_existing(files: dict[str, bytes]) -> dict[str, str]:
    """Every content file's text by name (what the importer must not clobber), bad UTF-8 replaced."""
    return {name: data.decode("utf-8", errors="replace") for name, data in files.items()}
