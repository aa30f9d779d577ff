"""Seeds into content files: each article's slug, front matter and body, written only where no
hand edit would be lost (pure: the build writes the files)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, AnyStr, Callable, Iterable, Iterator

from diglot.content.documents import FILE_NAME
from diglot.content.escape import escape_markdown
from diglot.content.frontmatter import is_unedited, join_front_matter
from diglot.content.slugs import claim_slug, has_latin_slug, slugify
from diglot.errors import Report

FRONT_MATTER_SCAN = 4000  # the seed lines are near the top: a huge file is not read to its end for them


@dataclass(frozen=True)
class Planned:
    """A content file the importer wants to exist, and the seed it comes from."""

    name: str
    text: str
    seed: str
    seed_sha256: str


def plan_import(pairing, existing: dict[str, str], body: Callable[[Any], str] | None = None,
                replaced: dict[str, tuple[str, ...]] | None = None) -> Iterator[Planned]:
    """Decide each imported article's slug and file text (pure: no I/O), one file at a time: a
    file's text is made when it is asked for, so an import need not hold every text at once.

    body: each draft's draft_body, asked for once per draft (the build hands over the ones its
    workers made); replaced: by kept seed, the seeds it stands for (its copies and earlier
    versions), whose article it takes over if one of them was imported before, rather than
    publishing it twice."""
    body = body or draft_body
    seed_slugs = slugs_by_seed(existing)
    taken = {FILE_NAME.match(n)["slug"] for n in existing if FILE_NAME.match(n)}
    for versions in article_versions(pairing):
        seeds = [seed for d in versions for seed in (d.seed, *(replaced or {}).get(d.seed, ()))]
        slug = next((seed_slugs[seed] for seed in seeds if seed in seed_slugs), None)
        if slug is None:
            slug = claim_slug(slugify(article_title(versions), versions[0].seed), taken)
        shared = shared_metadata(versions)
        for draft in versions:
            text, comments = draft_front_matter(draft, versions, shared)
            yield Planned(f"{slug}.{draft.language}.md", join_front_matter(text, body(draft), comments),
                          draft.seed, draft.sha256)


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
    """The title that names the article's slug: the original's, else any, else the first words;
    one with Latin letters first (a title in another script takes its counterpart's slug)."""
    titles = [d.title for d in versions if d.title] + [derived_title(d) for d in versions]
    return next(filter(has_latin_slug, titles), titles[0])


def derived_title(draft) -> str:
    """A title made from the first sentence, for seeds that have none."""
    first = draft.paragraphs[0] if draft.paragraphs else draft.seed
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 90 else sentence[:90].rsplit(" ", 1)[0] + "…"


def shared_metadata(versions) -> dict:
    """The facts all versions share, from whichever has them, the original's first: dates,
    source (a publication's name is not translated), authors (names are not either), and the
    section a version without its own shows (site.yaml may translate it)."""
    shared = {}
    for key in ("date", "updated", "section", "source", "authors"):
        shared[key] = next((getattr(d, key) for d in versions if getattr(d, key)), None)
    if shared["updated"] and shared["date"] and shared["updated"] <= shared["date"]:
        shared["updated"] = None  # two versions' dates mixed: an update is later than its article
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
    for key in ("date", "updated"):
        if shared[key]:
            meta[key] = shared[key].isoformat()
    section = draft.section or shared["section"]  # a version's own section line, in its own language
    if section:
        meta["section"] = section
    if shared["source"]:
        meta["source"] = shared["source"]
    if shared["authors"]:
        meta["authors"] = list(shared["authors"])
    meta["credits"] = list(draft.credits)
    meta["seed"] = draft.seed
    meta["seed_sha256"] = draft.sha256
    return meta, tuple(comments)


def draft_body(draft) -> str:
    """The seed's paragraphs as Markdown that renders them literally."""
    return "\n\n".join(escape_markdown(p) for p in draft.paragraphs)


def import_texts(planned: Iterable[Planned], existing: dict[str, str], report: Report) -> Iterator[tuple[str, str]]:
    """The planned files to write, as (name, text), one at a time: new ones, and unedited ones
    gone stale; reports what each write does and every conflict with a hand edit (pure: no I/O)."""
    for item in planned:
        current = existing.get(item.name)
        if current == item.text:
            continue
        if current is None or is_unedited(current):
            report.note(f"{'imported' if current is None else 're-imported'} seeds/{item.seed} → content/{item.name}")
            yield item.name, item.text
        elif f"seed_sha256: {item.seed_sha256}" not in current:
            report.warn(f"content/{item.name}", f"seeds/{item.seed} changed, but this file was edited by hand; "
                        "your edits are kept", "merge the seed's changes by hand, or delete the content file "
                        "to re-import it")


def decode_existing(files: dict[str, bytes]) -> dict[str, str]:
    """Every content file's text by name (what the importer must not clobber), bad UTF-8 replaced."""
    return {name: data.decode("utf-8", errors="replace") for name, data in files.items()}
