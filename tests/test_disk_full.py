"""A disk that fills up mid-build: one clear error (where, how much room, nothing lost), the previous
site/ and content/ intact, and no half-written tree left behind."""
from __future__ import annotations

import errno
import subprocess
import sys

import pytest
from conftest import REPO, make_project

from diglot.build import content_files, fileio, output
from diglot.build.pipeline import Options, build
from diglot.errors import DiglotError


def tree(root):
    """Every file under root with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fill_disk_after(monkeypatch, writes: int) -> None:
    """Make every writer of the build fail with ENOSPC once `writes` files have been written."""
    done = []

    def write_or_fail(path, data):
        """Write as usual until the disk is 'full'."""
        if len(done) >= writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        done.append(path)
        return real(path, data)

    real = fileio.write_bytes
    for module in (fileio, output, content_files):
        monkeypatch.setattr(module, "write_bytes", write_or_fail)


def leftovers(project):
    """Temporary trees a failed build might leave next to site/ and content/."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith("."))


def test_a_full_disk_while_writing_the_site_keeps_the_previous_site(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p")
    build(Options(project=project))
    before, content = tree(project / "site"), tree(project / "content")
    edited = sorted((project / "content").glob("*.en.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    content = tree(project / "content")
    fill_disk_after(monkeypatch, 1)
    with pytest.raises(DiglotError) as failed:
        build(Options(project=project))
    message = str(failed.value)
    assert "disk is full" in message and "MB for 2 content files" in message
    assert "previous site/ and content/ are intact" in message and "--output" in message
    assert tree(project / "site") == before
    assert tree(project / "content") == content
    assert leftovers(project) == [".cache"]
    monkeypatch.undo()
    build(Options(project=project))  # with room again, the next build completes
    assert "A new closing paragraph." in (project / "site" / "en").joinpath(
        edited.name.split(".")[0], "index.html").read_text(encoding="utf-8")


def test_a_full_disk_during_the_first_import_leaves_no_half_imported_folder(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p")
    fill_disk_after(monkeypatch, 1)
    with pytest.raises(DiglotError, match="disk is full"):
        build(Options(project=project))
    assert not (project / "content").exists() and not (project / "site").exists()
    assert leftovers(project) == [".cache"] or leftovers(project) == []


def test_the_command_line_prints_one_clear_line_not_a_traceback(tmp_path):
    project = make_project(tmp_path / "p")
    script = ("import errno, sys, runpy\n"
              "from diglot.build import fileio, output, content_files\n"
              "def full(path, data): raise OSError(errno.ENOSPC, 'No space left on device')\n"
              "for m in (fileio, output, content_files): m.write_bytes = full\n"
              f"sys.argv = ['build.py', '--project', {str(project)!r}]\n"
              f"runpy.run_path({str(REPO / 'build.py')!r}, run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr and "disk is full" in result.stderr and "build failed" in result.stderr
