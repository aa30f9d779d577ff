"""Content files: front matter errors name file:line, what is wrong and what to do."""
from datetime import datetime

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diglot.content.documents import parse_document
from diglot.errors import DiglotError
from diglot.content.frontmatter import (IMPORT_HASH_KEY, KEYS, SAFE_LOADER, dump_meta, format_meta, format_scalar,
                                is_bare_key, is_unedited, join_front_matter, load_meta, read_meta,
                                split_front_matter)


def problem(text: str, name: str = "a.en.md") -> str:
    with pytest.raises(DiglotError) as err:
        parse_document(text, f"content/{name}")
    return str(err.value)


def test_reads_title_date_and_body():
    doc = parse_document("---\ntitle: Hello\ndate: 2024-05-10T15:00:00\n---\nBody.\n", "content/hello.en.md")
    assert (doc.slug, doc.lang, doc.meta["title"], doc.body) == ("hello", "en", "Hello", "Body.\n")
    assert doc.date.isoformat() == "2024-05-10T15:00:00"


def test_malformed_yaml_names_line():
    message = problem("---\ntitle: ok\ndate: [2024\n---\nx\n")
    assert "content/a.en.md:" in message and "not valid YAML" in message


def test_unknown_key_names_line_and_known_keys():
    message = problem("---\ntitle: ok\nauthr: me\n---\nx\n")
    assert "content/a.en.md:3" in message and "'authr'" in message and "translation_key" in message


def test_wrong_date_type():
    message = problem("---\ntitle: ok\ndate: tomorrow\n---\nx\n")
    assert "content/a.en.md:3" in message and "ISO 8601" in message


def test_title_must_be_text():
    assert "content/a.en.md:2: title has the wrong type" in problem("---\ntitle: [a, b]\n---\nx\n")


def test_missing_front_matter_and_bad_name():
    assert "has no front matter" in problem("just text\n")
    assert "<slug>.<lang>.md" in problem("---\ntitle: x\n---\n", name="Bad Name.md")
    assert "<slug>.<lang>.md" in problem("---\ntitle: x\n---\n", name="a.de.md")


def test_import_stamp_detects_hand_edits():
    text = join_front_matter({"title": "T", "seed": "s.txt"}, "Para.")
    assert is_unedited(text)
    assert not is_unedited(text.replace("Para.", "Para, edited."))
    assert not is_unedited(text.replace("title: T", "title: T2"))


# ---- format_meta writes what the YAML emitter writes, or leaves it to the emitter ----------------

TRICKY = ("aZé0 '\"-:#?,[]{}&*!|>%@`~=<.+_/\\\t\n\r\x85\xa0\u2028\u2029\ufeff\x00\x7f\U0001F600"
          "\u00e9\u2019«»")
SCALARS = st.one_of(
    st.text(alphabet=TRICKY, max_size=12),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "null", "~", "on", "OFF", "true", "1", "0x1f", "1_000", "1.5", ".inf",
                     "2024-05-10", "2024-05-10T15:00:00", "1:30", "<<", "=", "- a", "-a", "? a", "a: b",
                     "a #b", "a#b", "'q'", "Photo: VCG", "CHINA / SOCIETY", "Global Times", "---", "...",
                     "x" * 5000, "é" * 4001, " ", "", "a ", " a", "1628_a23412080a9ebbd0.txt"]),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.none(), st.integers(), st.booleans())
KEYS_SEEN = st.one_of(st.sampled_from(list(KEYS)), st.sampled_from(["yes", "null", "1", "Title", "a b"]),
                      st.text(max_size=4))
# Metas shaped like the importer's, which format_meta mostly writes itself.
LINE_TEXT = st.one_of(st.text(alphabet=TRICKY.replace("\n", "").replace("\r", ""), min_size=1, max_size=12),
                      st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFFFF,
                                                     blacklist_categories=("Cs",)), min_size=1, max_size=12))
IMPORT_LIKE = st.dictionaries(st.sampled_from(list(KEYS)), st.one_of(LINE_TEXT, st.lists(LINE_TEXT, max_size=3)),
                              min_size=1, max_size=6)
METAS = st.one_of(st.dictionaries(KEYS_SEEN, VALUES, max_size=6), IMPORT_LIKE)


def run_counting(check, strategy, examples: int) -> list[bool]:
    """Run check (which returns whether the product answered, not left it to YAML) on examples
    drawn from strategy; return those answers, so a test can require that it compared enough."""
    answered: list[bool] = []

    @settings(max_examples=examples, deadline=None, database=None)
    @given(strategy)
    def run(value):
        answered.append(check(value))

    run()
    return answered


def share(answers: list[bool]) -> float:
    """The share of True answers."""
    return sum(answers) / len(answers)


def test_format_meta_writes_exactly_what_yaml_writes():
    def check(meta) -> bool:
        lines = format_meta(meta)
        assert lines is None or lines == dump_meta(meta)
        return lines is not None

    # format_meta may leave a meta to YAML; had it always done so, nothing would be compared.
    assert share(run_counting(check, METAS, 1000)) >= 0.15  # 40 % measured


@settings(max_examples=1000, deadline=None)
@given(IMPORT_LIKE)
def test_front_matter_reads_back_as_written(meta):
    assume(format_meta(meta) is not None)  # what yaml.dump writes is yaml's own business
    text = join_front_matter(meta, "Body.")
    head = split_front_matter(text, "a.en.md")[0]
    meta_read = yaml.load(head, Loader=SAFE_LOADER) or {}
    assert meta_read == {**meta, IMPORT_HASH_KEY: meta_read[IMPORT_HASH_KEY]}


@pytest.mark.parametrize("value, written", [
    ("Global Times", "Global Times"),
    ("China's Ministry, at 10 a.m. (Beijing)", "China's Ministry, at 10 a.m. (Beijing)"),
    ("L’État « amical » à Pékin", "L’État « amical » à Pékin"),
    ("Photo: VCG", "'Photo: VCG'"),
    ("2024-05-10T15:00:00", "'2024-05-10T15:00:00'"),
    ("'Quoted' title", "'''Quoted'' title'"),
    ("yes", "'yes'"),
    ("(Beijing) 10:30 a#b", "(Beijing) 10:30 a#b"),
    ("\xa0", "\xa0"),
    ("- a", "'- a'"),
    ("a #b", "'a #b'"),
    ("---x", "'---x'"),
])
def test_format_scalar_writes_imported_values_directly(value, written):
    assert format_scalar(value) == written and dump_meta({"title": value}) == [f"title: {written}"]


def test_format_meta_handles_what_the_importer_writes():
    meta = {"title": "A: b", "date": "2024-05-10T15:00:00", "section": "CHINA / SOCIETY",
            "source": "Global Times", "credits": ["Photo: VCG", "Spy Photo: VCG"], "seed": "000_93e1.txt",
            "seed_sha256": "67610074324150078b8d24a3d09c7c98e2d3da9cd4e53c4ec84c634537488733"}
    assert format_meta(meta) == dump_meta(meta)
    assert format_meta({**meta, "credits": []}) == dump_meta({**meta, "credits": []})


def test_known_keys_are_written_bare():
    assert all(is_bare_key(key) for key in KEYS)


def test_format_meta_leaves_what_it_does_not_know_to_yaml():
    shared = ["Photo: VCG"]
    assert format_meta({}) is None
    assert format_meta({"credits": shared, "other": shared}) is None
    assert format_meta({"title": "line\nbreak"}) is None
    assert format_meta({"title": None}) is None
    assert format_meta({"date": datetime(2024, 5, 10)}) is None


# ---- read_meta reads what format_meta writes, as YAML would, or leaves it to YAML ---------------

COMMENTS = st.lists(st.text(alphabet=TRICKY, max_size=8), max_size=2)


@settings(max_examples=1000, deadline=None)
@given(IMPORT_LIKE, COMMENTS)
def test_read_meta_reads_what_the_importer_writes_as_yaml_does(meta, comments):
    meta.pop(IMPORT_HASH_KEY, None)  # the stamp adds it
    assume(format_meta(meta) is not None and all(is_one_printable_line(c) for c in comments))
    head = split_front_matter(join_front_matter(meta, "Body.", tuple(comments)), "a.en.md")[0]
    assert read_meta(head) is not None and read_meta(head) == load_meta(head, "a.en.md")


def is_one_printable_line(comment):
    """Tell whether a comment stays one printable line (the importer writes only such)."""
    return all(ch not in comment for ch in "\n\r\x85\u2028\u2029\t\x00\x7f\ufeff\U0001F600")


HEAD_LINE = st.one_of(
    st.builds("{}: {}".format, KEYS_SEEN, st.one_of(SCALARS, st.just("[]"), st.builds("'{}'".format, SCALARS))),
    st.builds("{}:".format, KEYS_SEEN),
    st.builds("- {}".format, SCALARS),
    st.builds("#{}".format, st.text(alphabet=TRICKY, max_size=6)),
    st.text(alphabet=TRICKY, max_size=8),
)
HEAD_LINES = st.lists(HEAD_LINE, max_size=6)


def importer_head_lines(meta: dict) -> list[str]:
    """The front matter lines the importer writes for meta (YAML's own lines when it leaves it)."""
    return split_front_matter(join_front_matter(meta, "Body."), "a.en.md")[0].splitlines()


# Lines as the importer writes them, with one random line inserted among them (or none): many
# are heads read_meta reads itself; random lines alone almost never are (0.3 %).
EDITED_IMPORTER_LINES = st.builds(
    lambda lines, extra, at: lines[:at] + extra + lines[at:],
    IMPORT_LIKE.map(importer_head_lines), st.lists(HEAD_LINE, max_size=1),
    st.integers(min_value=0, max_value=8))


def test_read_meta_agrees_with_yaml_or_leaves_it_to_yaml():
    def check(lines) -> bool:
        head = "".join(line + "\n" for line in lines)
        read = read_meta(head)
        if read is not None:
            assert read == load_meta(head, "a.en.md")
        return read is not None

    assert share(run_counting(check, st.one_of(HEAD_LINES, EDITED_IMPORTER_LINES), 1000)) >= 0.03  # 8 % measured


@pytest.mark.parametrize("head", [
    "title: a\ntitle: b\n", "credits:\nseed: x\n", "credits:\n", "credits:\n# c\n- a\n", "title: a # c\n",
    "title:  a\n", "title: a \n", "title: 'a'b'\n", "title: '2024'\nyes: 1\n", "- a\n", "# only\n", "",
    "title: x\n#\x01\n", "date: 2024-05-10\n",
])
def test_read_meta_leaves_unusual_front_matter_to_yaml(head):
    assert read_meta(head) is None


def test_read_meta_reads_importer_files():
    head = ("title: 'Spy: a ''case'''\ndate: '2024-05-10T15:00:00'\nsection: CHINA / SOCIETY\ncredits:\n"
            "- 'Photo: VCG'\n- Xinhua\nseed: 000_93e1.txt\n# title: add one\nimport_sha256: 0a1b\n")
    assert read_meta(head) == load_meta(head, "a.en.md")
    assert read_meta(head)[0]["title"] == "Spy: a 'case'" and read_meta(head)[1]["import_sha256"] == 10
