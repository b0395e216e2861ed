"""ToyNetwork: a threshold chain on a virtual clock halts below t, resumes, and a restarted node syncs."""

from __future__ import annotations

import pytest

from drand_edu.chain import verify_chain
from drand_edu.errors import InvalidInput
from drand_edu.node.toy_network import ToyNetwork, VirtualClock
from drand_edu.rng import seeded_rng


@pytest.mark.parametrize("scheme_id", ["pedersen-bls-chained", "bls-unchained-g1-rfc9380"])
def test_rounds_follow_the_clock_and_verify(scheme_id: str) -> None:
    net = ToyNetwork.create(5, 3, scheme_id, period=3, rng=seeded_rng(scheme_id))
    assert net.head() == 1  # round 1 is due at genesis
    net.advance(2.9)
    assert net.head() == 1
    net.advance(0.1)
    assert net.head() == 2
    net.advance(30)
    assert net.head() == 12
    for node in net.nodes:
        beacons = list(node.store.cursor())
        assert [b.round for b in beacons] == list(range(1, 13))
        assert verify_chain(net.info, beacons) == []


def test_the_chain_halts_below_threshold_and_catches_up() -> None:
    net = ToyNetwork.create(5, 3, rng=seeded_rng(1))
    net.advance(9)
    assert net.head() == 4
    net.kill(0, 1, 2)
    net.advance(30)
    assert net.head() == 4  # only 2 of 5 up, t = 3: nothing is produced
    net.restart(0)  # back to 3: the 10 missed rounds come at once
    assert net.head() == 14
    assert net.nodes[1].store.last_round() == 4  # still down, still behind
    synced = net.restart(1, 2)
    assert synced == 20 and all(node.store.last_round() == 14 for node in net.nodes)
    assert all(verify_chain(net.info, list(node.store.cursor())) == [] for node in net.nodes)


def test_virtual_clock_only_moves_forward() -> None:
    clock = VirtualClock(100)
    clock.sleep(5)
    assert clock.now() == 105
    with pytest.raises(InvalidInput):
        clock.advance(-1)


def test_metrics_show_a_node_falling_behind() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from drand_edu.viz.metrics import plot_discrepancy, plot_last_round

    net = ToyNetwork.create(4, 3, rng=seeded_rng(5))
    net.advance(9)
    net.kill(3)
    net.advance(9)
    net.restart(3)
    _, behind = net.nodes[3].metrics.series("last_beacon_round")
    _, healthy = net.nodes[0].metrics.series("last_beacon_round")
    assert behind[-1] == healthy[-1] == 7
    late = net.nodes[3].metrics.series("beacon_discrepancy_latency")[1]
    assert max(late) >= 3000  # rounds synced after the restart were stored seconds late
    assert (
        plot_last_round([n.metrics for n in net.nodes]).axes
        and plot_discrepancy([n.metrics for n in net.nodes]).axes
    )
