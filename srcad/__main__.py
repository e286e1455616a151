"""Command line: ``python -m srcad demo`` and ``python -m srcad show file.py:func``."""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m srcad",
        description="srcad differentiates numpy code by source transformation.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="differentiate a 2-layer MLP loss and print the generated code")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run

        return 0 if run() else 1
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
