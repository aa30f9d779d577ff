"""The import step: seeds become content files (read on every core, paired, planned, written), or the
last import is replayed when nothing it reads has changed.

It needs none of the libraries of the later steps (steps.py: Jinja2, Babel, lunr), so the build
loads those while the import runs apart (import_seeds).
"""
from __future__ import annotations

import os
import re
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from diglot.build.cache import BuildCache, digest
from diglot.build.memo import MISSING, Memo
from diglot.build.content_files import write_content
from diglot.content.importer import Planned, decode_existing, front_matter_part, import_texts, plan_import
from diglot.errors import Report
from diglot.build.fileio import read_bytes
from diglot.build.parallel import map_forked, may_fork, start_forked
from diglot.build.inputs import content_hashes, read_content_again
from diglot.build.options import Options
from diglot.config import LANGUAGES

# Below this many seeds they are read serially: forking a pool costs more than it saves.
FORK_MIN_SEEDS = 64
# Below this many English drafts pairing scores them here: forking costs more than it saves.
FORK_MIN_DRAFTS = 200

SEED_LINE = re.compile(rb"^seed(?:_sha256)?: .*$", re.M)


def import_signature(seeds: list, content: dict[str, bytes], cache: BuildCache) -> str:
    """What an import's outcome depends on: the seeds' names, sizes and times, and each content
    file's name and seed lines (hand edits elsewhere in a file change nothing the import does)."""
    hashes = content_hashes(content, cache)
    lines = cache.remember("seed lines", content.items(), lambda item: (item[0], hashes[item[0]]),
                           lambda item: SEED_LINE.findall(front_matter_part(item[1])))
    return digest(seeds, sorted(zip(content, lines)))


class Imported(NamedTuple):
    """What an import decided: what a build with the same seeds replays instead of importing again."""

    decisions: tuple[str, ...]  # every pairing decision, as the build prints it
    found: Report  # warnings and notes about the seeds
    set_aside: tuple[int, int]  # (duplicates, skipped) seeds
    seeds: tuple  # what became of each seed (content/outcomes.py), for the review page


# An import's outcome (pairing decisions, warnings and notes), by what it depends on: a build whose
# seeds and content files' seed lines did not change replays it instead of reading every seed.
IMPORT = Memo("import", key=import_signature)


def import_or_replay(options: Options, report: Report, cache: BuildCache, seeds: list, content: dict[str, bytes],
                     meanwhile: Callable[[], object] = lambda: None) -> tuple[Imported, list[str], dict[str, bytes]]:
    """Import seeds into content/ (unless options.import_seeds is off), or replay the last import's
    outcome when nothing it reads changed; returns what it decided (Imported), the news of this
    import (files written, also noted in report) and the content files as they are now.

    seeds: seed_stats of the seeds folder; content: read_content of content/; meanwhile: work for
    this process while the import runs (if it runs apart: import_seeds)."""
    replay, news = Imported((), Report(), (0, 0), ()), []
    if options.import_seeds:
        replay = IMPORT.get(cache, IMPORT.key(seeds, content, cache))
    if replay is MISSING:
        replay, written = import_seeds(options, content, len(seeds), meanwhile)
        news = written.notes  # "imported …" is news once, not on every replay
        report.notes.extend(news)
        content = read_content_again(options, cache)  # with the files just written
        IMPORT.put(cache, IMPORT.key(seeds, content, cache), replay)
    report.warnings.extend(replay.found.warnings)
    report.notes.extend(replay.found.notes)
    return replay, news, content


def import_seeds(options: Options, content: dict[str, bytes], seed_count: int,
                 meanwhile: Callable[[], object]) -> tuple[Imported, Report]:
    """Run the import (run_import) and write the content files it chose; returns what a replay
    repeats and the notes of the files written.

    Past FORK_MIN_SEEDS seeds it runs in a forked process of its own (which forks the seeds'
    readers), while this one runs meanwhile(): what the import allocates, and the holes it leaves
    in a heap, go with that process. At 100,000 articles they left this process 2 GB of mostly
    empty pymalloc arenas, the floor of every worker forked later."""
    if seed_count < FORK_MIN_SEEDS or not may_fork():
        return run_import(options, decode_existing(content), meanwhile)
    with start_forked(lambda _: run_import(options, decode_existing(content), lambda: None), [None], 1,
                      nested=True) as importing:
        meanwhile()
        return importing.results()[0]


def run_import(options: Options, existing: dict[str, str], meanwhile: Callable[[], object]) -> tuple[
        Imported, Report]:
    """Read every seed (meanwhile() runs here while workers do), set aside duplicates and other
    languages, pair the rest, and write the content files that are new or stale.

    Returns what a replay repeats (Imported) and the notes of the files written. Each file's text
    is made as it is written, from its seed's body, kept compressed until then (pack_body): at
    100,000 articles the texts and bodies, held whole, were 4.7 GB at the import's peak."""
    from diglot.content.outcomes import seed_outcomes
    from diglot.seeds.pairing import pair_drafts  # only an import that cannot be replayed needs these; the workers inherit them
    from diglot.seeds.triage import triage_drafts

    found, written = Report(), Report()
    paths = sorted((Path(entry.path) for entry in os.scandir(options.seeds)
                    if not entry.name.startswith(".") and entry.is_file()), key=lambda path: path.name) \
        if options.seeds.is_dir() else []
    drafts, profiles, bodies, keys, unreadable = [], {}, {}, {}, 0
    with start_forked(try_read_seed, paths, FORK_MIN_SEEDS) as reading:
        meanwhile()
        outcomes = reading.results()
    for path, outcome in zip(paths, outcomes):
        if isinstance(outcome, str):
            found.warn(f"seeds/{path.name}", outcome)
            unreadable += 1
            continue
        draft, profile, body, draft_keys = outcome
        drafts.append(draft)
        profiles[draft.seed], bodies[draft.seed], keys[draft.seed] = profile, body, draft_keys
        for note in draft.notes:
            found.note(f"seeds/{path.name}: {note}")
    del outcomes
    triage = triage_drafts(drafts, LANGUAGES, keys)
    for aside in triage.set_aside:
        found.warn(f"seeds/{aside.seed}", aside.what, aside.fix)
    pairing = pair_drafts(triage.kept, profiles=profiles,
                          map_items=lambda function, items: map_forked(function, items, FORK_MIN_DRAFTS))
    planned: dict[str, str] = {}  # each planned file's name, by seed

    def each_planned() -> Iterator[Planned]:
        """plan_import's files, each noted in planned, each made from its body (handed over)."""
        for item in plan_import(pairing, existing, lambda draft: unpack_body(bodies.pop(draft.seed)),
                                triage.replaced):
            planned[item.seed] = item.name
            yield item

    write_content(options.content, import_texts(each_planned(), existing, written))
    found.warnings.extend(written.warnings)
    written.warnings = []
    duplicates = sum(aside.kind == "duplicate" for aside in triage.set_aside)
    skipped = unreadable + len(triage.set_aside) - duplicates
    per_seed = seed_outcomes([path.name for path in paths], pairing, planned)
    return Imported(tuple(pairing.decisions), found, (duplicates, skipped), per_seed), written


def try_read_seed(path: Path):
    """The seed's Draft with what pairing, duplicate finding and the import make of its text (its
    profile, keys and Markdown body: made here, on every core), or the reason it holds no article.

    The draft comes back with its first paragraph only (what a title is made from when it has
    none): its text travels once, as the body (pack_body)."""
    from diglot.content.importer import draft_body
    from diglot.seeds.duplicates import draft_keys
    from diglot.seeds.pairing import profile_draft
    from diglot.seeds.parse import SeedError

    try:
        draft = read_seed(path)
    except SeedError as exc:
        return exc.reason
    return replace(draft, paragraphs=draft.paragraphs[:1]), profile_draft(draft), pack_body(draft_body(draft)), \
        draft_keys(draft)


def pack_body(body: str) -> bytes:
    """A draft's Markdown body as the import keeps it until its file is written: UTF-8, compressed
    (zlib's fastest level). Held as text, the bodies were 1.1 GB or more at 100,000 articles (two
    bytes a character for a text with a curly quote); compressed, about a third of their UTF-8."""
    return zlib.compress(body.encode("utf-8"), 1)


def unpack_body(packed: bytes) -> str:
    """The body pack_body packed."""
    return zlib.decompress(packed).decode("utf-8")


def read_seed(path: Path):
    """Read, decode and parse one seed file (a Draft); raise SeedError if it holds no article."""
    from diglot.seeds.parse import SeedError, draft_of

    try:
        data = read_bytes(path)
    except OSError as error:
        raise SeedError(path.name, f"cannot be read ({error.strerror}); check that it is a "
                                   "readable file") from None
    return draft_of(data, path.name)
