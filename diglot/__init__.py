"""diglot: a static bilingual reading-site generator."""

__version__ = "0.2.0"
