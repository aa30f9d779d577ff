"""Bad input never breaks the site or loses work (issue #6): seeds, content files, interruptions."""
from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EN_SEED, FR_SEED, REPO, SEEDS, make_project
from processes import HASH_SEEDS, run_fresh
from diglot.build import content_files
from diglot.errors import DiglotError
from diglot.build.pipeline import Options, build

REAL = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
LONG_PARAGRAPH = ("The committee met on Tuesday in Geneva to discuss 42 proposals about water, "
                  "schools and roads, and agreed to publish its findings next month. ")


def tree(root: Path) -> dict[str, str]:
    """Every file under root with its content hash."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run build.py as a user would."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project), *args],
                          capture_output=True, text=True)


BAD_SEEDS = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "undecodable.txt": b"caf\xe9 \x81\x8d\x8f\x90\x9d bad bytes everywhere",
    "headline-only.txt": b"Just a headline with no article",
}


def story(topic: str) -> bytes:
    """A long paragraph of its own per seed: seeds whose paragraphs are mostly the same are versions
    of one article, imported once (test_newsroom_seeds.py)."""
    return LONG_PARAGRAPH.replace("water", topic).encode()


GOOD_ODD_SEEDS = {
    "bom.txt": b"\xef\xbb\xbfBOM headline here\n\n" + story("bridges") * 2,
    "crlf.txt": b"Windows line endings headline\r\n\r\n" + story("ferries") * 2 + b"\r\n\r\nSecond one.",
    "cr.txt": b"Old Mac line endings headline\r\r" + story("canals") * 2 + b"\r\rAnother paragraph.",
    "cp1252.txt": "Caf\u00e9 headline \u2013 with a dash\n\n".encode("cp1252") + story("tunnels") * 2,
    "single.txt": story("harbours") * 3,
    "markup.txt": b"<script>alert('headline')</script> & friends\n\n<img src=x onerror=alert(1)> "
                  b"[x](javascript:alert(1)) 5 < 6 & 7 > 3. " + story("markets"),
    "same-1.txt": b"Two seeds share this headline\n\n" + story("parks") + b"One.",
    # The same headline on an unrelated French article (in one language, it would be a later version):
    "same-2.txt": "Two seeds share this headline\n\nLe conseil municipal s'est réuni jeudi à Lyon pour "
                  "examiner 17 projets d'écoles et de routes, et il publiera son avis le mois prochain.".encode(),
    "path.txt": "../../../etc/passwd / \u00c9v\u00e9nement \u00e0 Paris\n\n".encode() + story("museums"),
}


# The seed pair, the odd seeds and many articles without a translation: a
# site with several articles a listing, both languages.
MANY = {**REAL, **{name: data for name, data in GOOD_ODD_SEEDS.items() if name != "markup.txt"}}


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> tuple[Path, object]:
    """A project with the real seeds plus every odd and bad seed, built once."""
    project = make_project(tmp_path_factory.mktemp("messy") / "p", {**REAL, **BAD_SEEDS, **GOOD_ODD_SEEDS})
    return project, build(Options(project=project))


# Each bad seed and the row of tests/README.md's table of bad inputs that says what a user reads.
README_ROWS = {"empty.txt": "empty seed", "binary.txt": "binary seed", "undecodable.txt": "not UTF-8",
               "headline-only.txt": "only a headline"}


def readme_reason(row: str) -> str:
    """What the README's table of bad inputs promises for the row starting with row: the reason
    after the file name, or the whole quoted message."""
    table = (REPO / "tests" / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in table.splitlines() if line.startswith(f"| {row}")]
    quoted = re.search(r"`([^`]*)`", line.split("|")[2]).group(1)
    return re.sub(r"^seeds/[^:]+: ", "", quoted)


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_bad_seed_is_reported_by_name_as_the_readme_says(messy, name):
    _, summary = messy
    reasons = [w.what for w in summary.report.warnings if w.path == f"seeds/{name}"]
    assert reasons == [readme_reason(README_ROWS[name])]


def test_odd_seeds_import_and_everything_else_builds(messy):
    project, summary = messy
    imported = {line.split("seeds/")[1].split(" ")[0] for line in summary.report.notes if "imported seeds/" in line}
    assert set(GOOD_ODD_SEEDS) | {EN_SEED, FR_SEED} <= imported
    assert summary.articles == len(GOOD_ODD_SEEDS) + 1


def test_same_headline_gets_two_slugs(messy):
    project, _ = messy
    slugs = sorted(p.name for p in (project / "content").glob("two-seeds-share-this-headline*.md"))
    assert slugs == ["two-seeds-share-this-headline-2.fr.md", "two-seeds-share-this-headline.en.md"]


def test_hostile_headline_makes_a_safe_slug(messy):
    project, _ = messy
    assert (project / "content" / "etc-passwd-evenement-a-paris.en.md").is_file()
    assert not (project.parent / "etc").exists()


def test_markup_seed_cannot_inject(messy):
    project, _ = messy
    html = (project / "site" / "en" / "script-alert-headline-script-friends" / "index.html").read_text("utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert not re.search(r'(href|src)="\s*javascript:', html, re.I)
    assert "&lt;script&gt;alert(" in html and "[x](javascript:alert(1))" in html  # shown literally


def test_large_seed_imports(tmp_path):
    big = ("Big headline for a long file\n\n" + (LONG_PARAGRAPH * 20 + "\n\n") * 3600).encode()
    assert len(big) > 10_000_000
    project = make_project(tmp_path / "p", {"big.txt": big})
    summary = build(Options(project=project))
    assert summary.articles == 1


def test_strict_fails_and_leaves_site_untouched(tmp_path):
    project = make_project(tmp_path / "p")
    assert run_cli(project).returncode == 0
    before = tree(project / "site")
    (project / "seeds" / "empty.txt").write_bytes(b"")
    edited = next((project / "content").glob("*.en.md"))  # its pages are rendered (and written) before the failure
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    result = run_cli(project, "--strict")
    assert result.returncode == 1
    assert "seeds/empty.txt" in result.stderr and "previous site/ was left" in result.stderr
    assert tree(project / "site") == before
    assert sorted(path.name for path in project.iterdir()) == [".cache", "content", "seeds", "site", "site.yaml"]


CONTENT_ERRORS = [
    ("bad.en.md", "---\ntitle: Fine\ndate: [2024\n---\nBody.\n", "content/bad.en.md:", "not valid YAML"),
    ("bad.en.md", "---\ntitle: Fine\nauthor: Me\n---\nBody.\n", "content/bad.en.md:3", "unknown front matter key"),
    ("bad.en.md", "---\ntitle: Fine\ndate: tomorrow\n---\nBody.\n", "content/bad.en.md:3", "ISO 8601"),
    ("bad.en.md", "---\ndate: 2024-01-02\n---\nBody.\n", "content/bad.en.md", "has no title"),
]


@pytest.mark.parametrize("name,text,where,what", CONTENT_ERRORS)
def test_content_errors_name_file_line_and_fix(tmp_path, name, text, where, what):
    project = make_project(tmp_path / "p")
    assert run_cli(project).returncode == 0
    before = tree(project / "site")
    (project / "content" / name).write_text(text, encoding="utf-8")
    result = run_cli(project)
    assert result.returncode == 1
    line = next(l for l in result.stderr.splitlines() if where in l)
    assert what in line and " — " in line, result.stderr  # what is wrong — what to do
    assert tree(project / "site") == before


def test_a_build_that_fails_after_importing_keeps_the_imported_content_files(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p")
    (project / "content").mkdir()
    (project / "content" / "bad.en.md").write_text("---\ntitle: [Fine\n---\nBody.\n", encoding="utf-8")
    replace_bytes = content_files.replace_bytes  # a slow disk: the import's writer is still at work when loading fails
    monkeypatch.setattr(content_files, "replace_bytes", lambda path, data: time.sleep(0.2) or replace_bytes(path, data))
    with pytest.raises(DiglotError, match="bad.en.md"):
        build(Options(project=project))
    imported = [path for path in (project / "content").iterdir() if path.name != "bad.en.md"]
    assert len(imported) == len(REAL) and all("seed_sha256:" in path.read_text(encoding="utf-8") for path in imported)
    assert not (project / "site").exists()


def test_two_files_claiming_one_article_is_an_error(tmp_path):
    project = make_project(tmp_path / "p", {})
    content = project / "content"
    content.mkdir()
    (content / "a.en.md").write_text("---\ntitle: A\n---\nA.\n", encoding="utf-8")
    (content / "b.en.md").write_text("---\ntitle: B\ntranslation_key: a\n---\nB.\n", encoding="utf-8")
    with pytest.raises(DiglotError) as err:
        build(Options(project=project))
    assert "content/b.en.md:3" in str(err.value) and "content/a.en.md" in str(err.value)


def test_two_builds_in_two_processes_are_byte_identical(tmp_path):
    # Separate interpreters with different hash seeds: set and dict orders, and hash(), differ.
    first, second = make_project(tmp_path / "a", MANY), make_project(tmp_path / "b", MANY)
    run_fresh([str(REPO / "build.py"), "--project", str(first), "--quiet"], HASH_SEEDS[0])
    time.sleep(1.1)  # a build timestamp, if any leaked into output, would now differ
    run_fresh([str(REPO / "build.py"), "--project", str(second), "--quiet"], HASH_SEEDS[1])
    assert tree(first / "site") == tree(second / "site")
    assert tree(first / "content") == tree(second / "content")


# build.py on a slow disk (every file written to the site takes 5 ms more), so that a signal sent
# at a share of a build's time lands while the site is being written: these builds are fast.
SLOW_BUILD = """import runpy, sys, time
import diglot.build.output as output
write_bytes = output.write_bytes
output.write_bytes = lambda path, data: time.sleep(0.005) or write_bytes(path, data)
sys.argv = ["build.py", "--project", sys.argv[1], "--quiet"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def start_slow_build(project: Path) -> subprocess.Popen:
    """Start build.py on a slow disk, as a user would start it."""
    return subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(project)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed_build(project: Path) -> float:
    """Build to the end on a slow disk; the seconds it took."""
    started = time.monotonic()
    assert start_slow_build(project).wait(timeout=120) == 0
    return time.monotonic() - started


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_build_leaves_previous_site(tmp_path, sig):
    seeds = {f"{i:03d}.txt": f"Headline number {i}\n\n{LONG_PARAGRAPH * 40}\n\nClosing {i}.".encode()
             for i in range(150)}
    project = make_project(tmp_path / "p", {**REAL, **seeds})
    timed_build(project)
    before = tree(project / "site")
    assert len([path for path in before if path.startswith("fr/") and path.endswith("/parallel.html")]) == 1
    seconds = None
    for round_, (old, new, share) in enumerate([("Geneva", "Lausanne", 0.3), ("Lausanne", "Bern", 0.5),
                                                ("Bern", "Basel", 0.7)]):
        for path in (project / "content").glob("*.md"):
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        proc = start_slow_build(project)
        # The first round stops it while it starts up; later ones at a share of a whole rebuild's time.
        time.sleep(0.3 if seconds is None else share * seconds)
        assert proc.poll() is None, f"round {round_}: the build ended before the signal was sent"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        assert proc.returncode in (130, -sig), proc.returncode  # stopped by the signal, not done
        interrupted = tree(project / "site")
        seconds = timed_build(project)
        complete = tree(project / "site")
        assert complete != before  # the edit shows: the two trees a reader may see differ
        # Every file of both languages is the old site's or, had it just been swapped in, the new one's.
        assert interrupted in (before, complete), sorted(set(interrupted.items()) ^ set(before.items()))[:5]
        before = complete
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site")]
    assert not leftovers
