"""Notebook-05 checkers: "not yet" for stubs and wrong answers, "correct" for right ones."""

from __future__ import annotations

from drand_edu.chain import Beacon
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.layers import check_depends_on, check_layer_levels, check_store_trusts_its_caller
from drand_edu.viz.layers import layer_levels

from .conftest import verdict


def test_depends_on(capsys) -> None:
    def right(graph, package):
        seen, todo = set(), list(graph.get(package, ()))
        while todo:
            dep = todo.pop()
            if dep not in seen:
                seen.add(dep)
                todo.extend(graph.get(dep, ()))
        return seen

    assert NOT_YET in verdict(capsys, check_depends_on, None)
    assert NOT_YET in verdict(
        capsys, check_depends_on, lambda graph, package: set(graph[package])
    )  # direct only
    assert CORRECT in verdict(capsys, check_depends_on, right)


def test_layer_levels(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_layer_levels, None)
    assert NOT_YET in verdict(capsys, check_layer_levels, lambda graph: {p: len(d) for p, d in graph.items()})
    assert CORRECT in verdict(capsys, check_layer_levels, layer_levels)


def test_store_trusts_its_caller(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_store_trusts_its_caller, None)
    assert "round 4" in verdict(capsys, check_store_trusts_its_caller, Beacon(5, bytes(96), bytes(96)))
    assert CORRECT in verdict(capsys, check_store_trusts_its_caller, Beacon(4, bytes(range(96)), bytes(96)))
