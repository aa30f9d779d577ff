"""The import step: seeds become content files (read on every core, paired, planned, written), or the
last import is replayed when nothing it reads has changed.

It needs none of the libraries of the later steps (steps.py: Jinja2, Babel, lunr), so the build
loads those while the workers read the seeds.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from diglot.build.cache import MISSING, BuildCache, digest
from diglot.build.content_files import write_content
from diglot.content.importer import decode_existing, front_matter_part, import_texts, plan_import
from diglot.errors import Report
from diglot.build.fileio import read_bytes
from diglot.build.parallel import map_forked, start_forked
from diglot.build.inputs import content_hashes
from diglot.build.options import Options

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


@contextmanager
def importing(options: Options, report: Report, cache: BuildCache, seeds: list, content: dict[str, bytes],
              meanwhile: Callable[[], object] = lambda: None):
    """Import seeds into content/ (unless options.import_seeds is off), or replay the last import's
    outcome when nothing it reads changed; yields the pairing decisions, the news of this import
    (files written, also noted in report), the content files as they are now, and what became of
    each seed (content/outcomes.py; none when seeds are not imported).

    seeds: seed_stats of the seeds folder; content: read_content of content/; meanwhile: work for
    this process while the workers read the seeds (if they do). A forked worker
    writes the new content files while the block runs (on the idle core, while the content is
    parsed: they alone were a fifth of a second of the import); they are on disk when the block is
    left, even by an error."""
    writing, replay, news = None, ((), Report(), ()), []
    try:
        if options.import_seeds:
            table = cache.table("import")
            replay = table.get(import_signature(seeds, content, cache))
        if replay is MISSING:
            replay, written, texts = run_import(options, decode_existing(content), meanwhile)
            if texts:
                writing = start_forked(lambda files: write_content(options.content, files), [texts], min_items=1)
            news = written.notes  # "imported …" is news once, not on every replay
            report.notes.extend(news)
            content = dict(sorted({**content, **{name: text.encode("utf-8") for name, text in texts.items()}}.items()))
            table.put(import_signature(seeds, content, cache), replay)
        decisions, found, outcomes = replay
        report.warnings.extend(found.warnings)
        report.notes.extend(found.notes)
        yield decisions, news, content, outcomes
    finally:
        if writing:
            writing.results()  # redoes here whatever the worker could not write


def run_import(options: Options, existing: dict[str, str], meanwhile: Callable[[], object]) -> tuple[
        tuple[tuple[str, ...], Report, tuple], Report, dict[str, str]]:
    """Read every seed (meanwhile() runs here while workers do), pair them, and choose the content
    files to write: new ones, or stale ones.

    Returns (pairing decisions, what a replay repeats, each seed's outcome), the notes of files to
    write and their texts."""
    from diglot.seeds.pairing import pair_drafts  # only an import that cannot be replayed needs these; the workers inherit them
    from diglot.content.outcomes import seed_outcomes

    found, written = Report(), Report()
    paths = sorted((Path(entry.path) for entry in os.scandir(options.seeds)
                    if not entry.name.startswith(".") and entry.is_file()), key=lambda path: path.name) \
        if options.seeds.is_dir() else []
    drafts, profiles, bodies = [], {}, {}
    with start_forked(try_read_seed, paths, FORK_MIN_SEEDS) as reading:
        meanwhile()
        outcomes = reading.results()
    for path, outcome in zip(paths, outcomes):
        if isinstance(outcome, str):
            found.warn(f"seeds/{path.name}", outcome)
            continue
        draft, profile, body = outcome
        drafts.append(draft)
        profiles[draft.seed], bodies[draft.seed] = profile, body
        for note in draft.notes:
            found.note(f"seeds/{path.name}: {note}")
    pairing = pair_drafts(drafts, profiles=profiles,
                          map_items=lambda function, items: map_forked(function, items, FORK_MIN_DRAFTS))
    planned = plan_import(pairing, existing, bodies)
    texts = import_texts(planned, existing, written)
    found.warnings.extend(written.warnings)
    written.warnings = []
    per_seed = seed_outcomes([path.name for path in paths], pairing, planned)
    return (tuple(pairing.decisions), found, per_seed), written, texts


def try_read_seed(path: Path):
    """The seed's Draft with what pairing and the import make of it (its profile and Markdown
    body: made here, on every core), or the reason it holds no article."""
    from diglot.content.importer import draft_body
    from diglot.seeds.pairing import profile_draft
    from diglot.seeds.parse import SeedError

    try:
        draft = read_seed(path)
    except SeedError as exc:
        return exc.reason
    return draft, profile_draft(draft), draft_body(draft)


def read_seed(path: Path):
    """Read, decode and parse one seed file (a Draft); raise SeedError if it holds no article."""
    from diglot.seeds.parse import SeedError, draft_of

    try:
        data = read_bytes(path)
    except OSError as error:
        raise SeedError(path.name, f"cannot be read ({error.strerror}); check that it is a "
                                   "readable file") from None
    return draft_of(data, path.name)
