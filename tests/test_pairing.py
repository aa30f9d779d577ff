"""Pairing seeds across languages: each article shows up once, with its real translation."""
from __future__ import annotations

import random
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.seeds.features import _EN_ONLY_CAPITALS as EN_ONLY_CAPITALS
from diglot.seeds.features import NAME_KEY_LENGTH, extract_names, extract_numbers, fold_accents
from diglot.seeds.pairing import Pairing, pair_drafts, score_pair
from diglot.build.import_step import read_seed
from diglot.seeds.parse import Draft, parse_seed

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "bench"))
import corpus as bench_corpus  # noqa: E402  (bench/ is scripts, not a package)


def draft(seed: str, language: str, paragraphs, title=None, date=None) -> Draft:
    """A Draft with only what pairing reads filled in."""
    return Draft(seed=seed, sha256="0" * 64, language=language, section=None, title=title,
                 date=date, date_line=None, credits=(), paragraphs=tuple(paragraphs),
                 source=None, notes=())


def seed_draft(name: str, language: str, head: int) -> Draft:
    """A Draft of a real seed: blank-line blocks after the header lines, without the source."""
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    blocks = "\n".join(lines[head:-1]).split("\n\n")
    return draft(name, language, [b.strip() for b in blocks if b.strip()])


REAL_EN = seed_draft("000_93e1ece940e5cf34.txt", "en", 6)
REAL_FR = seed_draft("003_8b9f4e886e0ac533.txt", "fr", 3)

# (English, French) spellings, including ones a 4-letter key cannot join (Beijing/Pékin).
NAMES = [("China", "Chine"), ("Chinese", "Chinois"), ("Russia", "Russie"), ("France", "France"),
         ("Paris", "Paris"), ("Japan", "Japon"), ("Italy", "Italie"), ("Mexico", "Mexique"),
         ("Brazil", "Brésil"), ("India", "Inde"), ("Africa", "Afrique"), ("Moscow", "Moscou"),
         ("London", "Londres"), ("Geneva", "Genève"), ("Egypt", "Égypte"), ("Syria", "Syrie"),
         ("Ukraine", "Ukraine"), ("Iran", "Iran"), ("Israel", "Israël"), ("Taiwan", "Taïwan"),
         ("Europe", "Europe"), ("Beijing", "Pékin"), ("Germany", "Allemagne"), ("Spain", "Espagne"),
         ("Macron", "Macron"), ("Canada", "Canada"), ("Shanghai", "Shanghai"), ("Korea", "Corée"),
         ("Vietnam", "Vietnam"), ("Australia", "Australie"), ("Tokyo", "Tokyo"), ("Wang", "Wang"),
         ("Zhang", "Zhang"), ("Huawei", "Huawei"), ("Tesla", "Tesla"), ("Kenya", "Kenya"),
         ("Nigeria", "Nigéria"), ("Peru", "Pérou"), ("Chile", "Chili"), ("Norway", "Norvège")]


def number_pair(rng) -> tuple[str, str]:
    """A number as English and as French write it (years and days common, big ones rare)."""
    kind = rng.random()
    if kind < 0.35:
        value = str(rng.randint(2018, 2024))
        return value, value
    if kind < 0.65:
        value = str(rng.randint(1, 31))
        return value, value
    if kind < 0.85:
        value = rng.randint(1_000, 900_000)
        return f"{value:,}", f"{value:,}".replace(",", "\u202f")
    whole, tenth = rng.randint(1, 99), rng.randint(1, 9)
    return f"{whole}.{tenth}", f"{whole},{tenth}"


def filler(rng, count: int) -> str:
    return " ".join(rng.choice(["lorem", "ipsum", "dolor", "amet", "sed", "ut", "nisi", "velit"])
                    for _ in range(count))


def sentence_pair(rng, topic_names) -> tuple[str, str]:
    """One English sentence and its 'translation': same names and numbers, 1.2× longer."""
    en, fr = [f"the {filler(rng, 5)}"], [f"le {filler(rng, 6)}"]
    if rng.random() < 0.6:
        name_en, name_fr = rng.choice(topic_names)
        en.append(f"in {name_en}")
        fr.append(f"en {name_fr}")
    if rng.random() < 0.5:
        number_en, number_fr = number_pair(rng)
        en.append(f"with {number_en} {filler(rng, 3)}")
        fr.append(f"avec {number_fr} {filler(rng, 4)}")
    return "It was " + " ".join(en) + ".", "Il " + " ".join(fr) + "."


def person(rng) -> tuple[str, str]:
    """A made-up proper name; people and companies keep their name across languages."""
    name = "".join(rng.choice(["ka", "lo", "vi", "ren", "sto", "mar", "del", "quin", "zu", "bor"])
                   for _ in range(3)).capitalize()
    return name, name


def article_pair(rng, key: str) -> tuple[Draft, Draft]:
    """A synthetic EN article about China, places and people, and its French version."""
    topic = [NAMES[0]] + rng.sample(NAMES[1:], 3) + [person(rng) for _ in range(2)]
    en_paragraphs, fr_paragraphs = [], []
    for _ in range(rng.randint(3, 8)):
        sentences = [sentence_pair(rng, topic) for _ in range(rng.randint(2, 4))]
        en_paragraphs.append(" ".join(s[0] for s in sentences))
        fr_paragraphs.append(" ".join(s[1] for s in sentences))
    return draft(f"{key}_en.txt", "en", en_paragraphs), draft(f"{key}_fr.txt", "fr", fr_paragraphs)


def corpus(rng, pairs: int, decoys: int) -> tuple[list[Draft], set[tuple[str, str]]]:
    """True pairs (seed names shuffled so numbering says nothing) plus one-sided decoys."""
    drafts, truth = [], set()
    for k in range(pairs):
        en, fr = article_pair(rng, f"p{k:04d}")
        drafts += [en, fr]
        truth.add((en.seed, fr.seed))
    for k in range(decoys):
        en, _ = article_pair(rng, f"den{k:04d}")
        _, fr = article_pair(rng, f"dfr{k:04d}")
        drafts += [en, fr]
    rng.shuffle(drafts)
    return drafts, truth


def found(pairing: Pairing) -> set[tuple[str, str]]:
    return {(p.original.seed, p.translation.seed) for p in pairing.pairs}


def test_real_seed_pair_is_found():
    pairing = pair_drafts([REAL_FR, REAL_EN])
    assert found(pairing) == {(REAL_EN.seed, REAL_FR.seed)}
    assert pairing.singles == ()
    assert pairing.decisions[0].startswith(
        "paired 000_93e1ece940e5cf34.txt (en) ↔ 003_8b9f4e886e0ac533.txt (fr)  score ")


def test_synthetic_pairs_found_without_false_pairs():
    drafts, truth = corpus(random.Random(1993), pairs=60, decoys=20)
    pairing = pair_drafts(drafts)
    right = found(pairing) & truth
    assert len(right) >= 59  # measured 60/60
    assert found(pairing) - truth == set()
    assert len(pairing.singles) == 40
    assert len(pairing.decisions) == len(pairing.pairs) + len(pairing.singles)


def test_pairs_are_one_to_one_and_cross_language():
    en, fr = REAL_EN, REAL_FR
    twin_fr = draft("999_twin.txt", "fr", fr.paragraphs)
    twin_en = draft("998_twin.txt", "en", en.paragraphs)
    pairing = pair_drafts([en, fr, twin_fr, twin_en])
    assert len(pairing.pairs) == 2
    for pair in pairing.pairs:
        assert (pair.original.language, pair.translation.language) == ("en", "fr")
    seeds = [p.original.seed for p in pairing.pairs] + [p.translation.seed for p in pairing.pairs]
    assert len(seeds) == len(set(seeds)) == 4


def test_same_language_drafts_never_pair():
    copy = draft("777_copy.txt", "en", REAL_EN.paragraphs)
    pairing = pair_drafts([REAL_EN, copy])
    assert pairing.pairs == ()
    assert {d.seed for d in pairing.singles} == {REAL_EN.seed, copy.seed}


def test_single_explains_its_best_rejected_candidate():
    en = draft("010_en.txt", "en", ["It happened in China in 2024 with Brazil present."])
    fr = draft("011_fr.txt", "fr", ["Un tout autre article sur la Norvège en 1999, 45 000 euros."])
    pairing = pair_drafts([en, fr])
    assert pairing.pairs == ()
    assert pairing.decisions[0].startswith("single 010_en.txt (en)")
    assert any("no candidate" in line or "below threshold" in line for line in pairing.decisions)


def test_result_does_not_depend_on_input_order():
    drafts, _ = corpus(random.Random(5), pairs=20, decoys=5)
    first = pair_drafts(drafts)
    second = pair_drafts(list(reversed(drafts)))
    assert first == second


def test_disagreeing_dates_lower_the_score():
    en_day = draft(REAL_EN.seed, "en", REAL_EN.paragraphs, date=datetime(2024, 5, 10, 15))
    same = draft(REAL_FR.seed, "fr", REAL_FR.paragraphs, date=datetime(2024, 5, 10, 9))
    other = draft(REAL_FR.seed, "fr", REAL_FR.paragraphs, date=datetime(2021, 1, 3))
    assert score_pair(en_day, same) > score_pair(REAL_EN, REAL_FR) > score_pair(en_day, other)


def test_translation_outscores_every_other_french_draft():
    rng = random.Random(11)
    pairs = [article_pair(rng, f"s{k}") for k in range(30)]
    for en, fr in pairs:
        true_score = score_pair(en, fr)
        assert 0.3 < true_score <= 1.0
        assert all(score_pair(en, other) < true_score for _, other in pairs if other is not fr)


def test_thousand_pairs_all_pair():
    drafts, truth = corpus(random.Random(2000), pairs=1000, decoys=0)
    pairing = pair_drafts(drafts)
    assert len(found(pairing) & truth) >= 990


@pytest.fixture(scope="module")
def newspaper():
    """bench/corpus.py's articles (all built from the real seeds' sentences) plus the real seeds."""
    files, key = bench_corpus.generate(300, seed=7)
    drafts = [parse_seed(data.decode("utf-8"), name) for name, data in files.items()]
    drafts += [read_seed(path) for path in sorted(SEEDS.glob("*.txt"))]
    truth = set(key["pairs"].items()) | {("000_93e1ece940e5cf34.txt", "003_8b9f4e886e0ac533.txt")}
    return drafts, truth, key


def test_real_seed_pair_pairs_inside_a_corpus_that_shares_its_words(newspaper):
    drafts, truth, key = newspaper
    pairing = pair_drafts(drafts)
    assert found(pairing) == truth  # every pair, the real one too, and no false pair
    singles = {d.seed for d in pairing.singles}
    assert singles == set(key["en_only"]) | set(key["fr_only"])
    real = [line for line in pairing.decisions if line.startswith("paired 000_93e1ece940e5cf34.txt")]
    assert len(real) == 1 and " score 0." in real[0] and " by " in real[0]


def test_newspaper_corpus_pairs_the_same_whatever_the_file_order(newspaper):
    drafts, _, _ = newspaper
    shuffled = list(drafts)
    random.Random(3).shuffle(shuffled)
    assert pair_drafts(shuffled) == pair_drafts(drafts)


def test_scoring_in_rounds_that_keep_only_the_candidates_decisions_read_decides_as_keeping_all(newspaper, monkeypatch):
    from diglot.seeds import candidates, pairing as module
    synthetic, _ = corpus(random.Random(5), pairs=150, decoys=40)  # singles: their best rejected candidates
    for drafts in (newspaper[0], synthetic):
        monkeypatch.setattr(candidates, "SCORE_ROUND", 7)  # many rounds
        kept = pair_drafts(drafts)
        monkeypatch.setattr(module, "needed_candidates", lambda candidates_of, english, threshold, map_items=map: [
            found for scored in map_items(candidates_of, english) for found in scored])
        every = pair_drafts(drafts)
        monkeypatch.undo()
        assert kept == every and any(" best candidate " in line for line in kept.decisions)
        assert any("second pass" in line for line in kept.decisions)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([0.0, 0.2, 0.44, 0.45, 0.47, 0.5, 0.52, 0.9])),
                unique_by=lambda found: found[:2]))
@settings(max_examples=300, deadline=None)
def test_the_candidates_kept_make_the_decisions_every_candidate_makes(scored):
    from diglot.seeds import pairing as module
    matches = {e: [module._Match(score, e, f, score, 1.0, 1.0, 1.0, True) for e2, f, score in scored if e2 == e]
               for e in range(6)}
    every = [found for e in range(6) for found in matches[e]]
    english = [draft(f"e{n}", "en", []) for n in range(6)]
    french = [draft(f"f{n}", "fr", []) for n in range(6)]
    for threshold in (0.3, module.FALLBACK_THRESHOLD):  # the first pass's, the second's
        kept = module.needed_candidates(matches.__getitem__, range(6), threshold)
        assert module.choose_pairs(kept, english, french, threshold) == module.choose_pairs(every, english, french, threshold)
        assert module.choose_pairs(module.clear_winners(kept), english, french, threshold) == \
            module.choose_pairs(module.clear_winners(every), english, french, threshold)
        singles = english + french
        assert module.best_rejected(kept, english, french, singles) == module.best_rejected(every, english, french, singles)


def test_same_words_in_another_paragraph_order_do_not_take_the_translation():
    # Every number and name of the real pair is in each decoy, so no word is
    # rare; the decoys sort first, so a tie on words alone would pick one.
    rng = random.Random(4)
    decoys = []
    for k in range(20):
        order = list(range(len(REAL_EN.paragraphs)))
        rng.shuffle(order)
        decoys.append(draft(f"0000_decoy{k:02d}.txt", "en", [REAL_EN.paragraphs[i] for i in order]))
    pairing = pair_drafts(decoys + [REAL_EN, REAL_FR])
    assert found(pairing) == {(REAL_EN.seed, REAL_FR.seed)}
    line = pairing.decisions[0]
    assert line.startswith(f"paired {REAL_EN.seed} (en) ↔ {REAL_FR.seed} (fr)  score 0.")
    assert "paragraph shape" in line


def test_a_translation_that_merges_two_paragraphs_still_pairs():
    merged = list(REAL_FR.paragraphs)
    merged[2:4] = [merged[2] + " " + merged[3]]
    translation = draft(REAL_FR.seed, "fr", merged)
    pairing = pair_drafts([REAL_EN, translation])
    assert found(pairing) == {(REAL_EN.seed, REAL_FR.seed)}


@pytest.mark.parametrize("english, french", [
    ("400,000 people", "400 000 personnes"),
    ("400,000 people", "400\u202f000 personnes"),
    ("400000 people", "400\u00a0000 personnes"),
    ("grew 7.6 percent", "a crû de 7,6 %"),
    ("on July 1, 2023", "le 1er juillet 2023"),
    ("1,234.5 tonnes", "1 234,5 tonnes"),
])
def test_numbers_match_across_conventions(english, french):
    assert extract_numbers(english) == extract_numbers(french) != ()


def test_a_year_next_to_a_count_stays_two_numbers():
    assert extract_numbers("en 2023 100 personnes") == ("2023", "100")


def test_names_meet_across_languages_but_sentence_starts_do_not_count():
    assert extract_names("Trade with China grew.") == extract_names("Le commerce avec la Chine.")
    assert extract_names("They met Chinese officials") == extract_names("Ils ont vu les Chinois")
    assert extract_names("The talks. Then they left.") == ()
    assert extract_names("It rained in May and on Friday.") == ()
    assert extract_names("la sécurité d'État") == ("etat",)


def test_accent_fold():
    assert fold_accents("Égypte") == "egypte"
    assert fold_accents("Israël") == "israel"


# ---- features: the fast paths find exactly what the plain definitions find ------------------------

def names_by_definition(text: str) -> tuple[str, ...]:
    """Name keys the slow, obvious way: each capital checked with a regex on what precedes it."""
    keys = []
    for match in re.finditer(r"[A-ZÀ-ÖØ-ÞŒ][^\W\d_]*", text):
        word, start = match.group(), match.start()
        before = text[max(0, start - 3):start]
        if start and re.match(r"[^\W\d_]", text[start - 1]):
            continue
        if before.endswith(("'", "\u2019")):
            if not (start >= 2 and re.match(r"[^\W\d_]", text[start - 2])):
                continue
        elif re.search(r"[.!?:;«»\"“”(\[—–\n]\s*$|^\s*$", before):
            continue
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold())
                         if not unicodedata.combining(ch))
        if folded not in EN_ONLY_CAPITALS:
            keys.append(folded[:NAME_KEY_LENGTH])
    return tuple(keys)


GROUP_SEPARATORS = ",.'\u2019 \u00a0\u202f\u2009"  # as EN and FR news write thousands


def digits_from(text: str, start: int) -> int:
    """Where the run of decimal digits starting at start ends."""
    end = start
    while end < len(text) and text[end].isdecimal():
        end += 1
    return end


def read_number(text: str, start: int) -> tuple[str, str, int]:
    """The number whose first digit is at start, by its definition: a lead of 1-3 digits then whole
    groups of a separator and exactly 3 digits (`400 000`), else the whole digit run; then an
    optional decimal part (`.5`, `,5`). Returns its integer part, decimal part and end."""
    end = digits_from(text, start)
    if end - start <= 3:
        grouped = end
        while grouped + 4 <= len(text) and text[grouped] in GROUP_SEPARATORS \
                and digits_from(text, grouped + 1) == grouped + 4:
            grouped += 4
        end = grouped
    fraction = ""
    if end + 1 < len(text) and text[end] in ".," and text[end + 1].isdecimal():
        fraction = text[end + 1:digits_from(text, end + 1)]
        return text[start:end], fraction, end + 1 + len(fraction)
    return text[start:end], fraction, end


def numbers_by_definition(text: str) -> tuple[str, ...]:
    """Numbers the slow, obvious way, scanning left to right (no regex): every digit of each number
    kept, separators dropped, leading zeros of the whole and trailing zeros of the fraction dropped."""
    numbers, at = [], 0
    while at < len(text):
        if not text[at].isdecimal():
            at += 1
            continue
        integer, fraction, at = read_number(text, at)
        whole = "".join(ch for ch in integer if ch.isdecimal()).lstrip("0") or "0"
        fraction = fraction.rstrip("0")
        numbers.append(f"{whole}.{fraction}" if fraction else whole)
    return tuple(numbers)


FEATURE_TEXT = (st.text(alphabet="aéÉAŒœLlJMay ,.'’:;!?«»\n\t\u00a0\u2009(—0123456789²٣", max_size=40)
                | st.text(max_size=30))


@settings(max_examples=1500, deadline=None)
@given(FEATURE_TEXT)
def test_extract_names_finds_what_its_definition_finds(text):
    assert extract_names(text) == names_by_definition(text)


@settings(max_examples=1000, deadline=None)
@given(FEATURE_TEXT)
def test_extract_numbers_finds_what_its_definition_finds(text):
    assert extract_numbers(text) == numbers_by_definition(text)


@settings(max_examples=1000, deadline=None)
@given(FEATURE_TEXT)
def test_a_number_never_passes_for_a_name(text):
    # Features go untagged into one set: "2024" from a number and from a name must never meet.
    assert not set(extract_numbers(text)) & set(extract_names(text))


@pytest.mark.parametrize("text", [
    "a.\n Paris", "x\n Paris", "x \u00a0Paris", "Paris", " Paris", "l'État", "1'État", "iPhone", "May Day",
    "in Mai (Paris) «Lyon»", "400 000 and 400,000.50 or 2023 100 and ٣٣",
])
def test_features_match_their_definitions_on_tricky_strings(text):
    assert (extract_names(text), extract_numbers(text)) == (names_by_definition(text), numbers_by_definition(text))


def test_features_match_their_definitions_on_the_real_seeds():
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert extract_names(text) == names_by_definition(text)
        assert extract_numbers(text) == numbers_by_definition(text)
