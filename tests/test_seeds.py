"""Seeds: decoding bytes, reading the plain-text structure, and the errors a site owner sees."""
import hashlib
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.build.import_step import read_seed
from diglot.seeds.parse import Draft, SeedError, decode_seed, parse_seed

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EN_SEED = SEEDS / "000_93e1ece940e5cf34.txt"
FR_SEED = SEEDS / "003_8b9f4e886e0ac533.txt"

FRENCH_DATED = (
    "MONDE / CHINE\n"
    "Les autorités mettent en garde contre le recrutement d’espions\n"
    "Publié : 03 juin 2024 09h15\n"
    "Photo : Xinhua\n"
    "\n"
    "Le ministère a publié vendredi un article sur la sécurité de l’État.\n"
    "\n"
    "La loi révisée est entrée en vigueur le 1er juillet 2023.\n"
    "\n"
    "Temps mondial"
)


def write_seed(tmp_path: Path, data: bytes, name: str = "seed.txt") -> Path:
    """Write raw bytes as a seed file in a temporary folder."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def visible(text: str) -> str:
    """Keep only the characters a reader sees (whitespace dropped)."""
    return "".join(char for char in text if not char.isspace())


def draft_visible(draft: Draft) -> str:
    """Concatenate a draft's text fields (header lines in the order the seed pair writes them), whitespace dropped."""
    parts = [draft.section or "", draft.title or "", draft.date_line or "", draft.byline or "",
             *draft.credits, *draft.paragraphs, draft.source or ""]
    return visible("".join(parts))


def keeps_every_character_once(draft: Draft, text: str) -> bool:
    """Header lines come in any order, so they are compared as a multiset; the body in its order
    (but its first paragraph, which may be a standfirst met among the header lines)."""
    body = visible("".join([*draft.paragraphs[1:], draft.source or ""]))
    return sorted(draft_visible(draft)) == sorted(visible(text)) and visible(text).endswith(body)


# ---------------------------------------------------------------- the real seeds


def test_english_seed_is_read_exactly():
    draft = read_seed(EN_SEED)
    assert draft.seed == "000_93e1ece940e5cf34.txt"
    assert draft.sha256 == hashlib.sha256(EN_SEED.read_bytes()).hexdigest()
    assert draft.language == "en"
    assert draft.section == "CHINA / SOCIETY"
    assert draft.title == ("China\u2019s state security authorities warn overseas "
                           "personnel of potential spy recruitment")
    assert draft.date == datetime(2024, 5, 10, 15, 0)
    assert draft.date_line == "Published: May 10, 2024 03:00 PM"
    assert draft.credits == ("Spy Photo: VCG", "Photo: VCG")
    assert len(draft.paragraphs) == 8
    assert draft.paragraphs[0].startswith("China's Ministry of State Security issued")
    assert draft.paragraphs[-1].endswith("theft, and incitement.")
    assert draft.source == "Global Times"
    assert draft.notes == ()


def test_french_seed_is_read_exactly():
    draft = read_seed(FR_SEED)
    assert draft.language == "fr"
    assert (draft.section, draft.title, draft.date, draft.date_line) == (None, None, None, None)
    assert draft.credits == ("Spy Photo: VCG", "Photo : VCG")
    assert len(draft.paragraphs) == 8
    assert draft.paragraphs[0].startswith("Le ministère chinois de la Sécurité d'État")
    assert draft.paragraphs[-1].endswith("le vol et l\u2019incitation.")
    assert draft.source == "Temps mondial"


def test_french_body_keeps_its_no_break_spaces():
    draft = read_seed(FR_SEED)
    assert "«\u00a0Il s'agit" in draft.paragraphs[5]
    assert "personnelle.\u00a0»" in draft.paragraphs[5]


def test_real_seeds_keep_every_visible_character():
    for path in (EN_SEED, FR_SEED):
        assert draft_visible(read_seed(path)) == visible(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- structure


def test_french_dated_seed_gives_section_title_date_and_credit():
    draft = parse_seed(FRENCH_DATED, "fr.txt")
    assert draft.language == "fr"
    assert draft.section == "MONDE / CHINE"
    assert draft.title == "Les autorités mettent en garde contre le recrutement d’espions"
    assert draft.date == datetime(2024, 6, 3, 9, 15)
    assert draft.date_line == "Publié : 03 juin 2024 09h15"
    assert draft.credits == ("Photo : Xinhua",)
    assert len(draft.paragraphs) == 2
    assert draft.source == "Temps mondial"


@pytest.mark.parametrize("line, expected", [
    ("Publié : 1er juillet 2023 15 h 00", datetime(2023, 7, 1, 15, 0)),
    ("Mis à jour : 3 août 2024 15:00", datetime(2024, 8, 3, 15, 0)),
    ("Publié le vendredi 10 mai 2024 à 15h", datetime(2024, 5, 10, 15, 0)),
    ("Publié : 12 fevrier 2024", datetime(2024, 2, 12)),
    ("Updated: Jan 5, 2024 12:30 AM", datetime(2024, 1, 5, 0, 30)),
    ("Published: May 10, 2024 03:00 PM (GMT+8)", datetime(2024, 5, 10, 15, 0)),
    ("Published: 2024-05-10 15:00", datetime(2024, 5, 10, 15, 0)),
])
def test_date_lines_in_both_languages_are_read(line, expected):
    draft = parse_seed(f"A headline\n{line}\n\nThe body of the article is here.", "d.txt")
    assert (draft.title, draft.date, draft.date_line) == ("A headline", expected, line)


def test_unreadable_date_is_kept_as_written_and_noted():
    draft = parse_seed("A headline\nPublished: Feb 30, 2024\n\nThe body is here.", "d.txt")
    assert draft.date is None
    assert draft.date_line == "Published: Feb 30, 2024"
    assert any("could not read a date" in note for note in draft.notes)


def test_single_paragraph_is_an_article_without_title():
    draft = parse_seed("The whole article is one paragraph. It ends here.", "one.txt")
    assert draft.title is None
    assert draft.paragraphs == ("The whole article is one paragraph. It ends here.",)


def test_markup_in_prose_is_kept_literally():
    text = ("<script>alert(1)</script> is how the page was attacked.\n\n"
            "# This hash starts a sentence, not a heading.\n\n"
            "* This star is not a list item.")
    draft = parse_seed(text, "markup.txt")
    assert draft.paragraphs == (
        "<script>alert(1)</script> is how the page was attacked.",
        "# This hash starts a sentence, not a heading.",
        "* This star is not a list item.",
    )


def test_hard_wrapped_block_becomes_one_paragraph():
    wrapped = ("China's Ministry of State Security issued an article on Friday\n"
               "warning Chinese nationals stationed overseas to be aware of\n"
               "friendly individuals who focus on key groups of personnel.")
    draft = parse_seed(f"Headline\n\n{wrapped}\n\nSecond paragraph.", "w.txt")
    assert draft.paragraphs == (" ".join(wrapped.split("\n")), "Second paragraph.")


def test_block_of_sentences_gives_one_paragraph_per_line():
    text = ("Headline\n\nThe first paragraph ends with a period.\n"
            "The second one is on its own line.\nA third follows it.")
    assert parse_seed(text, "l.txt").paragraphs == (
        "The first paragraph ends with a period.",
        "The second one is on its own line.",
        "A third follows it.",
    )


def test_wrapped_first_line_is_not_taken_for_a_headline():
    text = ("The ministry issued an article on Friday warning Chinese\n"
            "nationals stationed overseas to be careful with strangers.")
    draft = parse_seed(text, "w.txt")
    assert draft.title is None
    assert len(draft.paragraphs) == 1


def test_credit_inside_the_body_stays_in_place_with_a_note():
    text = "First paragraph.\n\nPhoto: Xinhua\n\nSecond paragraph."
    draft = parse_seed(text, "c.txt")
    assert draft.credits == ()
    assert draft.paragraphs == ("First paragraph.", "Photo: Xinhua", "Second paragraph.")
    assert any("Photo: Xinhua" in note for note in draft.notes)


# ---------------------------------------------------------------- bytes and files


def test_crlf_seed_reads_like_the_lf_original_with_a_note(tmp_path):
    original = read_seed(EN_SEED)
    path = write_seed(tmp_path, EN_SEED.read_bytes().replace(b"\n", b"\r\n"))
    draft = read_seed(path)
    assert draft.paragraphs == original.paragraphs and draft.title == original.title
    assert draft.notes == ("CRLF line endings",)


def test_cr_seed_reads_like_the_lf_original_with_a_note(tmp_path):
    original = read_seed(FR_SEED)
    draft = read_seed(write_seed(tmp_path, FR_SEED.read_bytes().replace(b"\n", b"\r")))
    assert draft.paragraphs == original.paragraphs and draft.credits == original.credits
    assert draft.notes == ("CR line endings",)


def test_utf8_bom_is_removed_and_noted(tmp_path):
    draft = read_seed(write_seed(tmp_path, b"\xef\xbb\xbf" + EN_SEED.read_bytes()))
    assert draft.section == "CHINA / SOCIETY"
    assert draft.notes == ("UTF-8 byte-order mark removed",)


def test_cp1252_seed_is_decoded_and_noted(tmp_path):
    text = "Le ministère a publié l’article vendredi.\r\n\r\nTemps mondial"
    draft = read_seed(write_seed(tmp_path, text.encode("cp1252")))
    assert draft.paragraphs == ("Le ministère a publié l’article vendredi.",)
    assert draft.notes == ("decoded as cp1252", "CRLF line endings")


def test_utf16_seed_with_bom_is_decoded(tmp_path):
    draft = read_seed(write_seed(tmp_path, FRENCH_DATED.encode("utf-16")))
    assert draft.date == datetime(2024, 6, 3, 9, 15)
    assert draft.notes == ("decoded as UTF-16",)


def test_binary_file_is_refused_with_advice(tmp_path):
    with pytest.raises(SeedError) as caught:
        read_seed(write_seed(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "img.txt"))
    assert caught.value.name == "img.txt"
    assert "binary" in caught.value.reason and "plain text" in caught.value.reason
    assert str(caught.value) == f"img.txt: {caught.value.reason}"


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", b"\xef\xbb\xbf\n"])
def test_empty_file_is_refused(tmp_path, data):
    with pytest.raises(SeedError, match="empty.*add the article text or remove"):
        read_seed(write_seed(tmp_path, data))


def test_undecodable_bytes_are_refused_naming_the_byte():
    with pytest.raises(SeedError) as caught:
        decode_seed("Caf\u00e9".encode("latin-1") + b" \x81", "odd.txt")
    assert "0x81" in caught.value.reason and "UTF-8" in caught.value.reason
    assert str(caught.value).startswith("odd.txt: ")


def test_bad_byte_after_a_utf8_bom_is_located_from_the_start_of_the_file():
    with pytest.raises(SeedError) as caught:
        decode_seed(b"\xef\xbb\xbfCaf\xe9", "bom.txt")
    assert caught.value.reason.startswith("is not valid UTF-8 (byte 0xE9 at offset 6)")


def test_headline_only_seed_is_refused(tmp_path):
    with pytest.raises(SeedError, match="headline but no body paragraphs"):
        read_seed(write_seed(tmp_path, "Only a headline here".encode()))


def test_metadata_only_seed_is_refused(tmp_path):
    with pytest.raises(SeedError, match="no body paragraphs"):
        read_seed(write_seed(tmp_path, b"Photo: VCG\n\nPhoto : Xinhua\n"))


def test_ten_megabyte_seed_parses_quickly():
    text = EN_SEED.read_text(encoding="utf-8") * 3500
    started = time.perf_counter()
    draft = parse_seed(text, "big.txt")
    assert time.perf_counter() - started < 2.0
    assert len(draft.paragraphs) > 30_000


# ---------------------------------------------------------------- properties

LINES = st.sampled_from([
    "CHINA\u00a0/\u00a0SOCIETY", "A headline", "Published: May 10, 2024 03:00 PM",
    "Publié : 1er juin 2024 15 h 00", "Spy Photo: VCG", "Photo : VCG", "Global Times",
    "A sentence that ends.", "a wrapped line that goes on", "", " ", "\u00a0", "# x", "*",
    "By Jane Doe and John Smith, Global Times", "Par Marie Dupont", "Updated: May 11, 2024 09:00 AM",
    "Photo/VCG", "By the end of the year, prices rose.",
])
STRUCTURED = st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=25).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda end: end.join(lines)))


@settings(max_examples=400)
@given(st.one_of(st.text(), STRUCTURED))
def test_parse_never_raises_and_keeps_every_visible_character_once(text):
    draft = parse_seed(text, "prop.txt")
    assert draft.language.isascii() and draft.language.isalpha() and len(draft.language) in (2, 3)
    assert keeps_every_character_once(draft, text)


@settings(max_examples=200)
@given(STRUCTURED)
def test_paragraphs_and_metadata_are_trimmed_and_never_blank(text):
    draft = parse_seed(text, "prop.txt")
    fields = [*draft.credits, *draft.paragraphs] + [
        value for value in (draft.section, draft.title, draft.source) if value is not None]
    assert all(value and value == value.strip() for value in fields)
