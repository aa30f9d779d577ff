"""A progress bar for builds that take a while in a terminal; silent in pipes and CI."""
from __future__ import annotations

import os
import sys

STAGES = ("import", "load", "model", "pages", "search", "write")
SHOW_AFTER_S = 1.0  # quick builds print only their one-line summary


def wants_bar(stream=sys.stderr) -> bool:
    """A bar only for a person watching a terminal: stderr is a TTY and this is not CI."""
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """One bar over the build's stages, shown only once the build has lasted SHOW_AFTER_S."""

    def __init__(self, enabled: bool | None = None):
        enabled = wants_bar() if enabled is None else enabled
        self.bar = None
        if not enabled:
            return
        from tqdm import tqdm  # only for a terminal: importing it costs a quick rebuild 60 ms

        self.bar = tqdm(total=len(STAGES), delay=SHOW_AFTER_S, leave=False,
                        file=sys.stderr, unit="step", bar_format="{desc:<8} {bar} {n}/{total} {elapsed}")

    def stage(self, name: str) -> None:
        """Say which stage runs now; the previous one is done."""
        if self.bar is not None:
            self.bar.update(STAGES.index(name) - self.bar.n)
            self.bar.set_description_str(name)

    def close(self) -> None:
        """Remove the bar (the summary line follows)."""
        if self.bar is not None:
            self.bar.close()
