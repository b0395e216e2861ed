"""Notebook 01's picture: the DKG and the first rounds of the real node processes on one time axis.

The parsers read exactly what the node writes (``DKGProcess._note``'s stamped lines, ``start.log_stored``'s
``NEW_BEACON_STORED`` lines), the figure shows every lane, step and round it is given and nothing drawn
without data, the widget redraws for one node and a window, and the committed notebook shows the
figure with facts that hold (issue 22: notebook 01 had no figure and no widget).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli.start import log_stored
from drand_edu.viz.figure_check import figure_problems
from drand_edu.viz.timeline import (
    NodeTimeline,
    node_timeline,
    parse_dkg_log,
    parse_node_log,
    plot_session_timeline,
    timeline_explorer,
    timeline_facts,
)

from .conftest import load_vector

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_cli_and_clients.ipynb"
GENESIS, PERIOD = 1_800_000_000, 2


def stamped(at: float, text: str) -> str:
    """A DKG log line as ``DKGProcess._note`` writes it: local ``HH:MM:SS.d`` then the text."""
    return f"{time.strftime('%H:%M:%S', time.localtime(at))}.{int(at % 1 * 10)} {text}"


def leader_log() -> list[str]:
    return [stamped(GENESIS - 6.0, "proposed epoch 1 to 3 nodes"),
            stamped(GENESIS - 5.0, "127.0.0.1:4001 joined"),  # a peer joined: not a status of the leader
            stamped(GENESIS - 4.5, "ordered execution"),
            stamped(GENESIS - 4.5, "executing epoch 1: 4 nodes, t = 3"),
            stamped(GENESIS - 4.0, "complete: share #2 of a group of 4, t = 3")]  # fmt: skip


def member_log() -> list[str]:
    return [stamped(GENESIS - 5.9, "received a proposal for epoch 1 from 127.0.0.1:4000"),
            stamped(GENESIS - 5.2, "joined"),
            stamped(GENESIS - 4.4, "127.0.0.1:4000 ordered execution"),
            stamped(GENESIS - 4.4, "executing epoch 1: 4 nodes, t = 3"),
            stamped(GENESIS - 4.1, "complete: share #1 of a group of 4, t = 3")]  # fmt: skip


def stored_lines(capsys, rounds: range, late: float = 0.01) -> str:
    """What ``drand-edu start`` prints for each stored round (its real writer, on a chain due now)."""
    info = ChainInfo.from_json(load_vector("beacons-quicknet.json")["info"])
    beacon = Beacon.from_json(load_vector("beacons-quicknet.json")["beacons"][0])
    capsys.readouterr()
    for r in rounds:
        log_stored(info, Beacon(r, beacon.signature, beacon.previous_signature))
    return capsys.readouterr().out


def test_the_dkg_log_gives_each_status_once_in_order_and_a_peers_join_is_not_ours() -> None:
    leader = parse_dkg_log(leader_log(), near=GENESIS)
    assert [status for _, status in leader] == ["proposed", "executing", "complete"]
    assert [round(t - GENESIS, 1) for t, _ in leader] == [-6.0, -4.5, -4.0]
    member = parse_dkg_log(member_log(), near=GENESIS)
    assert [status for _, status in member] == ["proposed", "joined", "executing", "complete"]
    assert parse_dkg_log(["garbage", "12:00 joined"], near=GENESIS) == []


def test_a_log_just_before_midnight_is_read_on_the_right_day() -> None:
    local = time.localtime(GENESIS)
    midnight = GENESIS - (local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec)
    (at, status), = parse_dkg_log([stamped(midnight - 2.0, "joined")], near=midnight + 3)
    assert status == "joined" and abs(at - (midnight - 2.0)) < 0.11


def test_the_node_log_is_read_as_the_node_writes_it(capsys) -> None:
    now = time.time()
    text = "node listening: peers on 127.0.0.1:1\n" + stored_lines(capsys, range(1, 4))
    text += stored_lines(capsys, range(2, 3))  # stored again (a restart): the first storing counts
    rounds = parse_node_log(text)
    assert [r for r, _ in rounds] == [1, 2, 3]
    assert all(now - 1 <= t <= time.time() + 1 for _, t in rounds)
    assert parse_node_log(text, since=time.time() + 60) == []  # an earlier chain's rounds are left out


def lanes() -> list[NodeTimeline]:
    rounds = "\n".join(f"NEW_BEACON_STORED round {r} at {GENESIS + (r - 1) * PERIOD + 0.02:.3f} "
                       "time_discrepancy_ms 20" for r in range(1, 5))  # fmt: skip
    old_chain = f"NEW_BEACON_STORED round 7 at {GENESIS - 100:.3f} time_discrepancy_ms 5\n"
    logs = [leader_log(), member_log(), member_log(), member_log()]
    return [node_timeline(f"node {i}", logs[i], old_chain + rounds, GENESIS) for i in range(4)]


def test_the_figure_shows_every_node_step_and_round_and_nothing_without_data() -> None:
    timelines = lanes()
    assert [r for r, _ in timelines[0].rounds] == [1, 2, 3, 4]  # the earlier chain's round 7 is not there
    fig = plot_session_timeline(timelines, GENESIS, PERIOD)
    ax = fig.axes[0]
    assert figure_problems(fig) == []
    assert [t.get_text() for t in ax.get_yticklabels()] == ["node 0", "node 1", "node 2", "node 3"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:4] == ["DKG: proposed", "DKG: joined", "DKG: executing", "DKG: complete"]
    assert {"round stored", "genesis (round 1 due)", "share held, waiting for genesis"} <= set(labels)
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted([1, 2, 3, 4] * 4)  # each round, each lane
    low, high = ax.get_xlim()
    assert low < 0 and high > GENESIS + 3 * PERIOD - (GENESIS - 6.0)  # from the proposal to round 4
    plt.close(fig)
    one = plot_session_timeline(timelines, GENESIS, PERIOD, node=2, window=(0.0, 3.0))
    assert [t.get_text() for t in one.axes[0].get_yticklabels()] == ["node 2"]
    assert one.axes[0].get_xlim() == (0.0, 3.0)
    plt.close(one)


def test_the_facts_under_the_figure_hold_only_when_the_story_does() -> None:
    good = timeline_facts(lanes(), GENESIS, PERIOD)
    assert len(good) == 4 and all("False" not in fact for fact in good)
    late_dkg = [NodeTimeline(tl.name, tuple((t + 10, s) for t, s in tl.dkg), tl.rounds) for tl in lanes()]
    said = timeline_facts(late_dkg, GENESIS, PERIOD)
    assert all("none before the DKG ended: False" in fact for fact in said)
    early = [NodeTimeline(tl.name, tl.dkg, ((1, GENESIS - 3.0), *tl.rounds[1:])) for tl in lanes()]
    assert all("none before its time: False" in fact for fact in timeline_facts(early, GENESIS, PERIOD))
    gap = [NodeTimeline(tl.name, tl.dkg, tl.rounds[:1] + tl.rounds[2:]) for tl in lanes()]
    assert all("rounds 1..3 stored: False" in fact for fact in timeline_facts(gap, GENESIS, PERIOD))
    unordered = [NodeTimeline(tl.name, tl.dkg[::-1], tl.rounds) for tl in lanes()]
    assert all("in order: False" in fact for fact in timeline_facts(unordered, GENESIS, PERIOD))


def test_the_explorer_redraws_for_one_node_and_a_window() -> None:
    ui = timeline_explorer(lanes(), GENESIS, PERIOD)
    node, window, _output = ui.children
    assert [label for label, _ in node.options] == ["every node", "node 0", "node 1", "node 2", "node 3"]
    assert window.min < 0 and window.max > GENESIS + 3 * PERIOD - (GENESIS - 6.0)
    node.value = 1  # redraws without raising
    assert [t.get_text() for t in plt.gcf().axes[0].get_yticklabels()] == ["node 1"]
    window.value = (0.0, 2.0)
    assert plt.gcf().axes[0].get_xlim() == (0.0, 2.0)
    plt.close("all")


@pytest.mark.skipif(not NOTEBOOK.exists(), reason="notebook 01 not built")
def test_notebook_01_draws_the_timeline_and_its_facts_hold() -> None:
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    (cell,) = [c for c in code if "plot_session_timeline(" in "".join(c["source"])]
    outputs = cell["outputs"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    facts = "".join("".join(o.get("text", "")) for o in outputs if o.get("name") == "stdout").splitlines()
    assert [f.split(":")[0] for f in facts] == ["node 0", "node 1", "node 2", "node 3"]
    assert all("False" not in fact and fact.count("True") == 4 for fact in facts)
    (widget,) = [c for c in code if "timeline_explorer(*" in "".join(c["source"])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in widget["outputs"])
