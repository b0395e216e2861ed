"""The network control panel of sessions 5-7: every action changes what the network does and shows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.viz.figure_check import figure_problems
from drand_edu.viz.panel import NetworkPanel


@pytest.fixture
def panel() -> NetworkPanel:
    network = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("panel"))
    network.run_rounds(3)
    return NetworkPanel(network)


def test_a_killed_node_falls_behind_and_the_alert_says_so(panel: NetworkPanel):
    assert panel.lagging() == [] and "alert: none" in panel.text()
    panel.kill(3)
    panel.advance(4)
    assert panel.lagging() == [3]
    assert "node 3: DOWN" in panel.text() and "alert: nodes [3] lagging" in panel.text()
    assert all(v.behind == 0 for v in panel.nodes() if v.index != 3)


def test_below_threshold_the_chain_halts_and_heals_after_the_partition(panel: NetworkPanel):
    before = max(v.head for v in panel.nodes())
    panel.partition([0, 1], [2, 3])  # t = 3: no side can sign
    panel.advance(3)
    assert max(v.head for v in panel.nodes()) == before
    assert sorted(panel.lagging()) == [0, 1, 2, 3]
    panel.heal()
    panel.advance(3)
    assert panel.lagging() == []
    assert panel.log[0].endswith("network split into 0,1 | 2,3")


def test_the_widget_buttons_drive_the_same_actions(panel: NetworkPanel):
    ui = panel.widget()
    controls, status, _ = ui.children
    first_row, _, last_row = controls.children
    node, kill, _restart = first_row.children
    before = status.value
    node.value = 2
    kill.click()
    assert "node 2: DOWN" in status.value and status.value != before
    advance = last_row.children[3]
    advance.click()
    assert "clock advanced 1 round" in status.value


def test_the_static_figure_shows_every_node(panel: NetworkPanel):
    panel.kill(1)
    panel.advance(3)
    fig = panel.figure()
    assert figure_problems(fig) == []
    assert len(fig.axes[0].patches) == 4
    assert fig.axes[0].get_ylim()[0] == 0  # from zero: no noise dressed up as a gap
    plt.close(fig)


def test_the_latency_slider_reaches_the_10_s_session_6_plays(panel: NetworkPanel):
    controls = panel.widget().children[0]
    latency = controls.children[1].children[0]
    assert latency.max >= 10_000 and latency.min == 0  # the text plays 4, 7 and 10 s


def test_the_panel_alerts_on_the_same_lag_as_section_6(panel: NetworkPanel):
    from pathlib import Path

    from drand_edu.node.metrics import LAG_ALERT_ROUNDS

    assert panel.lag_alert == LAG_ALERT_ROUNDS == 1  # §6: "a node is more than 1 round behind"
    source = (Path(__file__).parents[1] / "notebooks/src/06_networking_and_monitoring.py").read_text()
    assert "expected - p.head() > LAG_ALERT_ROUNDS" in source  # §6's incident reads the same constant
    panel.kill(3)
    panel.advance(2)  # two rounds behind: more than one, so the alert fires
    assert [v.behind for v in panel.nodes() if v.index == 3] == [2] and panel.lagging() == [3]


def test_with_t_nodes_up_and_connected_the_chain_goes_on():
    """Session 6's text: the chain goes on while at least t nodes are up and connected (t = 3 of 5 here)."""
    from pathlib import Path

    panel = NetworkPanel(LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=seeded_rng("t-up")))
    panel.advance(2)
    panel.kill(3)
    panel.kill(4)  # three up: exactly t
    panel.advance(3)
    assert [v.behind for v in panel.nodes() if v.up] == [0, 0, 0]  # every round still made on time
    panel.kill(2)  # two up: below t, nothing new
    head = max(v.head for v in panel.nodes())
    panel.advance(3)
    assert max(v.head for v in panel.nodes()) == head
    source = (Path(__file__).parents[1] / "notebooks/src/06_networking_and_monitoring.py").read_text()
    assert "below the threshold, the chain stops" not in source  # 06 §6 leaves three nodes up: t, not fewer
    assert "up **and connected**" in source
