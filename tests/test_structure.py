"""The house: subpackages by stage, no import cycles, no import from a lower layer to a higher one."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "diglot"
# Layers from the bottom up; a module may import its own layer and the ones below, never above.
LAYERS = [
    {"diglot.errors", "diglot.config"},
    {"diglot.seeds", "diglot.content", "diglot.model", "diglot.search"},  # domain: pure transforms
    {"diglot.render"},
    {"diglot.build"},
    {"diglot.serve", "diglot.scaffold", "diglot.cli"},
]
# The domain stages in the order of the flow: a stage never imports a later one.
FLOW = ["diglot.seeds", "diglot.content", "diglot.model", "diglot.search"]


def module_name(path: Path) -> str:
    """diglot/build/cache.py -> diglot.build.cache."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The diglot modules a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: relative import"
    return {name for name in found if name.startswith("diglot")}


def graph() -> dict[str, set[str]]:
    """Every diglot module and the diglot modules it imports."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {target for target in imports_of(path) if target in modules and target != name}
            for name, path in modules.items()}


def group_of(module: str, groups) -> int:
    """The index of the group (layer or stage) holding module, or -1."""
    return next((i for i, group in enumerate(groups)
                 if any(module == g or module.startswith(g + ".") for g in group)), -1)


def test_every_module_belongs_to_a_layer():
    assert all(group_of(module, LAYERS) >= 0 for module in graph() if module != "diglot"), \
        sorted(m for m in graph() if m != "diglot" and group_of(m, LAYERS) < 0)


def test_no_import_goes_up_a_layer_or_against_the_flow():
    upward = [(m, t) for m, targets in graph().items() for t in targets
              if group_of(t, LAYERS) > group_of(m, LAYERS)
              or group_of(t, [[s] for s in FLOW]) > group_of(m, [[s] for s in FLOW]) >= 0]
    assert upward == []


def test_there_is_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}

    def cycle_from(module: str, path: list[str]) -> list[str] | None:
        """A cycle reachable from module (depth first), or None."""
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                return path + [module, target]
            if target not in state and (found := cycle_from(target, path + [module])):
                return found
        state[module] = 2
        return None

    cycles = [c for m in sorted(edges) if m not in state and (c := cycle_from(m, []))]
    assert cycles == []


def test_the_checker_sees_a_planted_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The checks above can fail: a domain module importing the build layer is caught."""
    fake = tmp_path / "diglot"
    for path in PACKAGE.rglob("*.py"):
        target = fake / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (fake / "model" / "align.py").open("a", encoding="utf-8") as file:
        file.write("\nfrom diglot.build.steps import load_step\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    monkeypatch.setattr(__import__(__name__), "REPO", tmp_path)
    edges = graph()
    assert "diglot.build.steps" in edges["diglot.model.align"]
    assert group_of("diglot.build.steps", LAYERS) > group_of("diglot.model.align", LAYERS)


def test_modules_stay_readable():
    """A module is one job: at most ~450 lines (the few longer ones say why in their docstring)."""
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 450}
    assert long == {}
