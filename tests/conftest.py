"""Shared fixtures: a throw-away project folder built from the real seeds."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser import browser  # noqa: F401  (one headless Chromium per test module)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
EN_SEED, FR_SEED = "000_93e1ece940e5cf34.txt", "003_8b9f4e886e0ac533.txt"


def make_project(root: Path, seeds: dict[str, bytes] | None = None, base_url: str = "https://example.org/") -> Path:
    """A project folder with site.yaml and the given seeds (default: the two real ones)."""
    (root / "seeds").mkdir(parents=True)
    if seeds is None:
        seeds = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    for name, data in seeds.items():
        (root / "seeds" / name).write_bytes(data)
    (root / "site.yaml").write_text(
        "title: {en: Test site, fr: Site de test}\n"
        f"default_language: en\nbase_url: {base_url}\n", encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project holding the two real seeds."""
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real seeds built once into a temp project; returns the project folder."""
    from diglot.build.pipeline import Options, build
    root = make_project(tmp_path_factory.mktemp("built") / "project")
    build(Options(project=root))
    return root
