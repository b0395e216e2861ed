"""Chain stores behave alike (memory, SQLite, trimmed SQLite); checks find corruption and repair mends it;
drand's store stack refuses gaps, forks and broken links; memdb is a bounded ring; drand_node_db says
which."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from drand_edu.chain import Beacon, verify_chain
from drand_edu.errors import BeaconNotFound, InvalidBeacon, StoreError
from drand_edu.node.metrics import NodeMetrics
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import (
    MEMDB_DEFAULT_SIZE,
    BeaconAlreadyStored,
    MemoryStore,
    SQLiteStore,
    StoreSource,
    check_store,
    new_chain_store,
    repair,
)

BACKENDS = ["memory", "sqlite", "trimmed"]


@pytest.fixture(scope="module", params=["pedersen-bls-chained", "bls-unchained-g1-rfc9380"])
def chain(request):
    net = LocalNetwork.create(4, 3, request.param, rng=seeded_rng(request.param))
    net.advance(3 * 19 + 0.5)  # rounds 1..20
    return net.info, list(net.processes[0].store.cursor(1))


def open_store(kind: str, tmp_path: Path, info):
    if kind == "memory":
        return MemoryStore(100)
    seed = info.genesis_seed if info.scheme.chained else None
    return SQLiteStore(tmp_path / f"{kind}.db", trimmed=kind == "trimmed", genesis_seed=seed)


@pytest.mark.parametrize("kind", BACKENDS)
def test_every_backend_stores_and_reads_the_same_chain(kind, tmp_path, chain) -> None:
    info, beacons = chain
    store = open_store(kind, tmp_path, info)
    for beacon in beacons[:10]:
        store.put(beacon)
    if isinstance(store, SQLiteStore):
        store.put_many(beacons[10:])
    else:
        for beacon in beacons[10:]:
            store.put(beacon)
    assert len(store) == 20 and store.last() == beacons[-1] and store.last_round() == 20
    assert store.get(7) == beacons[6] and 7 in store and 99 not in store
    assert list(store.cursor(5, 8)) == beacons[4:8]
    assert list(store.cursor()) == beacons
    store.put(beacons[3])  # the same beacon again: fine
    with pytest.raises(StoreError, match="refusing to fork"):
        store.put(Beacon(4, beacons[4].signature, beacons[3].previous_signature))
    with pytest.raises(BeaconNotFound):
        store.get(21)
    assert check_store(info, store) == []
    store.close()


def test_sqlite_survives_reopening_and_refuses_the_other_mode(tmp_path, chain) -> None:
    _, beacons = chain
    path = tmp_path / "chain.db"
    with SQLiteStore(path, trimmed=False) as store:
        store.put_many(beacons)
    with SQLiteStore(path) as again:  # an existing store keeps its form
        assert not again.trimmed and list(again.cursor()) == beacons
    with pytest.raises(StoreError, match="full store"):
        SQLiteStore(path, trimmed=True)
    with SQLiteStore(tmp_path / "new.db") as new:  # a new store is trimmed, as in drand v2
        assert new.trimmed and (new.db_type, new.metric_code) == ("sqlite-trimmed", 1)
    path.with_name("junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable"):
        SQLiteStore(path.with_name("junk.db"))


def test_trimmed_store_is_smaller(tmp_path) -> None:
    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng(3))
    net.advance(3 * 299 + 0.5)
    beacons = list(net.processes[0].store.cursor(1))
    sizes = {}
    for trimmed in (False, True):
        path = tmp_path / f"t{trimmed}.db"
        with SQLiteStore(path, trimmed=trimmed, genesis_seed=net.info.genesis_seed) as store:
            store.put_many(beacons)
            assert verify_chain(net.info, list(store.cursor())) == []
        sizes[trimmed] = sum(p.stat().st_size for p in tmp_path.glob(f"t{trimmed}.db*"))
    assert sizes[True] < 0.75 * sizes[False]


@pytest.mark.parametrize("kind", ["sqlite", "trimmed"])
def test_corrupted_rows_and_gaps_are_found_and_repaired(kind, tmp_path, chain) -> None:
    info, beacons = chain
    store = open_store(kind, tmp_path, info)
    store.put_many(beacons)
    peer = MemoryStore()
    for beacon in beacons:
        peer.put(beacon)
    # corrupt row 5 behind the store's back, and delete rows 11-12
    with sqlite3.connect(store.path) as raw:
        raw.execute("UPDATE beacons SET signature = ? WHERE round = 5", (beacons[8].signature,))
        raw.execute("DELETE FROM beacons WHERE round IN (11, 12)")
    problems = check_store(info, store)
    assert {(p.round, p.kind) for p in problems} >= {(5, "signature"), (11, "gap")}
    written = repair(info, store, StoreSource(peer))
    assert written >= 3
    assert check_store(info, store) == [] and list(store.cursor()) == beacons


def test_repair_refuses_a_lying_source(tmp_path, chain) -> None:
    info, beacons = chain
    store = MemoryStore()
    for beacon in beacons[:5] + beacons[6:]:
        store.put(beacon)
    liar = MemoryStore()
    liar.put(Beacon(6, beacons[9].signature, beacons[5].previous_signature))
    with pytest.raises(InvalidBeacon):
        repair(info, store, StoreSource(liar))
    assert 6 not in store  # nothing invalid was written


WRITER = textwrap.dedent(
    """
    import json, sys
    from drand_edu.chain import Beacon
    from drand_edu.store import SQLiteStore
    beacons = [Beacon.from_json(b) for b in json.load(open(sys.argv[2]))]
    store = SQLiteStore(sys.argv[1], trimmed=False)
    start = store.last_round()
    print("ready", start, flush=True)
    while True:  # empty the table, write every beacon again: the kill lands in the middle of real writes
        for beacon in beacons[start:]:
            store.put(beacon)
        store._db.execute("DELETE FROM beacons")
        start = 0
    """
)


def test_sqlite_survives_a_killed_writer(tmp_path, chain) -> None:
    """A real process writing beacons is SIGKILLed; the store opens, is valid, and writing resumes."""
    import json

    info, beacons = chain
    data = tmp_path / "beacons.json"
    data.write_text(json.dumps([b.to_json() for b in beacons]))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    path = tmp_path / "killed.db"
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, str(script), str(path), str(data)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().startswith("ready")
        time.sleep(0.3)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        with SQLiteStore(path, trimmed=False) as store:
            stored = list(store.cursor())
            assert stored == beacons[: len(stored)]  # a prefix: no torn or half-written row
            assert check_store(info, store) == []
    with SQLiteStore(path, trimmed=False) as store:
        store.put_many(beacons[store.last_round() :])  # resume where it stopped
        assert list(store.cursor()) == beacons


# -- drand's store stack ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", BACKENDS)
def test_the_stack_starts_at_genesis_and_refuses_gaps_and_forks(kind, tmp_path, chain) -> None:
    info, beacons = chain
    store = new_chain_store(info, open_store(kind, tmp_path, info))
    assert store.get(0).signature == info.genesis_seed and store.last_round() == 0  # genesis, round 0
    with pytest.raises(StoreError, match="invalid round inserted: last 0, new 2"):
        store.put(beacons[1])  # a gap: round 2 before round 1
    for beacon in beacons[:5]:
        store.put(beacon)
    with pytest.raises(BeaconAlreadyStored):
        store.put(beacons[4])  # the same beacon again: harmless, and said so
    with pytest.raises(StoreError, match="refusing to fork"):
        store.put(Beacon(5, beacons[6].signature, beacons[4].previous_signature))
    with pytest.raises(StoreError, match="invalid round"):
        store.put(beacons[2])  # out of order: an old round
    with pytest.raises(StoreError, match="invalid round"):
        store.put(beacons[7])  # a gap
    assert store.last_round() == 5 and list(store.cursor(1)) == beacons[:5]
    assert store.layers()[:4] == ["CallbackStore", "AppendStore", "SchemeStore", "DiscrepancyStore"]


def test_the_scheme_layer_checks_the_link_on_chained_chains_and_drops_it_on_others(chain) -> None:
    info, beacons = chain
    store = new_chain_store(info, MemoryStore(100))
    if info.scheme.chained:
        with pytest.raises(StoreError, match="invalid previous signature for round 1"):
            store.put(Beacon(1, beacons[0].signature, b"\x01" * 96))  # valid signature, wrong link
    else:
        store.put(Beacon(1, beacons[0].signature, b"\x01" * 96))
        assert store.get(1).previous_signature == b""  # drand sets it to nil on unchained schemes


def test_callbacks_hear_every_new_beacon_and_a_replaced_one_is_closed(chain) -> None:
    info, beacons = chain
    store = new_chain_store(info, MemoryStore(100))
    heard, closed = [], []
    store.add_callback("a", lambda b, c: closed.append("a") if c else heard.append(b.round))
    store.put(beacons[0])
    store.add_callback("a", lambda b, c: heard.append(-b.round))  # replaces the first: it hears closed
    with pytest.raises(StoreError):
        store.put(beacons[5])  # refused: no callback
    store.put(beacons[1])
    assert heard == [1, -2] and closed == ["a"]


def test_the_discrepancy_layer_sets_the_metrics(chain) -> None:
    info, beacons = chain
    now = [info.time_of_round(1) + 0.25]
    metrics = NodeMetrics(info.beacon_id, lambda: now[0])
    store = new_chain_store(info, MemoryStore(100), clock=lambda: now[0], metrics=metrics, group=(4, 3))
    store.put(beacons[0])
    text = metrics.exposition().decode()
    assert 'beacon_discrepancy_latency{beacon_id="' in text and " 250.0" in text
    assert "last_beacon_round" in text and "group_threshold" in text


@pytest.mark.parametrize(
    "kind, label, code",
    [("memory", "memdb", 3), ("sqlite", "sqlite-untrimmed", 4), ("trimmed", "sqlite-trimmed", 1)],
)
def test_drand_node_db_says_which_backend(kind, label, code, tmp_path, chain) -> None:
    info, _ = chain
    metrics = NodeMetrics(info.beacon_id)
    new_chain_store(info, open_store(kind, tmp_path, info), metrics=metrics)
    text = metrics.exposition().decode()
    assert f'drand_node_db{{beaconID="{info.beacon_id}",db_type="{label}"}} {code}.0' in text


def test_memdb_is_a_bounded_ring_that_forgets(chain) -> None:
    info, beacons = chain
    assert MemoryStore().size == MEMDB_DEFAULT_SIZE == 2000
    with pytest.raises(StoreError, match="smaller than 10"):
        MemoryStore(9)
    store = new_chain_store(info, MemoryStore(10))
    for beacon in beacons[:15]:
        store.put(beacon)
    assert len(store) == 10 and [b.round for b in store.cursor()] == list(range(6, 16))
    for gone in (0, 1, 5):
        with pytest.raises(BeaconNotFound):
            store.get(gone)  # fell off the ring: a memdb node cannot serve it any more
    store.put(beacons[15])  # appending goes on: the append layer remembers the last beacon
    assert store.last_round() == 16


def test_a_new_sqlite_store_is_trimmed_and_rebuilds_links_from_the_genesis_row(tmp_path, chain) -> None:
    info, beacons = chain
    backend = SQLiteStore(tmp_path / "node.db", chained=info.scheme.chained)  # no genesis_seed given
    store = new_chain_store(info, backend)
    for beacon in beacons[:6]:
        store.put(beacon)
    assert backend.trimmed and list(store.cursor(1)) == beacons[:6] and store.get(1) == beacons[0]
