"""Content files: front matter errors name file:line, what is wrong and what to do."""
import pytest

from diglot.content import parse_document
from diglot.errors import DiglotError
from diglot.frontmatter import is_unedited, join_front_matter


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
