"""A control panel over a simulated network, for an instructor who wants to break it live (sessions 5-7).

:class:`NetworkPanel` wraps a :class:`~drand_edu.node.network.LocalNetwork`: kill and restart nodes,
split the network in two, slow one node's links, and let virtual time run. After every action it shows
each node's head against the round the clock says is due, the newest beacons, and the metrics an operator
would watch (``last_beacon_round`` per node, how far behind each node is). The same actions are plain
methods, so a notebook cell, a test and a button all drive the network the same way; :meth:`figure`
draws the current state as a static picture for readers without a kernel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..net.sim import Link
from ..node.metrics import LAG_ALERT_ROUNDS
from ..node.network import LocalNetwork

MAX_LATENCY_MS = 10_000  # the latency slider reaches 10 s: session 6 plays 4, 7 and 10 s

UP, DOWN, LAGGING = "tab:green", "tab:gray", "tab:orange"


@dataclass(frozen=True)
class NodeView:
    """What the panel shows of one node."""

    index: int
    up: bool
    head: int
    behind: int  # rounds between the node's head and the round due now


class NetworkPanel:
    """Break a simulated drand network on purpose, and watch what its nodes and metrics do."""

    def __init__(self, network: LocalNetwork, *, lag_alert: int = LAG_ALERT_ROUNDS) -> None:
        self.network = network
        self.lag_alert = lag_alert
        self.log: list[str] = []
        self._last_action = ""
        self._normal_link = network.sim.default_link

    # -- actions (each returns the panel's text, so a cell shows what happened) ---------------------
    def kill(self, node: int) -> str:
        self.network.crash(node)
        return self._did(f"node {node} killed")

    def restart(self, node: int) -> str:
        self.network.restart(node)
        return self._did(f"node {node} restarted")

    def partition(self, *groups: Iterable[int]) -> str:
        groups = [sorted(g) for g in groups]
        self.network.sim.partition(*groups)
        return self._did("network split into " + " | ".join(",".join(map(str, g)) for g in groups))

    def heal(self) -> str:
        self.network.sim.heal()
        return self._did("partition healed")

    def slow(self, node: int, latency: float) -> str:
        """Give every link of ``node`` a latency of ``latency`` seconds (0: back to normal)."""
        link = Link(latency=latency) if latency > 0 else self._normal_link
        for other in range(len(self.network.processes)):
            if other != node:
                self.network.sim.set_link(node, other, link)
        return self._did(f"node {node}'s links: {latency * 1000:.0f} ms" if latency > 0
                         else f"node {node}'s links back to normal")

    def advance(self, rounds: int = 1) -> str:
        """Let ``rounds`` periods pass, stopping halfway through a round (its beacon has had time to form)."""
        info = self.network.info
        target = self.due_round() + rounds
        self.network.run_until(max(info.time_of_round(target) + info.period / 2, self.network.now()))
        return self._did(f"clock advanced {rounds} round{'s' if rounds != 1 else ''}")

    def _did(self, what: str) -> str:
        self.log.append(f"t = {self.elapsed():.1f} s: {what}")
        self._last_action = what
        return self.text()

    # -- what it shows ----------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return self.network.now() - self.network.info.genesis_time

    def due_round(self) -> int:
        """The round the clock says should exist by now."""
        return self.network.info.round_at(self.network.now())

    def nodes(self) -> list[NodeView]:
        due = self.due_round()
        return [
            NodeView(p.index, bool(self.network.sim.up[p.index]), p.head(), max(due - p.head(), 0))
            for p in self.network.processes
        ]

    def lagging(self) -> list[int]:
        """Nodes more than ``lag_alert`` rounds behind the clock (the alert of session 6)."""
        return [v.index for v in self.nodes() if v.behind > self.lag_alert]

    def text(self) -> str:
        lines = [f"virtual time {self.elapsed():.1f} s after genesis · round due: {self.due_round()}"]
        for view in self.nodes():
            state = "up  " if view.up else "DOWN"
            flag = "  ← behind" if view.behind > self.lag_alert else ""
            lines.append(f"  node {view.index}: {state} head {view.head:4}  behind {view.behind:3}{flag}")
        newest = self.network.chain()[-3:]
        if newest:
            lines.append("  newest beacons: " + ", ".join(
                f"#{b.round} {b.randomness.hex()[:8]}…" for b in newest))
        alert = self.lagging()
        lines.append(f"  alert: nodes {alert} lagging" if alert else "  alert: none")
        if self._last_action:
            lines.append("  last action: " + self._last_action)
        return "\n".join(lines)

    def figure(self) -> Figure:
        """Each node's head beside the due round: green up, orange lagging, gray down."""
        views = self.nodes()
        fig, ax = plt.subplots(figsize=(7.0, 3.2))
        colours = [DOWN if not v.up else LAGGING if v.behind > self.lag_alert else UP for v in views]
        ax.bar([v.index for v in views], [v.head for v in views], color=colours)
        due = self.due_round()
        ax.axhline(due, color="black", linestyle="--", linewidth=1, label=f"round due now ({due})")
        ax.set_xticks([v.index for v in views], [f"node {v.index}" for v in views])
        ax.set_ylim(0, max(due, *(v.head for v in views), 1) * 1.15)  # from 0: a gap is a real gap
        ax.set_ylabel("last stored round")
        ax.set_title(f"{self.elapsed():.0f} s after genesis")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        return fig

    def widget(self):
        """Buttons and sliders over the same actions; the picture and the text update after each one."""
        import ipywidgets as widgets
        from IPython.display import display

        n = len(self.network.processes)
        node = widgets.Dropdown(options=list(range(n)), value=n - 1, description="node")
        latency = widgets.IntSlider(value=400, min=0, max=MAX_LATENCY_MS, step=100, description="latency ms")
        rounds = widgets.IntSlider(value=1, min=1, max=10, description="rounds")
        buttons = {name: widgets.Button(description=name) for name in
                   ("kill", "restart", "slow", "split", "heal", "advance")}
        out = widgets.Output()
        status = widgets.Textarea(value=self.text(), layout=widgets.Layout(width="100%", height="11em"))

        def redraw() -> None:  # after an action only: building the widget displays nothing
            status.value = self.text()
            out.clear_output(wait=True)
            with out:
                fig = self.figure()
                display(fig)
                plt.close(fig)

        def act(action):
            def handler(_button: object) -> None:
                action()
                redraw()
            return handler

        half = list(range(n // 2)), list(range(n // 2, n))
        buttons["kill"].on_click(act(lambda: self.kill(node.value)))
        buttons["restart"].on_click(act(lambda: self.restart(node.value)))
        buttons["slow"].on_click(act(lambda: self.slow(node.value, latency.value / 1000)))
        buttons["split"].on_click(act(lambda: self.partition(*half)))
        buttons["heal"].on_click(act(self.heal))
        buttons["advance"].on_click(act(lambda: self.advance(rounds.value)))
        controls = widgets.VBox([
            widgets.HBox([node, buttons["kill"], buttons["restart"]]),
            widgets.HBox([latency, buttons["slow"]]),
            widgets.HBox([buttons["split"], buttons["heal"], rounds, buttons["advance"]]),
        ])
        return widgets.VBox([controls, status, out])
