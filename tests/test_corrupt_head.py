"""A node whose stored last beacon is corrupt says so at start and repairs it (issue 23, deliverable 5).

Before: a node restarted over a ``chain.db`` whose last row was damaged signed every partial over the
wrong signature and refused every beacon its peers synced to it (they do not link to the damaged
one): it stayed behind, silently, round after round. Now the start checks the head, logs the
corrupt round, removes it and syncs it again from the group. Against real node processes
(``demo up``), and on the simulator for the refusal when too much is damaged.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from drand_edu.cli import main
from drand_edu.cli.demo import start_node
from drand_edu.client import Client
from drand_edu.errors import CorruptStore
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng

from .test_demo_processes import alive, demo_up, health, shut_down, wait_for

pytestmark = pytest.mark.slow


def corrupt_last_row(db: Path) -> int:
    """Flip bytes in the signature of the last stored round (a damaged disk); return that round."""
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        number, signature = connection.execute(
            "SELECT round, signature FROM beacons ORDER BY round DESC LIMIT 1"
        ).fetchone()
        damaged = bytes(signature[:10]) + bytes(b ^ 0x5A for b in signature[10:20]) + bytes(signature[20:])
        connection.execute("UPDATE beacons SET signature = ? WHERE round = ?", (damaged, number))
    return number


def test_a_node_restarted_over_a_corrupt_last_beacon_says_so_and_catches_up(tmp_path, capsys) -> None:
    folder = tmp_path / "demo"
    urls, pids = demo_up(folder, capsys)
    restarted = None
    try:
        wait_for(lambda: health(urls[0])["current"] >= 3, 60, "round 3")
        node3 = folder / "node3"
        assert main(["stop", "--folder", str(node3)]) == 0
        wait_for(lambda: not alive(pids[3]), 15, "node 3 to stop")
        corrupted = corrupt_last_row(node3 / "multibeacon" / "default" / "chain.db")
        log_before = (node3 / "node.log").read_text()
        restarted = start_node(node3, int(urls[3].rsplit(":", 1)[1]))
        wait_for(lambda: health(urls[3])["current"] >= corrupted + 3, 90,
                 f"node 3 to get past round {corrupted} again")  # fmt: skip
        wait_for(
            lambda: health(urls[3])["current"] >= health(urls[0])["current"] - 1, 30, "node 3 to catch up"
        )
        said = (node3 / "node.log").read_text()[len(log_before) :]
        assert f"stored beacon of round {corrupted} is corrupt" in said
        info_hash = Client(urls[0], trust_on_first_use=True).info().hash_hex
        repaired = Client(urls[3], chain_hash=info_hash).get(corrupted)  # verified by the client
        assert repaired == Client(urls[0], chain_hash=info_hash).get(corrupted)
    finally:
        shut_down(folder, pids, restarted, in_the_demo=True)


def test_a_store_damaged_beyond_the_head_is_refused_and_a_small_damage_repaired() -> None:
    from drand_edu.chain.beacon import Beacon

    net = LocalNetwork.create(3, 2, rng=seeded_rng("corrupt-head"))
    net.run_rounds(6)
    process = net.processes[0]
    assert process.check_stored_head() == 0  # a healthy head: nothing removed
    for number in (5, 6):  # the last two rounds damaged underneath the stack
        good = process.backend.get(number)
        process.backend.delete(number)
        process.backend.put(Beacon(number, good.signature[::-1], good.previous_signature))
    with pytest.raises(CorruptStore, match="do not verify"):
        process.check_stored_head(limit=1)
    assert process.head() == 5  # it removed what it may (one), then refused
    assert process.check_stored_head() == 1 and process.head() == 4
    net.run_rounds(2)
    assert process.head() == net.processes[1].head() >= 8  # synced again, verified, and went on
