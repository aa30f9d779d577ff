"""A fresh build of the seed pair equals the golden site in tests/golden/ byte for byte; when it
does not, the failure names the first differing file and shows a short diff. After an intended
change to the output, run `make golden` and review the diff of tests/golden/ with git."""
from __future__ import annotations

import datetime
import difflib
import json

from golden import GOLDEN, build_seed_pair, golden_files, read_tree

REGENERATE = "if the change is intended, run `make golden` and review `git diff tests/golden`"
DIFF_LINES = 40


def readable_lines(rel: str, data: bytes) -> list[str]:
    """A file's lines for a diff; one-line JSON (the search files) is spread one value a line."""
    text = data.decode("utf-8", errors="replace")
    if rel.endswith(".json"):
        try:
            text = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
        except ValueError:
            pass
    return text.splitlines(keepends=True)


def short_diff(rel: str, expected: bytes, actual: bytes) -> str:
    """The first DIFF_LINES lines of a unified diff of the golden file and the built one."""
    lines = list(difflib.unified_diff(readable_lines(rel, expected), readable_lines(rel, actual),
                                      f"golden/{rel}", f"built/{rel}", n=2))
    if not lines:  # the same text, different bytes (line endings, JSON spacing)
        return f"same text, different bytes ({len(expected)} golden, {len(actual)} built)"
    return "".join(lines[:DIFF_LINES]) + ("…\n" if len(lines) > DIFF_LINES else "")


def first_difference(golden: dict[str, bytes], built: dict[str, bytes]) -> str | None:
    """Describe the first file (in path order) that is missing, extra or different; None if none."""
    for rel in sorted(golden.keys() | built.keys()):
        if rel not in built:
            return f"{rel}: in the golden site, not built"
        if rel not in golden:
            return f"{rel}: built, not in the golden site"
        if golden[rel] != built[rel]:
            return f"{rel} differs:\n{short_diff(rel, golden[rel], built[rel])}"
    return None


def test_the_seed_pair_builds_the_golden_site(tmp_path):
    golden = read_tree(GOLDEN)
    assert len(golden) > 15, f"{GOLDEN} is missing or nearly empty: run `make golden`"
    built = golden_files(build_seed_pair(tmp_path))
    difference = first_difference(golden, built)
    assert difference is None, f"{difference}\n{REGENERATE}"


def test_the_golden_site_holds_no_build_date():
    # The golden site must not depend on the day it was built: only the article's own date.
    today = datetime.date.today()
    stamps = {today.isoformat(), f"{today:%d %b %Y}", f"{today:%B} {today.day}, {today.year}"}
    for rel, data in read_tree(GOLDEN).items():
        text = data.decode("utf-8", errors="replace")
        assert not [stamp for stamp in stamps if stamp in text], rel


def test_a_difference_is_reported_with_the_file_and_a_short_diff():
    golden = {"a.html": b"<p>one</p>\n<p>two</p>\n", "search/en.index.json": b'{"a":1,"b":[1,2]}'}
    built = {**golden, "search/en.index.json": b'{"a":1,"b":[1,3]}'}
    report = first_difference(golden, built)
    assert report.startswith("search/en.index.json differs:") and "-  2\n+  3\n" in report
    assert first_difference(golden, {**golden, "z.xml": b""}) == "z.xml: built, not in the golden site"
    assert first_difference(golden, golden) is None
