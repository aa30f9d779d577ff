"""diglot: a static bilingual reading-site generator."""

__version__ = "0.1.0"
