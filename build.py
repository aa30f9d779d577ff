#!/usr/bin/env python3
"""diglot's entry point in a checkout (`python build.py`): the same command line as the installed `diglot`
command. The logic lives in the diglot package (diglot/cli.py)."""
import sys

from diglot.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="build.py"))
