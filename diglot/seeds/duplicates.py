"""Seeds that say the same thing twice: copies (the same text) and versions (a later edit of an
article, in the same language), found so each article is imported once (pure: drafts in, decisions out).

A copy has the same parsed content as another seed: the same text once decoded, with line endings
and surrounding blanks normalised (CRLF, a BOM or cp1252 make no difference). The first by file
name is kept. A version shares the headline (of MIN_TITLE_WORDS words or more) or most paragraphs
with another seed of its language; of such a group the one with the latest `Updated:` line or date
is kept (the last by file name when no date tells).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping, NamedTuple

Draft = Any  # diglot.seeds.parse.Draft, read by duck typing
# Fields that say where a draft comes from, not what it says.
PROVENANCE = frozenset({"seed", "sha256", "notes"})
# A headline this short ("Editorial", "In brief") may head different articles.
MIN_TITLE_WORDS = 3
# Shorter paragraphs ("Read more", a dateline) say nothing about which article they are in.
MIN_PARAGRAPH_CHARS = 30
# A paragraph in more seeds than this is boilerplate (a disclaimer, a sign-off), not a shared article.
MAX_PARAGRAPH_SEEDS = 5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    """A seed not imported because another says the same: `kept` (how: "copy" or "version")."""

    seed: str
    kept: str
    how: str
    kept_stamp: str = ""  # the kept version's date or Updated line, for the message
    reason: str = ""  # for a version: "the same headline" or "most paragraphs the same"


def content_key(draft: Draft) -> bytes:
    """Everything a draft says (every field but where it comes from), hashed: equal for copies."""
    said = repr(tuple(getattr(draft, f.name) for f in fields(draft) if f.name not in PROVENANCE))
    return hashlib.blake2b(said.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def drop_copies(drafts: Iterable[Draft], keys: Mapping[str, DraftKeys] | None = None) -> tuple[
        list[Draft], list[Duplicate]]:
    """Keep the first draft by seed name of each content; the others are copies of it (keys: as
    related_pairs')."""
    kept: dict[bytes, Draft] = {}
    copies = []
    for draft in sorted(drafts, key=lambda d: d.seed):
        first = kept.setdefault(keys[draft.seed].copy if keys else content_key(draft), draft)
        if first is not draft:
            copies.append(Duplicate(draft.seed, first.seed, "copy"))
    return sorted(kept.values(), key=lambda d: d.seed), copies


def normal_words(text: str | None) -> str:
    """A text's words, lower-case, one space apart: what is compared of titles and paragraphs."""
    return " ".join(_WORD.findall(text.lower())) if text else ""


def short_hash(text: str) -> bytes:
    """Eight bytes that stand for a normalised text (what workers send back instead of the text)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


class DraftKeys(NamedTuple):
    """What duplicates are found by, hashed: all a build keeps of a draft's text to find them."""

    copy: bytes  # content_key: equal for copies
    title: bytes | None  # the headline, if long enough, normalised
    paragraphs: frozenset[bytes]  # the long paragraphs, normalised


def draft_keys(draft: Draft) -> DraftKeys:
    """What copies and versions of a draft are found by. The build makes these on its workers,
    with the draft, and keeps no more of its paragraphs than the first."""
    title = normal_words(draft.title)
    own = {normal_words(p) for p in draft.paragraphs}
    return DraftKeys(content_key(draft), short_hash(title) if len(title.split()) >= MIN_TITLE_WORDS else None,
                     frozenset(short_hash(p) for p in own if len(p) >= MIN_PARAGRAPH_CHARS))


def version_stamp(draft: Draft) -> str:
    """When a draft was last written: its Updated line if the parser read one, else its date."""
    stamp = getattr(draft, "updated", None) or draft.date
    return stamp.isoformat() if stamp else ""


def same_day(one: Draft, other: Draft) -> bool:
    """Tell whether two drafts were first published on one day, as far as they say (an update
    keeps its original date; a draft without a date may be either)."""
    return one.date is None or other.date is None or one.date.date() == other.date.date()


def related_pairs(drafts: list[Draft], keys: Mapping[str, DraftKeys] | None = None) -> list[tuple[int, int, str]]:
    """Pairs of drafts (indexes, and why) of one language that are versions of one article.

    keys: draft_keys of each draft by seed name, when they were made already (on every core)."""
    titles: dict[tuple, list[int]] = {}
    postings: dict[tuple, list[int]] = {}
    sizes = []
    for index, draft in enumerate(drafts):
        _, title, own = keys[draft.seed] if keys else draft_keys(draft)
        if title is not None:
            titles.setdefault((draft.language, title), []).append(index)
        sizes.append(len(own))
        for paragraph in own:
            postings.setdefault((draft.language, paragraph), []).append(index)
    shared: dict[tuple[int, int], int] = {}
    for seeds in postings.values():
        if 1 < len(seeds) <= MAX_PARAGRAPH_SEEDS:
            for pair in ((a, b) for a in seeds for b in seeds if a < b):
                shared[pair] = shared.get(pair, 0) + 1
    # A headline alone makes versions only of one day's story: a recurring one ("Morning briefing",
    # "Letters to the editor") on another day, with nothing else in common, is another article.
    found = {(a, b): "the same headline" for same in titles.values() for a in same for b in same
             if a < b and (shared.get((a, b)) or same_day(drafts[a], drafts[b]))}
    for (a, b), count in shared.items():
        if 2 * count > min(sizes[a], sizes[b]):
            found.setdefault((a, b), "most paragraphs the same")
    return sorted((a, b, why) for (a, b), why in found.items())


def drop_earlier_versions(drafts: Iterable[Draft], keys: Mapping[str, DraftKeys] | None = None) -> tuple[
        list[Draft], list[Duplicate]]:
    """Keep the latest version of each article (by Updated line or date, then seed name)."""
    ordered = sorted(drafts, key=lambda d: d.seed)
    group = list(range(len(ordered)))  # union-find: a version of a version is one article

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    reasons = {}
    for a, b, why in related_pairs(ordered, keys):
        group[root(b)] = root(a)
        reasons.setdefault(b, why)
        reasons.setdefault(a, why)
    members: dict[int, list[int]] = {}
    for index in range(len(ordered)):
        members.setdefault(root(index), []).append(index)
    versions = []
    for indexes in members.values():
        latest = max(indexes, key=lambda i: (version_stamp(ordered[i]) != "", version_stamp(ordered[i]), ordered[i].seed))
        versions += [Duplicate(ordered[i].seed, ordered[latest].seed, "version",
                               version_stamp(ordered[latest]), reasons[i]) for i in indexes if i != latest]
    dropped = {d.seed for d in versions}
    return [d for d in ordered if d.seed not in dropped], sorted(versions, key=lambda d: d.seed)


def find_duplicates(drafts: Iterable[Draft], keys: Mapping[str, DraftKeys] | None = None) -> tuple[
        list[Draft], list[Duplicate]]:
    """The drafts to import (one per article) and the duplicates set aside, by seed name
    (keys: as related_pairs')."""
    unique, copies = drop_copies(drafts, keys)
    latest, versions = drop_earlier_versions(unique, keys)
    return latest, sorted(copies + versions, key=lambda d: d.seed)
