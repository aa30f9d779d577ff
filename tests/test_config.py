"""site.yaml: defaults, per-language values, unknown keys rejected with their name."""
from pathlib import Path

import pytest

from diglot.config import load_config
from diglot.errors import DiglotError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_config_loads():
    config = load_config(Path(__file__).parent.parent / "site.yaml")
    assert config.default_language == "en"
    assert set(config.title) == {"en", "fr"}


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(DiglotError) as err:
        load_config(write(tmp_path, "title: x\nbase_ulr: /news/\n"))
    assert "base_ulr" in str(err.value) and "known keys" in str(err.value)


def test_one_title_serves_both_languages(tmp_path):
    config = load_config(write(tmp_path, "title: Bilingue\n"))
    assert config.title == {"en": "Bilingue", "fr": "Bilingue"}


def test_base_url_override_and_sub_path(tmp_path):
    config = load_config(write(tmp_path, "base_url: /\n"), {"base_url": "https://example.org/news"})
    assert config.base_path == "/news/"
    assert config.absolute_url("en/a/") == "https://example.org/news/en/a/"


def test_bad_default_language(tmp_path):
    with pytest.raises(DiglotError, match="default_language"):
        load_config(write(tmp_path, "default_language: de\n"))


def test_invalid_yaml_names_the_line(tmp_path):
    with pytest.raises(DiglotError) as err:
        load_config(write(tmp_path, "title: ok\nbase_url: [unclosed\n"))
    assert "site.yaml:" in str(err.value)
