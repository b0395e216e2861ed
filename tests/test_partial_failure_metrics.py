"""drand's partial-failure metrics and threshold monitor: ``error_sending_partial`` per peer and the
``ThresholdMonitor``'s levels, on a simulated network where peers go down and come back."""

from __future__ import annotations

import pytest

from drand_edu.api.metrics import MetricsAPI
from drand_edu.net.sim import Link
from drand_edu.node.metrics import ThresholdMonitor
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng


def _errors(network: LocalNetwork, node: int) -> dict[str, float]:
    """``error_sending_partial`` of ``node`` by peer address, read from its scraped page."""
    page = MetricsAPI([network.processes[node].metrics]).exposition().decode()
    out = {}
    for line in page.splitlines():
        if line.startswith("error_sending_partial{"):
            labels, value = line.rsplit(" ", 1)
            address = labels.split('address="', 1)[1].split('"', 1)[0]
            out[address] = float(value)
    return out


def _address(network: LocalNetwork, node: int) -> str:
    return network.processes[0].vault.group.node(node).address


def test_a_down_peer_shows_as_an_error_and_clears_when_it_is_back() -> None:
    network = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("partial-failures"))
    network.run_rounds(2)
    assert set(_errors(network, 0).values()) == {0.0} and len(_errors(network, 0)) == 4  # every peer reached
    network.crash(3)
    network.run_rounds(2)
    errors = _errors(network, 0)
    assert errors[_address(network, 3)] == 1.0
    assert [errors[_address(network, i)] for i in (1, 2, 4)] == [0.0, 0.0, 0.0]
    network.restart(3)
    network.run_rounds(2)
    assert _errors(network, 0)[_address(network, 3)] == 0.0  # SuccessfulPartial sets it back


def test_the_monitor_warns_then_errors_as_peers_fail_and_forgets_after_a_look() -> None:
    network = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("threshold-monitor"))
    network.run_rounds(2)
    watcher = network.processes[0]
    assert watcher.threshold_report().level == "ok"  # n - t = 2: warn from 1 failure, error from 2
    network.crash(4)
    network.run_rounds(1)
    report = watcher.threshold_report()
    assert report.level == "warn" and report.failing == (_address(network, 4),)
    network.crash(3)
    network.run_rounds(1)
    report = watcher.threshold_report()
    assert report.level == "error" and len(report.failing) == 2
    assert network.head() == network.info.round_at(network.now())  # three nodes left: still t, still running
    network.restart(3, 4)
    network.run_rounds(1)
    watcher.threshold_report()  # the look that still sees sends of the round before the restart
    network.run_rounds(1)
    assert watcher.threshold_report().level == "ok"


def test_a_partition_and_lost_messages_are_failed_sends() -> None:
    network = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("lost-partials"))
    network.run_rounds(1)
    network.sim.partition([0, 1, 2], [3])
    network.run_rounds(1)
    assert network.processes[0].threshold_report().failing == (_address(network, 3),)
    network.sim.heal()
    network.sim.set_link(0, 2, Link(loss=1.0))
    network.run_rounds(1)
    assert network.processes[0].threshold_report().failing == (_address(network, 2),)


@pytest.mark.parametrize(
    ("n", "t", "failures", "level"),
    [
        (5, 3, 0, "ok"),
        (5, 3, 1, "warn"),  # maxFailures = 2, half of it 1
        (5, 3, 2, "error"),
        (7, 4, 1, "warn"),  # maxFailures = 3, 3 / 2 = 1 in Go
        (7, 4, 0, "ok"),
        (4, 3, 0, "warn"),  # maxFailures = 1, 1 / 2 = 0: drand warns with no failure at all
        (4, 3, 1, "error"),
        (10, 6, 1, "ok"),  # maxFailures = 4: warn from 2
        (10, 6, 2, "warn"),
        (10, 6, 4, "error"),
    ],
)
def test_the_levels_are_drands_with_go_integer_division(n: int, t: int, failures: int, level: str) -> None:
    monitor = ThresholdMonitor(n, t)
    for peer in range(failures):
        monitor.report_failure(f"peer{peer}")
        monitor.report_failure(f"peer{peer}")  # a peer failing twice counts once (a set, as drand's map)
    report = monitor.look()
    assert report.level == level and len(report.failing) == failures
    assert monitor.look().failing == ()  # the look forgets, as drand's ticker resets its map


def test_update_follows_a_resharing() -> None:
    monitor = ThresholdMonitor(5, 3)
    monitor.report_failure("a")
    monitor.update(4, 7)  # drand's Update(newThreshold, groupSize): 7 nodes, threshold 4
    report = monitor.look()
    assert (report.group_size, report.threshold, report.level) == (7, 4, "warn")


def test_a_partial_the_receiver_refuses_is_a_failed_send() -> None:
    """drand's ProcessPartialBeacon answers a partial more than a round ahead with an error, so the sender's
    PartialBeacon call fails and it reports the receiver: a peer whose clock lags shows up here."""
    from drand_edu.net.messages import PartialBeaconPacket

    network = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("refused-partial"))
    network.run_rounds(2)
    sender, receiver = network.processes[0], network.processes[1]
    results: list[bool] = []
    too_far = network.info.round_at(network.now()) + 2  # beyond the one round of drift drand tolerates
    packet = PartialBeaconPacket(too_far, b"", sender.vault.sign_partial(b"x"), network.info.beacon_id)
    network.sim.send(sender.index, receiver.index, packet, on_result=results.append)
    network.advance(1)
    assert results == [False] and receiver.ignored_future == 1
    stale = PartialBeaconPacket(1, b"", b"\0\0", "default")
    network.sim.send(sender.index, receiver.index, stale, results.append)
    network.advance(1)
    assert results == [False, True]  # a round already stored: drand answers Empty without a check


def test_over_http_a_refused_partial_still_counts_as_sent_and_a_dead_peer_as_failed() -> None:
    """Our peer port answers 204 as soon as a message is queued, before the partial is checked: over HTTP
    only an unreachable peer is a failed send (drand's gRPC call returns the handler's refusal)."""
    import threading

    from drand_edu.net.http_transport import HttpNetwork
    from drand_edu.net.messages import PartialBeaconPacket

    receiver = HttpNetwork(1, {})
    refused = threading.Event()
    receiver.register(1, lambda src, message: (refused.set(), False)[1])  # refuses every message
    sender = HttpNetwork(0, {1: receiver.url, 2: "http://127.0.0.1:9"})  # port 9: nobody listens
    results: dict[int, bool] = {}
    done = threading.Event()

    def record(peer: int, ok: bool) -> None:
        results[peer] = ok
        if len(results) == 2:
            done.set()

    try:
        sender.broadcast(0, PartialBeaconPacket(10**9, b"", b"\0\0" + b"\1" * 48, "default"), record)
        assert done.wait(60) and refused.wait(60)
        assert results == {1: True, 2: False}
    finally:
        sender.close()
        receiver.close()


def test_our_metrics_listener_has_no_peer_relay() -> None:
    """drand's metrics listener relays /peer/<addr> to that node's Metrics RPC; ours answers 404."""
    from drand_edu.node.metrics import NodeMetrics

    api = MetricsAPI([NodeMetrics("default", clock=lambda: 0.0)])
    assert api.handle("/peer/127.0.0.1:4444")[0] == 404
    assert api.handle("/metrics")[0] == 200


def test_our_http_sync_waits_for_the_round_after_the_last() -> None:
    """drand's SyncChain refuses a from_round above its last round (ErrNoBeaconStored); our GET /sync
    accepts last + 1 and waits for it (a long poll), and refuses only beyond that."""
    from drand_edu.chain.beacon import Beacon
    from drand_edu.errors import DrandEduError
    from drand_edu.net.http_server import HttpError, Request
    from drand_edu.node import sync_http
    from drand_edu.store.memory import MemoryStore
    from drand_edu.store.stack import CallbackStore

    store = CallbackStore(MemoryStore())
    store.put(Beacon(0, b"\x01" * 48))
    next_round = Request("GET", "/sync?from=1", peer="p")
    status, _, body = sync_http.sync_answer(next_round, lambda _: store, wait=0.05)
    assert status == 200 and body == b""  # waited, nothing came: an empty answer, not an error
    with pytest.raises((HttpError, DrandEduError)):
        sync_http.sync_answer(Request("GET", "/sync?from=2", peer="p"), lambda _: store, wait=0.05)


def test_a_node_process_paces_catch_up_by_its_groups_catchup_period(tmp_path) -> None:
    """drand's Handler.run sleeps conf.Group.CatchupPeriod (the leader's --catchup-period) between catch-up
    rounds; `drand-edu start`'s beacon process takes the same value from its group file (it used half the
    period whatever the group said)."""
    from drand_edu.crypto import scheme_by_id
    from drand_edu.net.http_transport import HttpNetwork
    from drand_edu.node.key_store import FileStore
    from drand_edu.node.service import NodeService
    from drand_edu.threshold.dkg import run_dkg

    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    outcome = run_dkg(3, 2, scheme, rng=seeded_rng("catchup-period"))
    for catchup in (0, 7):
        group = outcome.to_group(period=30, genesis_time=1_700_000_000, catchup_period=catchup)
        keys = outcome.keys[0]
        store = FileStore(scheme, keys.secret, keys.public.to_bytes(), address=group.nodes[0].address)
        folder = tmp_path / f"node-{catchup}"
        store.with_share(outcome.shares()[0], group).save(folder)
        transport = HttpNetwork(0, {})
        try:
            service = NodeService(folder, transport)
            assert service.process is not None and service.process.catchup_period == catchup
        finally:
            transport.close()
