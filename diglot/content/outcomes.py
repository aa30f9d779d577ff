"""What the import made of each seed, as a small record the build cache replays and the review page
(render/review.py) lists: paired, single, or not imported (its reasons are the build's warnings
about it). Pure: made from the pairing and the planned content files."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from diglot.seeds.pairing import describe

PAIRED, SINGLE, NOT_IMPORTED = "paired", "single", "not imported"


@dataclass(frozen=True)
class SeedOutcome:
    """One seed's fate: its kind, language, content file and (paired) partner and score.

    detail: the pairing's own words about it, as the build log prints them after the seeds'
    names (a pair's score and cues; a single's best rejected candidate and why)."""

    seed: str
    kind: str
    language: str = ""
    file: str = ""  # content/<slug>.<lang>.md
    partner: str = ""
    score: float | None = None
    detail: str = ""


def seed_outcomes(names: Iterable[str], pairing, planned: Mapping[str, str]) -> tuple[SeedOutcome, ...]:
    """The outcome of every seed in names (seed file names), in name order.

    pairing: pair_drafts' Pairing; planned: the name of each content file plan_import planned, by
    its seed. A seed neither paired nor single was not imported: read errors, duplicates and
    skips are warned about by name."""
    files = {seed: f"content/{name}" for seed, name in planned.items()}
    # A decision line is '<head>  <detail>', its head naming the seeds as describe() does.
    details = dict(line.split("  ", 1) if "  " in line else (line, "") for line in pairing.decisions)
    found = {}
    for pair in pairing.pairs:
        head = f"paired {describe(pair.original)} ↔ {describe(pair.translation)}"
        detail = details.get(head, "").removeprefix(f"score {pair.score:.2f}").strip()
        for draft, other in ((pair.original, pair.translation), (pair.translation, pair.original)):
            found[draft.seed] = SeedOutcome(draft.seed, PAIRED, draft.language, files.get(draft.seed, ""),
                                            other.seed, pair.score, detail)
    for draft in pairing.singles:
        found[draft.seed] = SeedOutcome(draft.seed, SINGLE, draft.language, files.get(draft.seed, ""),
                                        detail=details.get(f"single {describe(draft)}", ""))
    return tuple(found.get(name) or SeedOutcome(name, NOT_IMPORTED) for name in sorted(set(names) | set(found)))
