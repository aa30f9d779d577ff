"""The import step: seeds become content files (read on every core, paired, planned, written), or the
last import is replayed when nothing it reads has changed.

It needs none of the libraries of the later steps (steps.py: Jinja2, Babel, lunr), so the build
loads those while the workers read the seeds.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, NamedTuple

from diglot.build.cache import BuildCache, digest
from diglot.build.memo import MISSING, Memo
from diglot.build.content_files import write_content
from diglot.content.importer import decode_existing, front_matter_part, import_texts, plan_import
from diglot.errors import Report
from diglot.build.fileio import read_bytes
from diglot.build.parallel import map_forked, start_forked
from diglot.build.inputs import content_hashes
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


@contextmanager
def importing(options: Options, report: Report, cache: BuildCache, seeds: list, content: dict[str, bytes],
              meanwhile: Callable[[], object] = lambda: None):
    """Import seeds into content/ (unless options.import_seeds is off), or replay the last import's
    outcome when nothing it reads changed; yields what it decided (Imported), the news of this import
    (files written, also noted in report), the content files as they are now, and a function that
    waits until the new files are written (the caller's cue that it has parsed them).

    seeds: seed_stats of the seeds folder; content: read_content of content/; meanwhile: work for
    this process while the workers read the seeds (if they do). A forked worker
    writes the new content files while the block runs (on the idle core, while the content is
    parsed: they alone were a fifth of a second of the import); they are on disk when the block is
    left, even by an error."""
    writing, replay, news = None, Imported((), Report(), (0, 0), ()), []

    def settle() -> None:
        """Wait for the writer (redoing here whatever it could not write), then let go of its copy
        of the new files' bytes (a cold build's whole content: 850 MB at 100,000 articles)."""
        nonlocal writing
        if writing:
            writing.results()
            writing = None

    try:
        if options.import_seeds:
            replay = IMPORT.get(cache, IMPORT.key(seeds, content, cache))
        if replay is MISSING:
            replay, written, texts = run_import(options, decode_existing(content), meanwhile)
            # The writer gets the very bytes the build then parses, and each text goes as it is
            # encoded (at 10,000 articles they are 120 MB: not held twice, as text and bytes).
            files = {name: texts.pop(name).encode("utf-8") for name in list(texts)}
            if files:
                writing = start_forked(lambda files: write_content(options.content, files), [files], min_items=1)
            news = written.notes  # "imported …" is news once, not on every replay
            report.notes.extend(news)
            content = dict(sorted({**content, **files}.items()))
            del files  # the writer's copy goes with settle()
            IMPORT.put(cache, IMPORT.key(seeds, content, cache), replay)
        report.warnings.extend(replay.found.warnings)
        report.notes.extend(replay.found.notes)
        # The caller may let go of the content's bytes once it has parsed them: this frame, which
        # lives as long as the block, keeps none (at 100,000 articles they are 850 MB).
        held = [content]
        del content
        yield replay, news, held.pop(), settle
    finally:
        settle()


def run_import(options: Options, existing: dict[str, str], meanwhile: Callable[[], object]) -> tuple[
        Imported, Report, dict[str, str]]:
    """Read every seed (meanwhile() runs here while workers do), set aside duplicates and other
    languages, pair the rest, and choose the content files to write: new ones, or stale ones.

    Returns what a replay repeats (Imported), the notes of files to write and their texts."""
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
    # Each body is handed over to its file's text, so the two are not both held for every file.
    planned = plan_import(pairing, existing, lambda draft: bodies.pop(draft.seed), triage.replaced)
    bodies.clear()  # the bodies of seeds set aside
    texts = import_texts(planned, existing, written)
    found.warnings.extend(written.warnings)
    written.warnings = []
    duplicates = sum(aside.kind == "duplicate" for aside in triage.set_aside)
    skipped = unreadable + len(triage.set_aside) - duplicates
    per_seed = seed_outcomes([path.name for path in paths], pairing, planned)
    return Imported(tuple(pairing.decisions), found, (duplicates, skipped), per_seed), written, texts


def try_read_seed(path: Path):
    """The seed's Draft with what pairing, duplicate finding and the import make of its text (its
    profile, keys and Markdown body: made here, on every core), or the reason it holds no article.

    The draft comes back with its first paragraph only (what a title is made from when it has
    none): its text travels once, as the body. With this, the body handed over to its file's text
    and each text let go of once encoded, the import's peak at 10,000 articles fell from 547 MiB
    to 454 (bench/build_stages.py)."""
    from diglot.content.importer import draft_body
    from diglot.seeds.duplicates import draft_keys
    from diglot.seeds.pairing import profile_draft
    from diglot.seeds.parse import SeedError

    try:
        draft = read_seed(path)
    except SeedError as exc:
        return exc.reason
    return replace(draft, paragraphs=draft.paragraphs[:1]), profile_draft(draft), draft_body(draft), draft_keys(draft)


def read_seed(path: Path):
    """Read, decode and parse one seed file (a Draft); raise SeedError if it holds no article."""
    from diglot.seeds.parse import SeedError, draft_of

    try:
        data = read_bytes(path)
    except OSError as error:
        raise SeedError(path.name, f"cannot be read ({error.strerror}); check that it is a "
                                   "readable file") from None
    return draft_of(data, path.name)
