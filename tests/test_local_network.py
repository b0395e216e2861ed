"""The local network on the simulator: valid chains, halts below t, catch-up, sync after a crash, and
randomized fault schedules that never leave an invalid or forked beacon anywhere."""

from __future__ import annotations

import random

import pytest

from drand_edu.chain import verify_chain
from drand_edu.net import Link
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng


@pytest.mark.parametrize(
    "scheme_id", ["pedersen-bls-chained", "bls-unchained-g1-rfc9380", "bls-unchained-on-g1"]
)
def test_every_node_stores_the_same_valid_chain(scheme_id: str) -> None:
    net = LocalNetwork.create(4, 3, scheme_id, rng=seeded_rng(scheme_id))
    net.run_rounds(8)
    assert net.heads() == [8] * 4  # run_rounds(n) means n rounds
    chains = [list(p.store.cursor(1)) for p in net.processes]
    assert all(chain == chains[0] for chain in chains)
    assert verify_chain(net.info, chains[0]) == []
    assert net.processes[0].store.get(0).signature == net.info.genesis_seed  # the genesis beacon, round 0


def test_halt_below_threshold_resume_and_sync() -> None:
    net = LocalNetwork.create(5, 3, "pedersen-bls-chained", rng=seeded_rng(7))
    net.run_rounds(4)
    assert net.heads() == [4] * 5
    net.crash(0, 1, 2)
    net.run_rounds(4)
    assert max(net.heads()) == 4  # 2 of 5 up with t = 3: the chain halts
    net.restart(0)
    net.run_rounds(4)
    current = net.info.round_at(net.sim.now())
    assert net.processes[0].head() == net.processes[3].head() >= current - 1  # caught up with the clock
    assert net.processes[1].head() == 4  # still down
    net.restart(1, 2)
    net.run_rounds(2)
    assert len(set(net.heads())) == 1
    for process in net.processes:
        assert verify_chain(net.info, list(process.store.cursor(1))) == []


def test_a_partition_without_a_majority_side_stops_the_chain() -> None:
    net = LocalNetwork.create(4, 3, rng=seeded_rng(8))
    net.run_rounds(2)
    net.sim.partition({0, 1}, {2, 3})
    before = max(net.heads())
    net.run_rounds(3)
    assert max(net.heads()) == before
    net.sim.heal()
    net.run_rounds(3)
    assert min(net.heads()) > before


def test_export_is_verifiable(tmp_path) -> None:
    from drand_edu.cli import main

    net = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng(9))
    net.run_rounds(5)
    info, beacons = net.export(tmp_path)
    assert main(["verify", "--info", str(info), str(beacons)]) == 0


@pytest.mark.parametrize("seed", range(12))
def test_random_fault_schedules_never_store_a_bad_or_forked_beacon(seed: int) -> None:
    """Crashes, restarts, partitions, lossy and slow links, chosen at random (seeded)."""
    chooser = random.Random(seed)
    scheme = chooser.choice(["pedersen-bls-chained", "bls-unchained-g1-rfc9380"])
    n = chooser.choice([4, 5])
    link = Link(latency=chooser.choice([0.01, 0.2, 1.0]), jitter=0.1, loss=chooser.choice([0.0, 0.1, 0.3]))
    net = LocalNetwork.create(n, None, scheme, link=link, rng=seeded_rng(seed))
    for _ in range(6):
        action = chooser.choice(["crash", "restart", "partition", "heal", "wait"])
        node = chooser.randrange(n)
        if action == "crash":
            net.crash(node)
        elif action == "restart":
            net.restart(node)
        elif action == "partition":
            cut = chooser.randrange(1, n)
            net.sim.partition(set(range(cut)), set(range(cut, n)))
        elif action == "heal":
            net.sim.heal()
        net.run_rounds(chooser.randint(1, 3))
    stores = [list(p.store.cursor(1)) for p in net.processes]
    for chain in stores:
        assert verify_chain(net.info, chain) == []
    by_round: dict[int, bytes] = {}
    for chain in stores:
        for beacon in chain:
            assert by_round.setdefault(beacon.round, beacon.signature) == beacon.signature  # no fork


def test_metrics_show_a_node_falling_behind() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from drand_edu.viz.metrics import plot_discrepancy, plot_last_round

    net = LocalNetwork.create(4, 3, rng=seeded_rng(5))
    net.run_rounds(3)
    net.crash(3)
    net.run_rounds(3)
    net.restart(3)
    net.run_rounds(1)
    _, behind = net.processes[3].metrics.series("last_beacon_round")
    _, healthy = net.processes[0].metrics.series("last_beacon_round")
    assert behind[-1] == healthy[-1] == net.head()
    late = net.processes[3].metrics.series("beacon_discrepancy_latency")[1]
    assert max(late) >= 3000  # the rounds synced after the restart were stored seconds late
    metrics = [p.metrics for p in net.processes]
    assert plot_last_round(metrics).axes and plot_discrepancy(metrics).axes


def test_a_node_sending_bad_partials_is_outvoted() -> None:
    from drand_edu.threshold.poly import PriShare

    net = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng(11))
    liar = net.processes[0]
    liar.vault.set_info(liar.vault.group, PriShare(liar.share.index, liar.share.value + 1))  # a wrong share
    net.run_rounds(6)
    honest = net.processes[1:]
    assert min(p.head() for p in honest) >= 6
    assert all(p.rejected_partials > 0 for p in honest)  # bad partials refused before the cache
    assert all(0 not in r for p in honest for r in p.partials.values())
    for process in net.processes:
        assert verify_chain(net.info, list(process.store.cursor(1))) == []


def test_daemons_hold_every_layer_and_serve_the_api() -> None:
    import json
    import urllib.request

    from drand_edu.api import serve_metrics, serve_node

    net = LocalNetwork.create(3, 2, rng=seeded_rng(12))
    net.run_rounds(3)
    daemon = net.daemons[1]
    assert daemon.key_store.share == daemon.process.share and daemon.key_store.group is not None
    assert daemon.key_store.public_key in {n.public_key for n in daemon.key_store.group.nodes}
    assert [name for name, _ in daemon.layers()] == [
        "daemon", "key store", "beacon process", "vault", "store", "metrics", "public API"
    ]  # fmt: skip
    store_line = dict(daemon.layers())["store"]
    assert store_line.startswith("CallbackStore → AppendStore → SchemeStore → DiscrepancyStore → SQLiteStore")
    server = serve_node(daemon, net.now)
    try:
        with urllib.request.urlopen(server.url + "/public/latest", timeout=5) as answer:
            assert json.loads(answer.read())["round"] == daemon.store.last_round() == 3
        with serve_metrics([daemon.metrics]) as metrics:  # metrics: a listener of their own
            with urllib.request.urlopen(metrics.url + "/metrics", timeout=5) as answer:
                assert b"last_beacon_round" in answer.read()
    finally:
        net.stop_apis()
    assert daemon.api is None


@pytest.mark.parametrize("rounds", [[1, 1, 1], [3, 5], [7], [2, 0, 4]])
def test_run_rounds_runs_exactly_that_many_rounds(rounds: list[int]) -> None:
    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng(13))
    assert net.heads() == [0] * 4  # only the genesis beacon
    expected = 0
    for n in rounds:
        net.run_rounds(n)
        expected += n
        assert net.heads() == [expected] * 4  # healthy: the head advances by exactly n, from genesis on
    net.advance(1.0)  # mid-round: the next call still runs n more rounds
    net.run_rounds(2)
    assert net.heads() == [expected + 2] * 4
    with pytest.raises(ValueError):
        net.run_rounds(-1)


def test_the_shared_verifier_changes_nothing_but_the_work() -> None:
    """The simulator's shortcut (one SharedVerifier for all nodes) stores byte-identical chains and
    counts the same rejections as nodes that each verify everything themselves (as drand's do)."""
    from drand_edu.net.messages import PartialBeaconPacket

    def run(shared: bool) -> LocalNetwork:
        net = LocalNetwork.create(5, 3, "pedersen-bls-chained", rng=seeded_rng(14), shared_verifier=shared)
        net.run_rounds(3)
        net.crash(4)
        net.run_rounds(2)
        net.restart(4)
        net.advance(1.0)  # well inside a round: the next round's partials are not signed yet
        forged = net.processes[1].store.last()
        bad = PartialBeaconPacket(forged.round + 1, forged.signature, b"\x00\x02" + b"\x11" * 96, "localnet")
        wrong = net.processes[2].vault.sign_partial(b"another message")  # a valid point, a wrong signature
        for dst in (0, 3):
            net.sim.send(2, dst, bad)  # a malformed partial and a forged one: rejected by both ways
            net.sim.send(2, dst, PartialBeaconPacket(bad.round, bad.previous_signature, wrong, "localnet"))
        net.run_rounds(3)
        return net

    shared, alone = run(True), run(False)
    assert shared.heads() == alone.heads() == [8] * 5
    for a, b in zip(shared.processes, alone.processes, strict=True):
        assert list(a.store.cursor(0)) == list(b.store.cursor(0))
        assert (a.rejected_partials, a.rejected_beacons) == (b.rejected_partials, b.rejected_beacons)
    assert sum(p.rejected_partials for p in shared.processes) == 4
    assert shared.processes[0].verifier is shared.processes[1].verifier
    assert alone.processes[0].verifier is not alone.processes[1].verifier


def test_a_memdb_node_loses_its_beacons_when_it_restarts_and_starts_from_the_current_round() -> None:
    """drand's memdb lives in the process's memory: a restarted memdb node has none of its beacons; like
    drand's storeCurrentFromPeerNetwork it stores the current round fetched from a peer and goes on from
    there, never syncing the history again. A node with a database file (our SQLite, drand's bolt) keeps
    its rounds and syncs the ones it missed."""
    from drand_edu.store.memory import MemoryStore

    net = LocalNetwork.create(5, 3, rng=seeded_rng(21), db=["memdb", "sqlite", "sqlite", "sqlite", "sqlite"])
    net.run_rounds(5)
    assert net.heads() == [5] * 5
    before = net.processes[0].store.get(3)
    net.crash(0, 1)
    net.run_rounds(2)
    current = net.info.round_at(net.now())
    assert current == 7 and net.processes[2].head() == 7
    net.restart(0, 1)
    memdb, sqlite = net.processes[0], net.processes[1]
    assert isinstance(memdb.backend, MemoryStore)
    assert [b.round for b in memdb.backend.cursor(0)] == [0, current]  # genesis + the current round
    assert memdb.store.get(current) == net.processes[2].store.get(current)
    assert sqlite.head() == 5  # its file survived the crash
    net.run_rounds(2)
    assert memdb.head() == sqlite.head() == net.head() == 9
    assert 3 not in memdb.store and 3 in sqlite.store and sqlite.store.get(3) == before  # history gone
    assert [b.round for b in memdb.store.cursor(1)] == [7, 8, 9]
    assert verify_chain(net.info, list(memdb.store.cursor(7))) == []
    assert memdb.sync_manager.synced <= 2  # only what came after the current round, never rounds 1-6


def test_a_memdb_node_restarted_alone_before_round_2_starts_from_genesis() -> None:
    """drand's storeCurrentFromPeerNetwork does nothing below round 2 (a fresh start), and with no peer
    answering the node starts from the genesis beacon and syncs ("Reverting to synced startup")."""
    net = LocalNetwork.create(4, 3, rng=seeded_rng(22), db="memdb")
    net.crash(0)
    net.restart(0)
    assert [b.round for b in net.processes[0].backend.cursor(0)] == [0]
    net.run_rounds(4)
    net.crash(0, 1, 2, 3)
    net.restart(0)  # every peer is down: nobody answers
    assert [b.round for b in net.processes[0].backend.cursor(0)] == [0]


def test_a_memdb_node_takes_the_latest_round_when_no_peer_has_the_current_one() -> None:
    """The chain halted (below threshold): no peer has the current round, so drand's
    storeCurrentFromPeerNetwork asks for the latest instead and the node starts from that one."""
    net = LocalNetwork.create(4, 3, rng=seeded_rng(23), db="memdb")
    net.run_rounds(4)
    net.crash(0, 1)
    net.run_rounds(3)  # two of four down, threshold 3: no new round
    assert net.info.round_at(net.now()) == 7 and net.processes[2].head() == 4
    net.restart(0)
    assert [b.round for b in net.processes[0].backend.cursor(0)] == [0, 4]  # the peers' latest
    net.restart(1)
    net.run_rounds(2)
    assert net.processes[0].head() == net.head() > 4 and 1 not in net.processes[0].store
