"""French and English typography: what a reader sees around quotes and punctuation."""
import xml.etree.ElementTree as etree

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diglot.model.typography import NBSP, NNBSP, typeset, typeset_tree

# Pieces that build text where the rules meet each other, URLs, times and numbers.
FRAGMENTS = list("aZé5 0\u00a0\u202f\t\n;:!?%«»\"'.,()-/_@") + [
    "https://example.org/a?b=1", "www.example.fr", "jean@example.fr", "10:30", "7,6", "Il",
    "« ", " »", " :", " ?", "l'", "5'10\"", "<", "&",
]
tricky_text = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)
languages = st.sampled_from(["en", "fr"])

SEED_AMICAUX = (
    "avertissant les ressortissants chinois en poste à l'étranger de se méfier "
    "des individus « amicaux » qui se concentrent généralement sur des groupes clés"
)
SEED_QUOTE = (
    "a noté le ministère dans l'article. «\u00a0Il s'agit à la fois d'une protection "
    "de la sécurité nationale et d'une responsabilité en matière de sécurité personnelle.\u00a0»"
)


def alphanumerics(text: str) -> str:
    """Keep only the letters and digits of `text`."""
    return "".join(c for c in text if c.isalnum())


def test_seed_guillemets_with_plain_space_get_narrow_no_break_spaces():
    assert f"«{NNBSP}amicaux{NNBSP}»" in typeset(SEED_AMICAUX, "fr")


def test_seed_guillemets_with_no_break_space_get_narrow_no_break_spaces():
    result = typeset(SEED_QUOTE, "fr")
    assert result.endswith(f"personnelle.{NNBSP}»")
    assert f"«{NNBSP}Il s’agit" in result
    assert "\u00a0" not in result


def test_french_spaces_before_high_punctuation_and_colon():
    assert typeset("Pourquoi ? Parce que ! Voilà ; fin", "fr") == (
        f"Pourquoi{NNBSP}? Parce que{NNBSP}! Voilà{NNBSP}; fin"
    )
    assert typeset("Photo : VCG", "fr") == f"Photo{NBSP}: VCG"
    assert typeset("Photo: VCG", "fr") == f"Photo{NBSP}: VCG"
    assert typeset("Vraiment?!", "fr") == f"Vraiment{NNBSP}?!"
    assert typeset("Bilan 2023: hausse", "fr") == f"Bilan 2023{NBSP}: hausse"


@pytest.mark.parametrize(
    "text",
    ["rendez-vous à 10:30", "https://example.org/a?b=1", "score 3:2", "15h00", "croissance de 7,6",
     "écrire à contact@example.fr", "voir www.example.fr/page?x=1;y=2", "http://a.fr/x:y",
     "voir WwW.example.fr/page?x=1;y=2"],
)
def test_times_addresses_and_numbers_are_untouched(text):
    assert typeset(text, "fr") == text


def test_percent_takes_a_no_break_space_in_french_only():
    assert typeset("une hausse de 7,6 %", "fr") == f"une hausse de 7,6{NBSP}%"
    assert typeset("une hausse de 7,6%", "fr") == f"une hausse de 7,6{NBSP}%"
    assert typeset("a rise of 7.6%", "en") == "a rise of 7.6%"


def test_punctuation_after_an_address_is_spaced_but_the_address_is_kept():
    assert typeset("Lisez https://example.org/a?b=1 !", "fr") == f"Lisez https://example.org/a?b=1{NNBSP}!"


def test_straight_double_quotes_become_language_quotes():
    assert typeset('aware of "friendly" people', "en") == "aware of “friendly” people"
    assert typeset('des "amicaux" ici', "fr") == f"des «{NNBSP}amicaux{NNBSP}» ici"
    assert typeset('He said: "This is it."', "en") == "He said: “This is it.”"


def test_apostrophes_curl_but_feet_and_inches_stay_straight():
    assert typeset("China's l'État", "en") == "China’s l’État"
    assert typeset("l'espionnage d'État", "fr") == "l’espionnage d’État"
    assert typeset("He is 5'10\" tall", "en") == "He is 5'10\" tall"
    assert typeset("in the '90s", "en") == "in the ’90s"


def test_english_leaves_spacing_alone():
    assert typeset("Why ? Because : reasons « here »", "en") == "Why ? Because : reasons « here »"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="de"):
        typeset("Hallo", "de")


@settings(max_examples=400)
@given(tricky_text, languages)
def test_typeset_is_idempotent(text, lang):
    once = typeset(text, lang)
    assert typeset(once, lang) == once


@settings(max_examples=300)
@given(st.one_of(tricky_text, st.text()), languages)
def test_typeset_never_changes_letters_or_digits(text, lang):
    assert alphanumerics(typeset(text, lang)) == alphanumerics(text)


def build_paragraph(pieces: list[str]) -> etree.Element:
    """Build a <p> whose text alternates between plain runs and <em>/<code> children."""
    paragraph = etree.Element("p")
    paragraph.text = pieces[0] if pieces else None
    for index, piece in enumerate(pieces[1:]):
        child = etree.SubElement(paragraph, "code" if index % 3 == 2 else "em")
        child.text, child.tail = piece, piece[::-1]
    return paragraph


def test_tree_typesets_across_inline_markup_but_not_code_or_attributes():
    paragraph = etree.fromstring(
        '<p>les individus "<em>amicaux</em>" de <a href="https://x.org/?a=1" title="a : b">Li</a> '
        "<code>x = \"y\" ; z</code>: <em>China</em>'s ?</p>"
    )
    typeset_tree(paragraph, "fr")
    assert paragraph.text == f"les individus «{NNBSP}"
    assert paragraph[0].tail == f"{NNBSP}» de "
    assert paragraph[1].get("title") == "a : b"
    assert paragraph[2].text == 'x = "y" ; z'
    assert paragraph[3].tail == f"’s{NNBSP}?"


def test_tree_skips_preformatted_blocks():
    block = etree.fromstring('<pre><code>print("a : b")</code></pre>')
    typeset_tree(block, "fr")
    assert block[0].text == 'print("a : b")'


@settings(max_examples=300)
@given(st.lists(tricky_text, max_size=5), languages)
def test_tree_typesetting_is_idempotent_and_keeps_letters(pieces, lang):
    paragraph = build_paragraph(pieces)
    original = alphanumerics("".join(paragraph.itertext()))
    typeset_tree(paragraph, lang)
    once = etree.tostring(paragraph, encoding="unicode")
    typeset_tree(paragraph, lang)
    assert etree.tostring(paragraph, encoding="unicode") == once
    assert alphanumerics("".join(paragraph.itertext())) == original


@settings(max_examples=400)
@given(tricky_text, languages)
def test_a_run_between_spaces_gets_the_quotes_it_gets_alone(text, lang):
    # Alone, a run takes the shortcut that curls apostrophes in one pass; between spaces (the
    # context of an inline element) it does not: readers must see the same quotes either way.
    # (French spacing rightly depends on the spaces around, so the run holds no mark that takes
    # a space, nor a double quote, which becomes a guillemet.)
    assume(lang == "en" or not any(mark in text for mark in "«»;:!?%\""))
    paragraph = etree.fromstring("<p> <em>x</em> </p>")
    paragraph[0].text = text
    typeset_tree(paragraph, lang)
    assert (paragraph[0].text or "") == typeset(text, lang)
