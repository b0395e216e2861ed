"""Every command and every flag of ``drand-edu`` explains itself in ``--help`` (issue: the operator's CLI)."""

from __future__ import annotations

import argparse

from drand_edu.cli import build_parser


def undocumented(parser: argparse.ArgumentParser, path: str = "drand-edu") -> list[str]:
    """Commands without a help line and options without a help text, as 'path: what'."""
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            seen = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:  # an alias of a command already walked
                    continue
                seen.add(id(sub))
                if not helps.get(name):
                    missing.append(f"{path}: command {name}")
                missing += undocumented(sub, f"{path} {name}")
        elif action.option_strings and action.help is None:
            missing.append(f"{path}: {'/'.join(action.option_strings)}")
    return missing


def test_every_command_and_flag_has_help() -> None:
    assert undocumented(build_parser()) == []


def test_the_walker_notices_a_missing_help() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers().add_parser("quiet")  # no help line
    sub.add_argument("--silent")
    assert undocumented(parser, "x") == ["x: command quiet", "x quiet: --silent"]


def test_the_command_table_matches_the_modules() -> None:
    """``cli.COMMANDS`` (what ``--help`` shows without importing anything) says what the modules register."""
    from drand_edu.cli import COMMANDS

    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    registered = {choice.dest: choice.help for choice in subparsers._choices_actions}
    assert registered == {name: text for name, (_, text) in COMMANDS.items()}
