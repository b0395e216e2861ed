"""The ``drand-edu`` command line, modelled on drand's own CLI (``internal/drand-cli``).

Each command lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``func``; ``func(args)`` returns the exit code. :data:`COMMANDS` lists them, and only the
module of the command being run is imported (``drand-edu --help`` imports none).

Exit codes, the same for every command (:func:`exit_code`): 0 success; 1 the input was read but is
invalid (a beacon fails verification, a ciphertext of another chain, a round not reached yet, a peer's
key signed for another address); 2 the input cannot be used (bad flags, a missing or unreadable file,
not JSON, fields of the wrong type, no node to talk to, a request the node refuses in its state).
Either way one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterable
from typing import NoReturn

from ..errors import BackendUnavailable, BeaconNotFound, DrandEduError, InvalidInput, StoreError

#: Every command: its name -> (the module of this package that registers it, its line in ``--help``),
#: in the order ``--help`` lists them. A command's module is imported only when that command runs, so
#: ``drand-edu verify`` never loads the DKG, the node or the notebook helpers. A new command: one line
#: here and a module with ``register(subparsers)`` (``tests/test_cli_help.py`` checks the two agree).
COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("verify", "verify beacons (drand /public JSON) against a chain's info (drand /info JSON)"),
    "generate-keypair": ("keys", "a node's long-term key pair, into its folder"),
    "start": ("start", "run a node: every beacon of its folder (or --id)"),
    "stop": ("node", "stop a running node (or one beacon) through its control port"),
    "dkg": ("dkg", "run a DKG among running nodes (generate-proposal, init, join, execute...)"),
    "show": ("node", "what a node holds: public key, group, chain info (no secret)"),
    "sync": ("sync", "check and repair a chain store, or --follow a chain"),
    "util": ("util", "operator utilities: check that nodes answer, list-schemes"),
    "client": ("client", "a randomness client (go-clients' drand-client): get"),
    "demo": ("demo", "start or stop a local network of node processes"),
    "simulate": (
        "simulate", "run a DKG and R rounds of a local network on a virtual clock; write drand JSON"
    ),
    "tlock": ("tlock", "timelock encryption: encrypt to a future round, decrypt after it"),
}
#: The modules that define commands (each once, in ``--help`` order).
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def exit_code(error: DrandEduError) -> int:
    """The exit code for a command that stopped on ``error``: :data:`EXIT_USAGE` (2) when the input
    could not be used (:class:`~drand_edu.errors.InvalidInput` and its kinds, a missing backend, an
    unreadable store, a node's refusal), :data:`EXIT_INVALID` (1) for input that was read and found
    invalid (every other error of the library: verification, chain mismatch, too early, a failed DKG)."""
    if isinstance(error, BeaconNotFound):
        return EXIT_INVALID
    if isinstance(error, (InvalidInput, BackendUnavailable, StoreError)):
        return EXIT_USAGE
    return EXIT_INVALID


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag or argument is one line on stderr (exit 2), as every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(modules: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The ``drand-edu`` parser. ``modules``: the command modules to import and register in full
    (default: all of them); every other command gets a placeholder that only shows its help line."""
    wanted = set(COMMAND_MODULES if modules is None else modules)
    parser = _Parser(
        prog="drand-edu",
        description="drand's ideas, runnable: verify beacons, simulate a network, run nodes, timelock.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    registered: set[str] = set()
    for name, (module, text) in COMMANDS.items():
        if module not in wanted:
            subparsers.add_parser(name, help=text)
        elif module not in registered:
            importlib.import_module(f"{__name__}.{module}").register(subparsers)
            registered.add(module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``drand-edu`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = COMMANDS.get(argv[0]) if argv else None
    parser = build_parser([command[0]] if command else [])
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except DrandEduError as exc:
        print(f"drand-edu {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # e.g. an output file that cannot be written: one line, not a traceback
        print(f"drand-edu {args.command}: error: {_one_line(exc.strerror or exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line (the probes count these as failures)
        if os.environ.get("DRAND_EDU_DEBUG"):
            raise
        print(f"drand-edu {args.command}: internal error (a bug, please report it; DRAND_EDU_DEBUG=1 shows "
              f"the traceback): {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE


def _one_line(message: object) -> str:
    """``message`` on one line, at most 500 characters (an error may quote a long input)."""
    text = " ".join(str(message).split())
    return text if len(text) <= 500 else text[:497] + "..."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
