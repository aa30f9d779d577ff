"""Which seeds' drafts are imported: those in a language the site publishes, once per article.
Every other seed is set aside with a message that names it and says why (pure)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from diglot.seeds.duplicates import Duplicate, find_duplicates
from diglot.seeds.language import language_name

Draft = Any  # diglot.seeds.parse.Draft


@dataclass(frozen=True)
class SetAside:
    """A seed not imported: as a "duplicate" or "skipped", with the message for the build."""

    seed: str
    kind: str
    what: str
    fix: str


@dataclass(frozen=True)
class Triage:
    """The drafts to import, the seeds set aside, and by kept seed the seeds it stands for."""

    kept: tuple[Draft, ...]
    set_aside: tuple[SetAside, ...]
    replaced: dict[str, tuple[str, ...]]


def triage_drafts(drafts: Iterable[Draft], languages: tuple[str, ...], keys: Mapping[str, tuple] | None = None
                  ) -> Triage:
    """Skip drafts in languages the site does not publish, then set aside duplicates (keys: each
    draft's duplicates.draft_keys by seed name, when made already)."""
    drafts = sorted(drafts, key=lambda d: d.seed)
    published = [d for d in drafts if d.language in languages]
    foreign = [skip_language(d, languages) for d in drafts if d.language not in languages]
    kept, duplicates = find_duplicates(published, keys)
    replaced: dict[str, list[str]] = {}
    for duplicate in duplicates:
        replaced.setdefault(duplicate.kept, []).append(duplicate.seed)
    set_aside = sorted(foreign + [describe_duplicate(d) for d in duplicates], key=lambda s: s.seed)
    return Triage(tuple(kept), tuple(set_aside), {seed: tuple(seeds) for seed, seeds in replaced.items()})


def skip_language(draft: Draft, languages: tuple[str, ...]) -> SetAside:
    """Set aside a draft in a language the site does not publish."""
    if draft.language == "und":  # too few of any language's common words: tables, lists, results
        fix = (f"if it is in {' or '.join(languages)}, publish it from a content file of your own: "
               f"content/<slug>.{languages[0]}.md with '---', 'title: …', '---' above the text "
               "(a file without 'seed:' is read as written); else remove it from seeds/")
    else:
        fix = "nothing to do if it is not meant for this site; remove it from seeds/ to silence this"
    return SetAside(draft.seed, "skipped",
                    f"is in {language_name(draft.language)}; this site publishes {', '.join(languages)}; "
                    "skipped (not paired, not published)", fix)


def describe_duplicate(duplicate: Duplicate) -> SetAside:
    """Say which seed a duplicate repeats and which one is imported."""
    if duplicate.how == "copy":
        return SetAside(duplicate.seed, "duplicate",
                        f"is a copy of seeds/{duplicate.kept} (same text); not imported again",
                        "remove the copy from seeds/ to silence this")
    later = f"its {duplicate.kept_stamp} version is later" if duplicate.kept_stamp else \
        "no date tells which is later, so the last by file name"
    return SetAside(duplicate.seed, "duplicate",
                    f"and seeds/{duplicate.kept} are versions of one article ({duplicate.reason}); "
                    f"kept seeds/{duplicate.kept} ({later}), not this one",
                    "nothing to do; remove the older version from seeds/ to silence this")
