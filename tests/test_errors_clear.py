"""Errors and warnings that say what happened (issue 23, deliverables 3 and 5).

A stale "latest" beacon, a full disk, a corrupt last beacon at a node's start, a tlock round or
duration out of range, ``-D 0s``, a chain info whose ``metadata`` is not an object: each used to be
accepted silently, stall, or end in "internal error"; each is now one line that names the problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu.chain.beacon import Beacon
from drand_edu.cli import main
from drand_edu.client import Client

from .recorded_server import RecordedServer

QUICKNET = json.loads((Path(__file__).parent / "data" / "beacons-quicknet.json").read_text())
INFO, BEACON = QUICKNET["info"], QUICKNET["beacons"][0]
HASH = INFO["hash"]


# -- client get public: a verified but stale "latest" is flagged ------------------------------------
@pytest.fixture(scope="module")
def old_relay():
    """A relay that serves quicknet's round 12,040,883 (of 2024) as the latest, forever."""
    routes = {f"/{HASH}/info": (200, INFO), f"/{HASH}/public/latest": (200, BEACON),
              f"/{HASH}/public/{BEACON['round']}": (200, BEACON)}  # fmt: skip
    with RecordedServer(routes) as server:
        yield server


def test_client_get_public_warns_when_the_latest_is_older_than_the_clock(old_relay, capsys) -> None:
    assert main(["client", "get", "public", "--url", old_relay.url, "--hash", HASH]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["round"] == BEACON["round"]  # it verifies: still printed
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning:") and str(BEACON["round"]) in lines[0]
    assert "rounds older than the clock" in lines[0]


def test_an_explicit_round_is_never_stale(old_relay, capsys) -> None:
    argv = ["client", "get", "public", "--url", old_relay.url, "--hash", HASH, str(BEACON["round"])]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_rounds_behind_counts_from_the_clock(old_relay) -> None:
    client = Client(old_relay.url, chain_hash=HASH)
    beacon = client.latest()
    due = client.info().time_of_round(beacon.round)
    for now, behind in ((due, 0), (due + 2.9, 0), (due + 3, 1), (due + 30, 10), (due - 60, 0)):
        client.clock = lambda now=now: now
        assert client.rounds_behind(beacon) == behind
    assert isinstance(beacon, Beacon)
