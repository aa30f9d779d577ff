"""The benchmark corpus: deterministic, the promised shares, the real seeds' format."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
NBSP = "\u00a0"


def load_bench_module(name):
    """Import bench/<name>.py, which is a script folder rather than a package."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = load_bench_module("corpus")


@pytest.fixture(scope="module")
def small():
    """Return the files and answer key of a 20-article corpus."""
    return corpus.generate(20, seed=0)


def test_same_seed_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        subprocess.run([sys.executable, str(BENCH / "corpus.py"), "20", str(folder),
                        "--truth", str(folder.parent / f"{folder.name}.json")],
                       check=True, capture_output=True)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_other_seed_gives_other_corpus(small):
    assert corpus.generate(20, seed=1)[0] != small[0]


def test_counts_match_the_answer_key(small):
    files, key = small
    assert len(key["pairs"]) + len(key["en_only"]) + len(key["fr_only"]) == 20
    assert len(files) == 2 * len(key["pairs"]) + len(key["en_only"]) + len(key["fr_only"])
    named = set(key["pairs"]) | set(key["pairs"].values()) | set(key["en_only"]) | set(key["fr_only"])
    assert named == set(files)


def test_single_language_shares():
    _, key = corpus.generate(400, seed=3)
    assert len(key["en_only"]) == 20  # 5 %
    assert len(key["fr_only"]) == 12  # 3 %


def test_merged_and_split_shares():
    _, key = corpus.generate(400, seed=3)
    shapes = [tuple((len(en), len(fr)) for en, fr in a) for a in key["alignments"].values()]
    merged = sum((2, 1) in shape for shape in shapes)
    split = sum((1, 2) in shape for shape in shapes)
    assert merged == split == round(len(key["pairs"]) * 0.10)


def test_file_names_look_like_real_seeds(small):
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name) for name in small[0])


def test_halves_of_a_pair_are_not_neighbours(small):
    for en, fr in small[1]["pairs"].items():
        assert abs(int(en[:3]) - int(fr[:3])) > 1


def test_english_seed_format(small):
    files, key = small
    for name in list(key["pairs"]) + key["en_only"]:
        text = files[name].decode("utf-8")
        lines = text.split("\n")
        assert f"{NBSP}/{NBSP}" in lines[0] and lines[0].isupper()
        assert re.fullmatch(r"Published: [A-Z][a-z]+ \d{1,2}, \d{4} \d\d:\d\d [AP]M", lines[2])
        assert text.endswith("\n\nGlobal Times") and "\r" not in text
        assert 3 <= len(body_paragraphs(text, skip=3)) <= 15


def test_french_seed_format(small):
    files, key = small
    for name in list(key["pairs"].values()) + key["fr_only"]:
        text = files[name].decode("utf-8")
        assert text.endswith("\n\nTemps mondial") and "Published" not in text
        first = text.split("\n")[0]
        assert first.startswith(("Publié : ", "Photo : ", "Spy Photo: ")) or first[0].isupper()
        if first.startswith("Publié"):
            assert re.fullmatch(r"Publié : \d\d [a-zéû]+ \d{4} \d\dh\d\d", first)


def test_alignment_covers_both_sides(small):
    files, key = small
    for en, segments in key["alignments"].items():
        en_count = len(body_paragraphs(files[en].decode("utf-8"), skip=3))
        fr_count = len(body_paragraphs(files[key["pairs"][en]].decode("utf-8"), skip=0))
        assert [i for left, _ in segments for i in left] == list(range(en_count))
        assert [i for _, right in segments for i in right] == list(range(fr_count))


def test_pairs_share_distinctive_names_and_numbers(small):
    files, key = small
    for en, fr in key["pairs"].items():
        shared = tokens(files[en].decode("utf-8")) & tokens(files[fr].decode("utf-8"))
        assert any(t[0].isupper() and t not in {"China", "Global", "Times"} for t in shared)


def test_truth_file_is_written(tmp_path):
    truth = tmp_path / "truth.json"
    corpus.write_corpus(20, tmp_path / "seeds", 0, truth)
    assert json.loads(truth.read_text(encoding="utf-8")) == corpus.generate(20, 0)[1]


def body_paragraphs(text, skip):
    """Return the paragraphs of a bench seed, minus header lines, credits and source."""
    lines = text.split("\n")
    if lines[0].startswith("Publié"):
        skip = 1
    blocks = [b for b in re.split(r"\n{2,}", "\n".join(lines[skip:])) if b.strip()]
    return [b for b in blocks[:-1] if not re.match(r"^[\w ]*Photo ?:", b)]


def tokens(text):
    """Return the words of text."""
    return set(re.findall(r"\w+", text))


def test_search_build_figures_run_on_a_built_project(built_site):
    # make bench's search figures call the build's own search code: a renamed function there
    # must fail here, not only in a benchmark run.
    figures = load_bench_module("search_timing").build_seconds(built_site)
    assert set(figures) == {"en", "fr"}
    assert all(set(parts) == {"terms_cold", "terms_warm", "assembly"} for parts in figures.values())
