"""The ``drand-edu`` command line, modelled on drand's own CLI (``internal/drand-cli``).

Each command lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``func``; ``func(args)`` returns the exit code. Exit codes: 0 success, 1 the data is
invalid (a beacon failed verification...), 2 unusable input (bad flags, unreadable files).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import DrandEduError

#: Modules of this package that define commands, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "verify", "get", "keys", "start", "dkg", "demo", "simulate", "tlock", "util",
)  # fmt: skip

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drand-edu",
        description="drand's ideas, runnable: verify beacons, simulate a network, run nodes, timelock.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``drand-edu`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except DrandEduError as exc:
        print(f"drand-edu {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
