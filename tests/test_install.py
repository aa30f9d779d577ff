"""`pip install .` gives a `diglot` command that works outside this checkout, and `diglot new DIR` makes
a project folder that builds with the packaged layouts."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import venv

import pytest
from conftest import EN_SEED, FR_SEED, REPO, SEEDS


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, capturing its output as text."""
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with diglot installed from a copy of this checkout (so no path points back here)."""
    if not (REPO / "node_modules" / "lunr").is_dir():
        pytest.fail("node_modules is missing: run make setup (npm ci) first")
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    top = {".venv", ".git", ".cache", "site", "content", "seeds", "bench", "tests", "screenshots", "build"}
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        n for n in names if n == "__pycache__" or (folder == str(REPO) and n in top)])
    venv.create(root / "venv", with_pip=True)
    result = run(root / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 source)
    assert result.returncode == 0, result.stderr[-3000:]
    shutil.rmtree(source)  # the installed command must not need the checkout it came from
    return root / "venv" / "bin" / "diglot"


def test_diglot_new_makes_a_project_that_the_installed_command_builds(installed, tmp_path):
    made = run(installed, "new", tmp_path / "news")
    assert made.returncode == 0, made.stderr
    project = tmp_path / "news"
    assert (project / "site.yaml").is_file() and (project / "seeds").is_dir() and (project / "content").is_dir()
    assert not (project / "layouts").exists()  # the packaged layouts serve until the owner adds their own
    for seed in (EN_SEED, FR_SEED):
        shutil.copy(SEEDS / seed, project / "seeds")
    built = run(installed, "build", "--quiet", cwd=project)
    assert built.returncode == 0, built.stderr
    pages = sorted(p.parent.relative_to(project / "site").as_posix() for p in (project / "site").glob("*/*/parallel.html"))
    assert [page.split("/")[0] for page in pages] == ["en", "fr"], pages
    french = (project / "site" / pages[1] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in french and 'data-seg="8"' in french
    assert (project / "site" / "assets" / "lunr" / "lunr.min.js").stat().st_size > 10_000
    assert len(list((project / "content").glob("*.md"))) == 2
    reviewed = run(installed, "check", "--review", cwd=project)  # the review's layouts and styles are packaged too
    assert reviewed.returncode == 0, reviewed.stderr
    assert "Review of the import" in (tmp_path / "news" / "review.html").read_text(encoding="utf-8")


def test_every_layout_file_is_packaged(installed):
    packaged = next(installed.parent.parent.glob("lib/python*/site-packages/diglot/layouts"))
    files = lambda root: sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())  # noqa: E731
    assert files(packaged) == [f for f in files(REPO / "layouts") if "__pycache__" not in f]


def test_the_installed_command_has_the_same_help_as_build_py(installed):
    ours = run(installed, "--help").stdout
    theirs = run(sys.executable, REPO / "build.py", "--help").stdout
    assert ours.replace("diglot", "build.py").split() == theirs.replace("diglot", "build.py").split()
    assert "new" in ours and "serve" in ours and "check" in ours


def test_diglot_new_refuses_an_existing_project_and_says_what_to_do(tmp_path):
    first = run(sys.executable, REPO / "build.py", "new", tmp_path / "p")
    assert first.returncode == 0, first.stderr
    (tmp_path / "p" / "site.yaml").write_text("title: Mine\n", encoding="utf-8")
    again = run(sys.executable, REPO / "build.py", "new", tmp_path / "p")
    assert again.returncode == 1
    assert "already exists" in again.stderr and "--project" in again.stderr
    assert (tmp_path / "p" / "site.yaml").read_text(encoding="utf-8") == "title: Mine\n"  # nothing clobbered


def test_new_needs_a_folder_and_the_other_commands_take_none(tmp_path):
    assert run(sys.executable, REPO / "build.py", "new").returncode == 2
    wrong = run(sys.executable, REPO / "build.py", "build", tmp_path)
    assert wrong.returncode == 2 and "--project" in wrong.stderr


def test_the_package_depends_on_every_runtime_requirement():
    """requirements.txt pins what make site installs; pyproject.toml must name the same libraries."""
    import tomllib
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=~!; ]", spec, maxsplit=1)[0].lower() for spec in declared}
    pinned = {line.split("==")[0].strip().lower() for line in (REPO / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith(("#", "-"))}
    assert pinned == names
