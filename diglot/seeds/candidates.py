"""The scored candidates that pairing's decisions read, kept as the drafts are scored in rounds.

Pairing scores every English draft against its candidates (seeds/pairing.py); its decisions
read only the candidates that reach a threshold and each draft's two best. Scoring in rounds
and keeping only those, the import holds one round's candidates at a time, not all of them.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

# English drafts scored per round (at 100,000 pairs, every candidate held at once was over 1 GB).
SCORE_ROUND = 2048


def needed_candidates(candidates_of: Callable[[int], list], english: Sequence[int], threshold: float,
                      map_items: Callable = map) -> list:
    """The scored candidates of these English drafts that a decision reads, by English then French
    draft: those reaching threshold (choose_pairs) and each draft's two best by_score (its best
    rejected one, and clear_winners' best and runner-up). The drafts are scored SCORE_ROUND at a
    time, through map_items, and the other candidates let go between rounds."""
    best_two: dict[tuple[str, int], list] = {}
    kept: dict[tuple[int, int], Any] = {}  # pairing's _Match by (English, French) draft
    for start in range(0, len(english), SCORE_ROUND):
        for found in map_items(candidates_of, english[start:start + SCORE_ROUND]):
            for match in found:
                if match.score >= threshold:
                    kept[match.en, match.fr] = match
                # by_score's order: drafts are in seed order, so their indexes rank as their seeds do
                rank = (-match.score, match.en, match.fr)
                for side in (("en", match.en), ("fr", match.fr)):
                    two = best_two.setdefault(side, [])
                    if len(two) < 2 or rank < two[-1][0]:
                        two.append((rank, match))
                        two.sort(key=lambda ranked: ranked[0])
                        del two[2:]
    for two in best_two.values():
        for _, match in two:
            kept[match.en, match.fr] = match
    return [kept[pair] for pair in sorted(kept)]
