"""site.yaml → a frozen `Config`; unknown keys and wrong types are errors that name them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from diglot.errors import DiglotError, Problem

LANGUAGES = ("en", "fr")

DEFAULTS = {
    "title": {"en": "diglot", "fr": "diglot"},
    "description": {"en": "", "fr": ""},
    "default_language": "en",
    "base_url": "/",
    "sections": {},
    "page_size": 20,
}


@dataclass(frozen=True)
class Config:
    """The site's settings, validated."""

    title: dict[str, str]
    description: dict[str, str]
    default_language: str
    base_url: str
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    page_size: int = 20  # articles per listing page (the top page of a listing shows up to twice as many)
    languages: tuple[str, ...] = LANGUAGES

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/' (e.g. '/news/')."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def absolute_url(self, path: str) -> str:
        """Join a site-relative path ('en/slug/') onto base_url."""
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return base + path.lstrip("/")


def load_config(path: Path, overrides: dict | None = None) -> Config:
    """Read site.yaml (missing file = defaults), apply overrides, validate."""
    raw = read_yaml_mapping(path) if path.exists() else {}
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return validate_config(raw, str(path))


def read_yaml_mapping(path: Path) -> dict:
    """Parse a YAML file that must hold a mapping; errors name the line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise DiglotError(Problem(str(path), f"is not valid YAML ({exc.problem})",
                                  "fix the syntax on that line", line)) from None
    if not isinstance(data, dict):
        raise DiglotError(Problem(str(path), "must be a mapping of keys to values", "see README"))
    return data


def validate_config(raw: dict, where: str) -> Config:
    """Check keys and types; unknown keys are errors that list the known ones."""
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise DiglotError(Problem(where, f"unknown key {unknown[0]!r}",
                                  f"known keys are: {', '.join(sorted(DEFAULTS))}"))
    values = {**DEFAULTS, **raw}
    for key in ("title", "description"):
        values[key] = per_language(values[key], key, where)
    if values["default_language"] not in LANGUAGES:
        raise DiglotError(Problem(where, f"default_language must be one of {', '.join(LANGUAGES)}",
                                  f"got {values['default_language']!r}"))
    if not isinstance(values["base_url"], str) or not values["base_url"]:
        raise DiglotError(Problem(where, "base_url must be a URL or a path like /news/"))
    if not isinstance(values["sections"], dict):
        raise DiglotError(Problem(where, "sections must map a section name to its translations"))
    page_size = values["page_size"]
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 1000:
        raise DiglotError(Problem(where, f"page_size must be a whole number of articles from 1 to 1000, "
                                  f"got {page_size!r}", "for example page_size: 20"))
    return Config(title=values["title"], description=values["description"],
                  default_language=values["default_language"], base_url=values["base_url"],
                  sections=values["sections"], page_size=page_size)


def per_language(value, key: str, where: str) -> dict[str, str]:
    """Accept one string for every language or a mapping {en: …, fr: …}."""
    if isinstance(value, str):
        return {lang: value for lang in LANGUAGES}
    if isinstance(value, dict) and set(value) <= set(LANGUAGES) and all(isinstance(v, str) for v in value.values()):
        fallback = next(iter(value.values()), "")
        return {lang: value.get(lang, fallback) for lang in LANGUAGES}
    raise DiglotError(Problem(where, f"{key} must be a string or a mapping with keys en and fr"))
