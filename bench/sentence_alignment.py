"""Sentence-alignment accuracy: strict and lax unit F1 on Text+Berg (German–French, sentences given)
and on diglot's own English–French gold set (tests/data/sentalign/).

    .venv/bin/python bench/sentence_alignment.py [--textberg DIR]

Text+Berg is scored as its README says (bfsujason/bertalign's scoring): precision over the aligner's
units (1-0 and 0-1 included), recall over the gold's, 1-0 and 0-1 left out of recall on both sides.
"""
from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diglot.model.align import align_paragraphs  # noqa: E402
from diglot.model.sentalign import align_segments, align_sentences, is_confident  # noqa: E402

GOLD = ROOT / "tests" / "data" / "sentalign" / "gold.txt"
TEXTBERG = ROOT.parent / "shared" / "benchmarks" / "text+berg"
Unit = tuple[tuple[int, ...], tuple[int, ...]]


def read_units(text: str) -> list[Unit]:
    """Units written one a line as `[0, 1]:[2]`."""
    units = []
    for line in text.splitlines():
        if line.strip():
            left, right = line.split(":")
            units.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return units


def _overlaps(unit: Unit, others: list[Unit]) -> bool:
    """Whether some other unit shares a left line and a right line with unit."""
    return any(set(unit[0]) & set(o[0]) and set(unit[1]) & set(o[1]) for o in others)


def score(test: list[Unit], gold: list[Unit]) -> dict[str, float]:
    """Strict and lax precision, recall and F1 of test against gold."""
    gold_set, test_set = set(gold), set(test)
    gold_full = [u for u in gold if u[0] and u[1]]
    test_full = [u for u in test if u[0] and u[1]]
    figures = {}
    for mode in ("strict", "lax"):
        if mode == "strict":
            hits_p = sum(u in gold_set for u in test)
            hits_r = sum(u in test_set for u in gold_full)
        else:
            hits_p = sum(_overlaps(u, gold_full) for u in test_full) + sum(u in gold_set for u in test if not (u[0] and u[1]))
            hits_r = sum(_overlaps(u, test_full) for u in gold_full)
        precision, recall = hits_p / max(len(test), 1), hits_r / max(len(gold_full), 1)
        figures[mode] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return figures


def beads_as_units(beads) -> list[Unit]:
    """The aligner's beads as units."""
    return [(bead.left, bead.right) for bead in beads]


def tagged(units: list[Unit], name: str) -> list[Unit]:
    """Units with each line number tagged by its document, so units of different documents never meet."""
    return [(tuple(f"{name}:{i}" for i in left), tuple(f"{name}:{j}" for j in right)) for left, right in units]


def run_textberg(folder: Path) -> dict[str, float]:
    """Align every Text+Berg document (sentences given) and score all units together."""
    test, gold = [], []
    for path in sorted((folder / "gold").iterdir()):
        left = (folder / "de" / path.name).read_text(encoding="utf-8").splitlines()
        right = (folder / "fr" / path.name).read_text(encoding="utf-8").splitlines()
        test += tagged(beads_as_units(align_sentences(left, right)), path.name)
        gold += tagged(read_units(path.read_text(encoding="utf-8")), path.name)
    return score(test, gold)


def read_gold(text: str) -> list[tuple[str, list[list[str]], list[list[str]], list[Unit]]]:
    """The articles of gold.txt: name, each side's paragraphs (as sentence lists), gold units."""
    articles = []
    for chunk in ("\n" + text).split("\n## ")[1:]:
        name, _, body = chunk.partition("\n")
        parts, part = {"en": [], "fr": [], "gold": []}, None
        for line in body.splitlines():
            if line in parts:
                part = line
            else:
                parts[part].append(line)
        sides = [[p.splitlines() for p in "\n".join(parts[lang]).strip().split("\n\n")] for lang in ("en", "fr")]
        articles.append((name.strip(), *sides, read_units("\n".join(parts["gold"]))))
    return articles


def align_gold_article(left: list[list[str]], right: list[list[str]]):
    """Align an article as a build does: paragraphs into segments, then sentences inside each."""
    segments = align_paragraphs([" ".join(p) for p in left], [" ".join(p) for p in right])
    return align_segments(left, right, segments)


def run_gold(path: Path = GOLD) -> dict[str, float]:
    """Align every gold article; score all units together; count segments that would fall back."""
    test, gold, segments, unsure = [], [], 0, 0
    for name, left, right, units in read_gold(path.read_text(encoding="utf-8")):
        aligned = align_gold_article(left, right)
        segments += len(aligned)
        unsure += sum(not is_confident(beads) for beads in aligned)
        test += tagged([(b.left, b.right) for beads in aligned for b in beads], name)
        gold += tagged(units, name)
    return {**score(test, gold), "segments": segments, "unsure": unsure}


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--textberg", type=Path, default=TEXTBERG)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run_gold()
    print(f"diglot en-fr gold ({GOLD.relative_to(ROOT)}): strict F1 {figures['strict']:.3f}, "
          f"lax F1 {figures['lax']:.3f}; {figures['unsure']} of {figures['segments']} segments not confident")
    figures = run_textberg(args.textberg)
    print(f"Text+Berg de-fr: strict F1 {figures['strict']:.3f}, lax F1 {figures['lax']:.3f} "
          f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
