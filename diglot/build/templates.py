"""Compiled Jinja2 templates kept on disk: in the build cache between builds, and diglot's own layouts
compiled once by `make setup` (as Python compiles its modules)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from diglot.build.fileio import read_bytes, replace_bytes
from diglot.config import Config
from diglot.render.environment import make_environment

class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in a folder between builds, each file checked by its sha256 (a
    damaged file costs a compile, never a wrong page), for one code version only.

    precompiled: a folder only read, when folder has no intact file: diglot's own layouts as
    `make setup` compiled them (compile_layouts), so that a project's first build need not (a
    tenth of a second). A template's file is named by its path, so no other layouts match there."""

    def __init__(self, folder: Path | None, stamp: str, precompiled: Path | None = None):
        self.folder, self.prefix, self.precompiled = folder, f"{stamp[:16]}-", precompiled
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.jinja"):  # compiled by another version of diglot
            if not stale.name.startswith(self.prefix):
                stale.unlink(missing_ok=True)
        for temp in folder.glob(".*.jinja.*"):  # left by a killed build (builds hold the cache's lock)
            temp.unlink(missing_ok=True)

    def path(self, folder: Path, bucket: Bucket) -> Path:
        """The file of one template's compiled code in folder."""
        return folder / f"{self.prefix}{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill bucket from the first intact file for it: the folder's, else the precompiled one."""
        for folder in filter(None, (self.folder, self.precompiled)):
            try:
                data = read_bytes(self.path(folder, bucket))
            except OSError:
                continue
            if hashlib.sha256(data[32:]).digest() == data[:32]:
                bucket.bytecode_from_string(data[32:])
                return

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write bucket's code to its file (temp file, then rename: never a half-written file)."""
        if self.folder is None:
            return
        payload = bucket.bytecode_to_string()
        try:
            replace_bytes(self.path(self.folder, bucket), hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass  # not kept: compiled again next time


def compile_layouts(layouts: Path, config: Config, folder: Path, stamp: str) -> list[str]:
    """Compile every template of layouts into folder; their names. (`make setup` compiles diglot's
    own for every project using them, as Python compiles its modules once.)"""
    env = make_environment(layouts, config, CompiledTemplates(folder, stamp))
    names = env.list_templates(filter_func=lambda name: not name.startswith(("assets/", "strings/")))
    for name in names:
        env.get_template(name)
    return names


# diglot's own layouts as `make setup` compiles them (precompile_layouts), beside its bytecode:
# builds only read them there, and compile into their cache what they do not find.
PRECOMPILED = Path(__file__).resolve().parents[1] / "__pycache__" / "layouts"


def precompile_layouts() -> list[str]:
    """Compile diglot's own layouts into PRECOMPILED (`make setup` runs it); their names."""
    from diglot.build.cache import code_version
    from diglot.config import validate_config
    from diglot.build.options import SHIPPED
    return compile_layouts(SHIPPED / "layouts", validate_config({}, "defaults"), PRECOMPILED, code_version())


def kept_templates(folder: Path | None, stamp: str) -> CompiledTemplates:
    """The compiled templates of a build: kept in folder (None: in memory only), else read from
    diglot's own precompiled ones."""
    return CompiledTemplates(folder, stamp, PRECOMPILED)
