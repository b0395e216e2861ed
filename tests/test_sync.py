"""SyncManager: verified sync from peers, batch or one by one; liars dropped; interrupted syncs resume."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon, verify_chain
from drand_edu.node.network import LocalNetwork
from drand_edu.node.sync import SyncManager
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, SQLiteStore, StoreSource


@pytest.fixture(scope="module", params=["pedersen-bls-chained", "bls-unchained-g1-rfc9380"])
def chain(request):
    net = LocalNetwork.create(3, 2, request.param, rng=seeded_rng(request.param))
    net.advance(3 * 59 + 0.5)  # rounds 1..60
    return net.info, list(net.processes[0].store.cursor())


def peer_with(beacons):
    store = MemoryStore()
    for beacon in beacons:
        store.put(beacon)
    return StoreSource(store)


@pytest.mark.parametrize("batch", [True, False])
def test_sync_from_scratch(chain, batch, tmp_path) -> None:
    info, beacons = chain
    store = SQLiteStore(tmp_path / "new.db")
    seen = []
    report = SyncManager(info, store, [peer_with(beacons)], chunk=16, batch=batch).sync(
        60, progress=lambda done, total: seen.append(done)
    )
    assert report.ok and report.stored == 60
    assert list(store.cursor()) == beacons and seen == [16, 32, 48, 60]


def test_a_lying_peer_is_dropped_and_another_one_used(chain) -> None:
    info, beacons = chain
    forged = list(beacons)
    forged[30] = Beacon(31, beacons[12].signature, beacons[30].previous_signature)
    store = MemoryStore()
    report = SyncManager(info, store, [peer_with(forged), peer_with(beacons)], chunk=20).sync(60)
    assert len(report.rejected) == 1
    assert "invalid signatures" in report.rejected[0] or "link" in report.rejected[0]
    assert list(store.cursor()) == beacons  # the liar's first, valid chunk was kept; nothing invalid
    assert verify_chain(info, list(store.cursor())) == []


def test_only_liars_means_nothing_is_stored_past_the_lie(chain) -> None:
    info, beacons = chain
    store = MemoryStore()
    lagging = peer_with(beacons[:10])
    report = SyncManager(info, store, [lagging], chunk=20).sync(60)
    assert not report.ok and "gaps" in report.rejected[0] and len(store) == 0


def test_an_interrupted_sync_resumes_where_it_stopped(chain, tmp_path) -> None:
    info, beacons = chain
    path = tmp_path / "resume.db"
    with SQLiteStore(path) as store:
        SyncManager(info, store, [peer_with(beacons)], chunk=10).sync(25)  # "interrupted" at 25
        assert store.last_round() == 25
    with SQLiteStore(path) as store:
        report = SyncManager(info, store, [peer_with(beacons)], chunk=10).sync(60)
        assert report.stored == 35 and list(store.cursor()) == beacons
