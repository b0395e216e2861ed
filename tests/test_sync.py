"""BatchSync (ours): verified sync from peers, batch or one by one; liars dropped; interrupted syncs resume;
and drand's SyncManager on running nodes: one shuffled peer at a time, silent peers survived."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon, verify_chain
from drand_edu.node.network import LocalNetwork
from drand_edu.node.sync import BatchSync
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, SQLiteStore, StoreSource


@pytest.fixture(scope="module", params=["pedersen-bls-chained", "bls-unchained-g1-rfc9380"])
def chain(request):
    net = LocalNetwork.create(3, 2, request.param, rng=seeded_rng(request.param))
    net.advance(3 * 59 + 0.5)  # rounds 1..60
    return net.info, list(net.processes[0].store.cursor(1))


def peer_with(beacons):
    store = MemoryStore()
    for beacon in beacons:
        store.put(beacon)
    return StoreSource(store)


@pytest.mark.parametrize("batch", [True, False])
def test_sync_from_scratch(chain, batch, tmp_path) -> None:
    info, beacons = chain
    store = SQLiteStore(tmp_path / "new.db", trimmed=False)
    seen = []
    report = BatchSync(info, store, [peer_with(beacons)], chunk=16, batch=batch).sync(
        60, progress=lambda done, total: seen.append(done)
    )
    assert report.ok and report.stored == 60
    assert list(store.cursor()) == beacons and seen == [16, 32, 48, 60]


def test_a_lying_peer_is_dropped_and_another_one_used(chain) -> None:
    info, beacons = chain
    forged = list(beacons)
    forged[30] = Beacon(31, beacons[12].signature, beacons[30].previous_signature)
    store = MemoryStore()
    report = BatchSync(info, store, [peer_with(forged), peer_with(beacons)], chunk=20).sync(60)
    assert len(report.rejected) == 1
    assert "invalid signatures" in report.rejected[0] or "link" in report.rejected[0]
    assert list(store.cursor()) == beacons  # the liar's first, valid chunk was kept; nothing invalid
    assert verify_chain(info, list(store.cursor())) == []


def test_only_liars_means_nothing_is_stored_past_the_lie(chain) -> None:
    info, beacons = chain
    store = MemoryStore()
    lagging = peer_with(beacons[:10])
    report = BatchSync(info, store, [lagging], chunk=20).sync(60)
    assert not report.ok and "gaps" in report.rejected[0] and len(store) == 0


def test_an_interrupted_sync_resumes_where_it_stopped(chain, tmp_path) -> None:
    info, beacons = chain
    path = tmp_path / "resume.db"
    with SQLiteStore(path, trimmed=False) as store:
        BatchSync(info, store, [peer_with(beacons)], chunk=10).sync(25)  # "interrupted" at 25
        assert store.last_round() == 25
    with SQLiteStore(path) as store:
        report = BatchSync(info, store, [peer_with(beacons)], chunk=10).sync(60)
        assert report.stored == 35 and list(store.cursor()) == beacons


# -- drand's sync manager, on running nodes ---------------------------------------------------------
from drand_edu.net.messages import BeaconPacket, PartialBeaconPacket, SyncRequest, SyncStreamEnd  # noqa: E402
from drand_edu.node.partial_cache import PartialCache  # noqa: E402
from drand_edu.node.sync import serve_sync  # noqa: E402
from drand_edu.threshold.tbls import sign_partial  # noqa: E402


class FirstThen:
    """An rng whose first shuffle puts ``first`` in front; later shuffles are seeded ones."""

    def __init__(self, first: list[int], seed: int = 0) -> None:
        import random

        self.first, self.rest = first, random.Random(seed)

    def sample(self, population, k):
        if self.first:
            order, self.first = self.first + [p for p in population if p not in self.first], []
            return order
        return self.rest.sample(population, k)


def requests_from(net, node: int) -> list[int]:
    return [e.dst for e in net.sim.trace if e.src == node and e.kind == "sync"]


def test_a_partial_two_rounds_ahead_of_the_clock_is_ignored_and_a_bad_one_never_cached() -> None:
    net = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng(21))
    net.run_rounds(2)
    node, signer = net.processes[0], net.processes[1]
    current = net.info.round_at(net.now())
    last = node.store.last()
    for ahead, expect_cached in ((2, False), (1, True)):
        round_number = current + ahead
        message = net.info.scheme.digest(round_number, last.signature)
        partial = sign_partial(net.info.scheme, signer.share, message)
        node.receive(1, PartialBeaconPacket(round_number, last.signature, partial, net.info.beacon_id))
        assert (round_number in node.partials) is expect_cached
    assert node.ignored_future == 1
    bad = sign_partial(net.info.scheme, signer.share, b"another message")
    node.receive(1, PartialBeaconPacket(current + 1, b"x", bad, net.info.beacon_id))
    assert node.rejected_partials == 1 and len(node.partials[current + 1]) == 1  # verified first


def test_the_partial_cache_keeps_the_first_partial_and_bounds_each_signer() -> None:
    cache = PartialCache(per_node=3)
    first = (1).to_bytes(2, "big") + b"first"
    assert len(cache.append(5, b"p", first)) == 1
    assert cache.append(5, b"p", (1).to_bytes(2, "big") + b"second").partials[1] == first  # first wins
    for round_number in (6, 7, 8):  # signer 1's fourth round evicts its oldest (round 5)
        cache.append(round_number, b"p", (1).to_bytes(2, "big") + b"r")
    assert sorted(r for r, _ in cache.rounds) == [6, 7, 8]
    cache.flush(7)
    assert sorted(r for r, _ in cache.rounds) == [8]


def test_a_restarted_node_syncs_one_peer_at_a_time_and_survives_a_silent_one() -> None:
    net = LocalNetwork.create(5, 3, "pedersen-bls-chained", rng=seeded_rng(22))
    net.run_rounds(2)
    net.crash(4)
    net.run_rounds(4)
    net.crash(0)  # node 0 goes silent: a request to it is never answered
    node = net.processes[4]
    node.sync_manager.rng = FirstThen([0])
    net.restart(4)
    net.run_rounds(1)
    assert requests_from(net, 4) == [0] and node.head() < net.processes[1].head()  # still waiting
    net.run_rounds(3)  # two periods without a beacon: the next tick's request restarts the sync
    asked = requests_from(net, 4)
    assert asked[0] == 0 and len(asked) >= 2 and asked[1] != 0
    assert any("restarting the sync" in line for line in node.sync_manager.log)
    assert node.head() == net.processes[1].head()  # caught up with the live nodes
    assert verify_chain(net.info, list(node.store.cursor(1))) == []


def test_a_memdb_peer_cannot_serve_history_so_the_newcomer_moves_on() -> None:
    net = LocalNetwork.create(
        4, 3, "pedersen-bls-chained", rng=seeded_rng(23), db=["memdb", "sqlite", "sqlite", "sqlite"],
        memdb_size=10,
    )  # fmt: skip
    net.crash(3)
    net.run_rounds(20)
    assert len(net.processes[0].store) == 10 and 1 not in net.processes[0].store  # it forgot
    node = net.processes[3]
    node.sync_manager.rng = FirstThen([0])
    net.restart(3)
    net.run_rounds(2)
    log = "\n".join(node.sync_manager.log)
    assert "node 0: invalid round inserted: last 0" in log  # memdb sent only new beacons: a gap
    assert requests_from(net, 3)[:2][0] == 0 and node.head() == net.processes[1].head()


def test_serving_a_sync_sends_history_then_keeps_following_new_beacons() -> None:
    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng(24))
    net.run_rounds(3)
    store, sent = net.processes[0].store, []
    last = store.last_round()
    assert not serve_sync(store, "far", SyncRequest(last + 5, net.info.beacon_id), sent.append)
    assert isinstance(sent[-1], SyncStreamEnd) and sent[-1].by_server
    sent.clear()
    assert serve_sync(store, "client", SyncRequest(2, net.info.beacon_id), sent.append)
    assert [p.round for p in sent] == list(range(2, last + 1))
    net.run_rounds(3)  # the stream follows the chain
    assert [p.round for p in sent if isinstance(p, BeaconPacket)] == list(range(2, store.last_round() + 1))
    assert store.last_round() >= last + 3
    serve_sync(store, "client", SyncRequest(store.last_round(), net.info.beacon_id), sent.append)
    assert any(isinstance(p, SyncStreamEnd) and p.reason == "callback replaced" for p in sent)


def test_a_recovered_beacon_ahead_of_the_chain_triggers_a_sync() -> None:
    """drand's shouldSync: t valid partials of round last + 2 recover a beacon that cannot be appended."""
    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng(25))
    net.run_rounds(3)
    k = net.processes[3].head()
    net.run_until(net.info.time_of_round(k + 1) - 0.2)
    net.sim.crash(3)  # node 3 misses round k + 1 (the simulator's crash alone: no catch-up on restart)
    net.run_until(net.info.time_of_round(k + 1) + 1)
    net.sim.restart(3)
    node, others = net.processes[3], net.processes[:3]
    assert node.head() == k and others[0].head() == k + 1 and node.sync_manager.syncs_started == 0
    previous = others[0].store.get(k + 1).signature
    message = net.info.scheme.digest(k + 2, previous)
    for signer in others:  # the round after next, signed by t others (allowed: one round ahead of the clock)
        partial = signer.vault.sign_partial(message)
        node.receive(signer.index, PartialBeaconPacket(k + 2, previous, partial, net.info.beacon_id))
    assert node.sync_manager.syncs_started == 1 and node.sync_manager.session.up_to == k + 2
    net.run_until(net.info.time_of_round(k + 2) + 1)
    assert node.head() >= k + 2  # synced k + 1 from a peer, then stored k + 2
