"""Exercise checkers for notebook 06 (networking and monitoring)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from ..api.metrics import MetricsAPI
from ..node.metrics import NodeMetrics
from ..node.network import LocalNetwork
from ..rng import seeded_rng
from .common import is_stub, report, safely

__all__ = ["check_halting_partition", "check_lagging_nodes", "check_metric_value"]


def check_metric_value(my_value: Callable[[str, str, str], float] | None) -> bool:
    """``my_value(text, name, beacon_id)``: the value of a metric in Prometheus text format."""
    if is_stub(my_value):
        return report(False, "define my_value(text, name, beacon_id) first")

    def check() -> bool:
        ids = ["default", "quicknet", "evmnet"]
        secrets.SystemRandom().shuffle(ids)  # the beacon asked for is sometimes first, sometimes not
        expected: dict[str, dict[str, float]] = {}
        nodes = []
        for beacon_id in ids:
            metrics = NodeMetrics(beacon_id, clock=lambda: 0.0)
            last, size = secrets.randbelow(10**6), 3 + secrets.randbelow(20)
            threshold = size // 2 + 1
            metrics.beacon_stored(last, 0.25)
            metrics.group(size, threshold)
            nodes.append(metrics)
            expected[beacon_id] = {
                "last_beacon_round": last, "group_size": size, "group_threshold": threshold,
            }
        page = MetricsAPI(nodes).exposition().decode()  # the page a daemon's metrics listener serves
        for beacon_id in sorted(ids):  # asked in a fixed order (the hint stays the same run to run)
            for name, value in expected[beacon_id].items():
                got = my_value(page, name, beacon_id)
                if got is None or float(got) != float(value):
                    others = sorted(b for b in ids if b != beacon_id)
                    read = "nothing" if got is None else f"{got!r}, not the value on this page"
                    return report(
                        False,
                        f"{name} of beacon {beacon_id!r}: you read {read}. One page holds every beacon "
                        f"of the daemon (here also {', '.join(others)}), so match the label too: the line "
                        f"is '{name}{{beacon_id=\"{beacon_id}\"}} value' (skip # lines)",
                    )
        return report(
            True,
            praise="the right sample among three beacons on one page, whatever their order: what a "
            "Prometheus scraper does with the labels",
        )

    return safely(check, "my_value failed")


def check_lagging_nodes(my_lagging: Callable[[Sequence[int], int, int], list[int]] | None) -> bool:
    """``my_lagging(heads, expected, tolerance)``: nodes more than ``tolerance`` rounds behind."""
    if is_stub(my_lagging):
        return report(False, "define my_lagging(heads, expected, tolerance) first")

    def check() -> bool:
        cases = [([10, 10, 9, 7], 10, 1, [3]), ([5, 5, 5], 5, 0, []), ([1, 2, 3], 4, 1, [0, 1])]
        heads = [secrets.randbelow(50) for _ in range(8)]
        cases.append((heads, 50, 5, [i for i, h in enumerate(heads) if 50 - h > 5]))
        for heads, expected, tolerance, answer in cases:
            got = sorted(my_lagging(list(heads), expected, tolerance))
            if got != answer:
                return report(
                    False,
                    "a node lags when expected - its head > tolerance; return the indices of those nodes",
                )
        return report(True, praise="an alert that fires before the chain stops")

    return safely(check, "my_lagging failed")


def check_halting_partition(groups: Sequence[set[int]] | None) -> bool:
    """``groups``: a split of nodes 0-4 (t = 3) under which the chain stops producing rounds."""
    if is_stub(groups):
        return report(False, "set groups = [{...}, {...}] splitting nodes 0..4")

    def check() -> bool:
        parts = [set(g) for g in groups]
        if sorted(n for g in parts for n in g) != [0, 1, 2, 3, 4]:
            return report(False, "every node 0..4 must be in exactly one group")
        net = LocalNetwork.create(5, 3, rng=seeded_rng("exercise-partition"))
        net.run_rounds(2)
        net.sim.partition(*parts)
        before = net.head()
        net.run_rounds(3)
        if net.head() > before:
            return report(
                False, f"the chain went on (round {before} → {net.head()}): some side still has t = 3 nodes"
            )
        return report(
            True, praise="no side holds a threshold of nodes: the chain halts until the network heals"
        )

    return safely(check, "running the partition failed")
