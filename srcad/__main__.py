"""Command line: ``python -m srcad demo`` and ``python -m srcad show file.py:func``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="python -m srcad",
        description="srcad differentiates numpy code by source transformation.",
    )
    parser.add_argument("--version", action="version", version=f"srcad {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="differentiate a 2-layer MLP loss and print the generated code")
    show = sub.add_parser(
        "show",
        help="print the derivative source srcad generates for a function (imports its file)",
        description="Print the derivative source srcad generates for FILE.py:FUNCTION. "
        "FILE.py is imported to find FUNCTION, so its top-level code runs (as with "
        "`python FILE.py`, except that a block under `if __name__ == '__main__':` does not). "
        "The code printed is generic: written for arguments of any rank, where a call of "
        "srcad.grad(f) specializes on its arguments' kinds and ranks.",
    )
    show.add_argument(
        "target",
        metavar="FILE.py:FUNCTION",
        help="a Python file and the name of a function defined in it (the file is imported: "
        "its top-level code runs)",
    )
    show.add_argument(
        "--mode",
        choices=["reverse", "forward"],
        default="reverse",
        help="reverse mode (the gradient, default) or forward mode (the jvp)",
    )
    show.add_argument(
        "--argnums",
        default="0",
        help="comma-separated positional arguments to differentiate (default 0)",
    )
    show.add_argument(
        "--stage",
        choices=["parse", "anf", "transform", "optimized"],
        default="optimized",
        help="which stage of the pipeline to print",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run

        return 0 if run() else 1
    if args.command == "show":
        return _show(args)
    parser.print_help()
    return 2


def _show(args) -> int:
    import importlib.util
    import pathlib

    from .errors import SrcadError
    from .show import stage_text

    path, _, name = args.target.rpartition(":")
    if not path or not name:
        print(f"srcad show: expected FILE.py:FUNCTION, got {args.target!r}", file=sys.stderr)
        return 2
    file = pathlib.Path(path)
    if not file.is_file():
        print(f"srcad show: no such file: {path}", file=sys.stderr)
        return 2
    spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(file.stem, module)
    spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    if fn is None:
        print(f"srcad show: {path} defines no {name!r}", file=sys.stderr)
        return 2
    try:
        nums = tuple(int(n) for n in args.argnums.split(","))
    except ValueError:
        print(f"srcad show: --argnums takes integers, got {args.argnums!r}", file=sys.stderr)
        return 2
    try:
        text = stage_text(fn, args.mode, args.stage, nums[0] if len(nums) == 1 else nums)
    except SrcadError as exc:
        print(f"srcad show: {exc}", file=sys.stderr)
        return 1
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
