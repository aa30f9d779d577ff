"""Sentence alignment inside segments: accuracy on diglot's English–French gold set and on the public
Text+Berg German–French test set, and the beads' confidence."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from diglot.model.sentalign import align_segments, align_sentences, is_confident

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("sentence_alignment_bench", ROOT / "bench" / "sentence_alignment.py")
bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)


def test_gold_set_has_twenty_articles_with_every_kind_of_bead():
    articles = bench.read_gold(bench.GOLD.read_text(encoding="utf-8"))
    kinds = {(len(u[0]), len(u[1])) for *_, units in articles for u in units}
    assert len(articles) >= 20
    assert {(2, 1), (1, 2), (1, 0), (0, 1)} <= kinds


def test_gold_set_strict_f1_is_at_least_095():
    figures = bench.run_gold()
    assert figures["strict"] >= 0.95, figures


@pytest.mark.skipif(not bench.TEXTBERG.is_dir(), reason="Text+Berg is not beside the checkout (../shared/benchmarks)")
def test_textberg_strict_f1_is_at_least_085_without_embeddings():
    figures = bench.run_textberg(bench.TEXTBERG)
    assert figures["strict"] >= 0.85 and figures["lax"] >= 0.93, figures


def test_a_merged_translation_is_one_bead_with_both_sentences():
    left = ["The bank cut its rate to 3.25 per cent on Thursday.", "It was the third cut this year.",
            "Markets had expected the move."]
    right = ["La banque a abaissé jeudi son taux à 3,25 %, sa troisième baisse cette année.",
             "Les marchés s'attendaient à cette décision."]
    beads = align_sentences(left, right)
    assert [(b.left, b.right) for b in beads] == [((0, 1), (0,)), ((2,), (1,))]
    assert is_confident(beads)


def test_unrelated_text_is_not_confident():
    left = ["Short.", "A much longer English sentence about the weather in Brittany and its storms."]
    right = ["Une phrase française assez longue qui parle de tout autre chose, sans aucun rapport avec "
             "l'autre côté, et qui continue encore longtemps pour que les longueurs ne collent pas du tout.",
             "Voilà."]
    assert not is_confident(align_sentences(left, right))


def test_of_two_equally_likely_alignments_the_later_sentence_is_paired():
    # Both English sentences are 31 characters and share nothing with the French one: leaving
    # either alone costs the same. The tie goes to the 1-1 bead last in the chain, as the DP tries
    # the 1-1 before a sentence left alone; the pages' sentence IDs depend on this staying put.
    left = ["The bank cut rates on Thursday.", "It was the third cut this year."]
    right = ["C'était la troisième baisse."]
    [beads] = align_segments([left], [right], [((0,), (0,))])
    assert [(bead.left, bead.right) for bead in beads] == [((0,), ()), ((1,), (0,))]
