"""Errors and warnings that name the file, the line, what is wrong and what to do."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what, and how to fix it."""

    path: str
    what: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.what}" + (f" — {self.fix}" if self.fix else "")


class DiglotError(Exception):
    """A problem that stops the build; carries one or more `Problem`s."""

    def __init__(self, *problems: Problem):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Report:
    """What a build noticed: warnings (the build goes on) and notes (information)."""

    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def warn(self, path: str, what: str, fix: str = "", line: int | None = None) -> None:
        """Record a warning about an input file."""
        self.warnings.append(Problem(path, what, fix, line))

    def note(self, message: str) -> None:
        """Record an informational line for the build summary."""
        self.notes.append(message)

    def warnings_by_problem(self) -> list[list[Problem]]:
        """The warnings grouped by what is wrong, in the order first seen: one problem shared by a
        thousand files is one group (the build log and the review page show a few, then count)."""
        groups: dict[str, list[Problem]] = {}
        for problem in self.warnings:
            groups.setdefault(problem.what, []).append(problem)
        return list(groups.values())
