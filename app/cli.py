"""The ``jinlv`` command line.

Sub-commands live in :mod:`app.commands`, one module each, and are discovered at start-up so
that adding a command never touches this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from app import commands


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command of :mod:`app.commands` registered."""
    parser = argparse.ArgumentParser(
        prog="jinlv", description="晋旅 jinlv — itinerary planner for Shanxi's scenic spots and tourist roads"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except (ValueError, FileNotFoundError, LookupError) as exc:
        # Bad input is the user's to fix: say what was wrong, without a traceback.
        print(f"jinlv {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
