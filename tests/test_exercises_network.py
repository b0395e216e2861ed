"""Notebook-06 checkers and figure: "not yet" for stubs and wrong answers, "correct" for right ones."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.network import (
    check_halting_partition,
    check_lagging_nodes,
    check_metric_value,
)
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.viz.network import plot_round_flow

from .conftest import verdict


def test_metric_value(capsys) -> None:
    def right(text, name, beacon_id):
        prefix = f'{name}{{beacon_id="{beacon_id}"}} '
        values = [float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix)]
        return values[0] if values else None

    def ignores_the_label(text, name, beacon_id):
        lines = [line for line in text.splitlines() if line.startswith("last_beacon_round")]
        return float(lines[0].split()[-1])

    def with_a_regex(text, name, beacon_id):
        import re

        match = re.search(rf'^{re.escape(name)}\{{[^}}]*beacon_id="{re.escape(beacon_id)}"[^}}]*\}} (\S+)$',
                          text, re.MULTILINE)
        return float(match.group(1)) if match else None

    def first_sample_of_the_metric(text, name, beacon_id):  # right for one beacon, wrong for several
        lines = [line for line in text.splitlines() if line.startswith(name + "{")]
        return float(lines[0].split()[-1])

    def last_sample_of_the_metric(text, name, beacon_id):
        lines = [line for line in text.splitlines() if line.startswith(name + "{")]
        return float(lines[-1].split()[-1])

    def reads_the_help_line(text, name, beacon_id):
        return next(line for line in text.splitlines() if name in line).split()[-1]

    assert NOT_YET in verdict(capsys, check_metric_value, None)
    assert NOT_YET in verdict(capsys, check_metric_value, ignores_the_label)
    assert "match the label" in verdict(capsys, check_metric_value, first_sample_of_the_metric)
    assert "match the label" in verdict(capsys, check_metric_value, last_sample_of_the_metric)
    assert NOT_YET in verdict(capsys, check_metric_value, reads_the_help_line)
    assert CORRECT in verdict(capsys, check_metric_value, right)
    assert CORRECT in verdict(capsys, check_metric_value, with_a_regex)


def test_lagging_nodes(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_lagging_nodes, None)
    off_by_one = lambda heads, expected, tol: [i for i, h in enumerate(heads) if expected - h >= tol]  # noqa: E731
    assert NOT_YET in verdict(capsys, check_lagging_nodes, off_by_one)
    right = lambda heads, expected, tol: [i for i, h in enumerate(heads) if expected - h > tol]  # noqa: E731
    assert CORRECT in verdict(capsys, check_lagging_nodes, right)


def test_halting_partition(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_halting_partition, None)
    assert "went on" in verdict(capsys, check_halting_partition, [{0, 1}, {2, 3, 4}])
    assert "exactly one group" in verdict(capsys, check_halting_partition, [{0, 1}, {2, 3}])
    assert CORRECT in verdict(capsys, check_halting_partition, [{0, 1}, {2, 3}, {4}])


def test_round_flow_figure() -> None:
    net = LocalNetwork.create(3, 2, rng=seeded_rng(1))
    net.run_rounds(2)
    assert plot_round_flow(net.sim.trace, 2, 3).axes
