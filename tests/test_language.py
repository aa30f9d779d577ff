"""English/French detection: the real seeds, short strings, French punctuation cues."""
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.seeds.language import ENGLISH_WORDS, FRENCH_WORDS, count_votes, detect_language

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_english_seed_is_detected_as_english_with_high_confidence():
    text = (SEEDS / "000_93e1ece940e5cf34.txt").read_text(encoding="utf-8")
    language, confidence = detect_language(text)
    assert language == "en" and confidence > 0.95


def test_french_seed_is_detected_as_french_despite_its_english_credit_line():
    text = (SEEDS / "003_8b9f4e886e0ac533.txt").read_text(encoding="utf-8")
    language, confidence = detect_language(text)
    assert language == "fr" and confidence > 0.95


@pytest.mark.parametrize("text, expected", [
    ("The ministry said it was a warning to the public.", "en"),
    ("What time is it?", "en"),
    ("Foreign spies have been active for years.", "en"),
    ("Le ministère a publié un article vendredi.", "fr"),
    ("Quelle heure est-il ?", "fr"),
    ("Les espions étrangers sont actifs depuis des années.", "fr"),
    ("l'espionnage d'État", "fr"),
    ("Des individus « amicaux »", "fr"),
])
def test_short_strings_take_their_language(text, expected):
    assert detect_language(text)[0] == expected


def test_space_before_colon_is_a_french_cue():
    assert detect_language("Photo : VCG")[0] == "fr"
    assert detect_language("Photo\u00a0: VCG")[0] == "fr"
    assert detect_language("Photo: VCG")[0] == "en"


def test_text_without_evidence_is_reported_as_a_guess():
    assert detect_language("") == ("en", 0.5)
    assert detect_language("VCG 2024") == ("en", 0.5)


def test_more_evidence_gives_more_confidence():
    short = detect_language("Le chat dort.")[1]
    longer = detect_language("Le chat dort dans la maison et il ne bouge pas.")[1]
    assert 0.5 < short < longer <= 1.0


# ---- count_votes counts exactly what the plain word-by-word definition counts -----------------

def count_votes_by_definition(text):
    """The cues counted the slow, obvious way: every word, every elision, every mark."""
    words = Counter(re.findall(r"[^\W\d_]+", text.lower()))
    english = sum(words[word] for word in ENGLISH_WORDS)
    french = sum(words[word] for word in FRENCH_WORDS)
    french += sum(n for word, n in words.items() if not set("éèêëàâçùûîïôœ").isdisjoint(word))
    french += len(re.findall(r"(?<![^\W\d_])(?:[cdjlmnst]|qu)['’](?=[^\W\d_])", text, re.IGNORECASE))
    french += len(re.findall(r"[ \u00a0\u202f][:;!?](?!\S)|[«»]", text))
    return {"en": english, "fr": french}


CUE_ALPHABET = "abcdeilmnoqrstuéèçœÉÈÇŒİſK" + "'’«» \u00a0\u202f\u3000\u2028\x1c\t:;!?.,-_1²٣\n"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=CUE_ALPHABET, max_size=60) | st.text(max_size=40))
def test_count_votes_matches_its_definition(text):
    assert count_votes(text) == count_votes_by_definition(text)


def test_word_lists_hold_only_words():
    assert all(word.isalpha() for word in ENGLISH_WORDS | FRENCH_WORDS)


@pytest.mark.parametrize("text", [
    "l'État qu'il d'Europe QU'ELLE s'en c’est", "xl'a aqu'il l' l'1 ſ'a",
    "Quoi ? Non ! a : b ;c « d » ? !?", "préféré été ÉTÉ œuvre", "the and THE le la Les", "the,the\u3000le\x1cla\u2028of²the 1the_le",
])
def test_count_votes_matches_its_definition_on_tricky_strings(text):
    assert count_votes(text) == count_votes_by_definition(text)


def test_count_votes_matches_its_definition_on_the_real_seeds():
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert count_votes(text) == count_votes_by_definition(text)


def test_an_english_article_whose_longest_paragraph_quotes_french_stays_english():
    # The quotation makes the third paragraph French by its cues (guillemets, accents, elisions),
    # and that paragraph is the article's longest: weighed paragraph by paragraph, the article
    # came out French; weighed sentence by sentence, English, as most of its text is.
    article = "\n\n".join([
        "Stolen paintings recovered in Lyon",
        "Paintings stolen from a museum were recovered on Monday, police said.",
        "Two men were arrested and will appear before a judge on Friday.",
        "The director thanked the investigators. A curator said: « C'est une excellente nouvelle "
        "pour le patrimoine européen, et nous attendons avec impatience le retour des tableaux "
        "qu'on croyait perdus à jamais. »",
    ])
    assert detect_language(article)[0] == "en"
