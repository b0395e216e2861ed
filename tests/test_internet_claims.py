"""Notebook 00 says exactly what talks to the internet (issue 21: it said "nothing" while 01, 02 and 08
ask the League's relays). The claim is checked against the notebooks' code: the cells that reach the
League's relays, the cells that may run ``npm ci``, and the relays named."""

from __future__ import annotations

import re
from pathlib import Path

from drand_edu.client import league

SOURCES = Path(__file__).resolve().parent.parent / "notebooks" / "src"


def code_cells(path: Path) -> list[str]:
    """The code cells of a jupytext source (``# %%`` cells that are not markdown)."""
    cells = re.split(r"^# %%", path.read_text(), flags=re.M)[1:]
    return [cell for cell in cells if not cell.lstrip(" ").startswith("[markdown]")]


def sessions_whose_cells(pattern: str) -> dict[int, int]:
    """Session number → how many of its code cells match ``pattern``."""
    found = {}
    for path in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        count = sum(bool(re.search(pattern, cell)) for cell in code_cells(path))
        if count:
            found[int(path.name[:2])] = count
    return found


def start_here() -> str:
    return (SOURCES / "00_start_here.py").read_text()


def test_the_league_cells_are_the_three_notebook_00_names() -> None:
    assert sessions_whose_cells(r"\bleague\.latest") == {1: 1, 2: 1, 8: 1}
    assert "**three cells**, one each in sessions 1, 2 and 8" in start_here()
    text = start_here()
    for relay in league.RELAYS:  # every relay the cells may ask is named
        assert f"`{relay.removeprefix('https://')}`" in text, relay


def test_the_cells_that_may_run_npm_are_in_the_sessions_notebook_00_names() -> None:
    assert set(sessions_whose_cells(r"\bjs\.(ensure_packages|tlock_|node_available)")) == {1, 8}
    assert "**the JavaScript cells** of sessions 1 and 8" in start_here()
    assert "`npm ci`" in start_here()


def test_no_other_notebook_cell_names_an_address_beyond_loopback() -> None:
    outside = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[\w.-]+")
    for path in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        for cell in code_cells(path):
            code = "\n".join(line.split("#")[0] for line in cell.splitlines())  # comments are not requests
            assert not outside.search(code), f"{path.name}: {outside.search(code).group()}"
