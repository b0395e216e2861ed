"""Exercise checkers for notebook 05 (the layers)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from ..api.server import serve_node
from ..chain.beacon import Beacon
from ..client.client import Client
from ..errors import DrandEduError
from ..node.network import LocalNetwork
from ..rng import seeded_rng
from ..store.memory import MemoryStore
from ..viz.layers import import_graph, layer_levels
from .common import is_stub, report, safely

__all__ = ["check_depends_on", "check_layer_levels", "check_store_trusts_its_caller"]


def _random_dag(seed: int) -> dict[str, set[str]]:
    chooser = random.Random(seed)
    names = [f"p{i}" for i in range(8)]
    return {name: {d for d in names[:i] if chooser.random() < 0.35} for i, name in enumerate(names)}


def _closure(graph: Mapping[str, set[str]], package: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(package, ()))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(graph.get(dep, ()))
    return seen


def check_depends_on(my_depends_on: Callable[[Mapping[str, set[str]], str], set[str]] | None) -> bool:
    """``my_depends_on(graph, package)``: every package it imports, directly or through others."""
    if is_stub(my_depends_on):
        return report(False, "define my_depends_on(graph, package) first")

    def check() -> bool:
        graphs = [import_graph(), *(_random_dag(seed) for seed in range(5))]
        for graph in graphs:
            for package in graph:
                got = set(my_depends_on({p: set(d) for p, d in graph.items()}, package))
                if got != _closure(graph, package):
                    return report(
                        False, "follow the imports of the imports too (a depth-first or breadth-first walk)"
                    )
        return report(True, praise="everything below a package is what it can break")

    return safely(check, "my_depends_on failed")


def check_layer_levels(my_levels: Callable[[Mapping[str, set[str]]], dict[str, int]] | None) -> bool:
    """``my_levels(graph)``: 0 for packages importing nothing, else 1 + the highest level they import."""
    if is_stub(my_levels):
        return report(False, "define my_levels(graph) first")

    def check() -> bool:
        for graph in [import_graph(), *(_random_dag(seed) for seed in range(5, 10))]:
            got = my_levels({p: set(d) for p, d in graph.items()})
            if dict(got) != layer_levels(graph):
                return report(False, "level(p) = 0 with no imports, else 1 + max(level of each import)")
        return report(True, praise="that is how the architecture picture stacks the packages")

    return safely(check, "my_levels failed")


def check_store_trusts_its_caller(forged: Beacon | None) -> bool:
    """``forged``: a beacon for round 4 that is NOT the real one. The store takes it, the API serves it,
    and the verifying client must refuse it."""
    if is_stub(forged):
        return report(False, "set forged = Beacon(4, some_signature, previous_signature)")

    def check() -> bool:
        network = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng("exercise-layers"))
        network.run_rounds(5)
        real = network.processes[0].store
        if not isinstance(forged, Beacon) or forged.round != 4 or forged == real.get(4):
            return report(False, "forged must be a Beacon of round 4 that differs from the real round 4")
        store = MemoryStore()
        for beacon in real.cursor():
            if beacon.round != 4:
                store.put(beacon)
        store.put(forged)  # the store does not verify: whoever calls put must have
        network.processes[0].store = store
        server = serve_node(network.daemons[0], network.now)
        try:
            client = Client(server.url, chain_hash=network.info.hash_hex, retries=0)
            client.get(4)
        except DrandEduError:
            return report(True, praise="store and API trust their callers; the client trusts only the math")
        finally:
            network.stop_apis()
        return report(False, "the client accepted it: is it really different from round 4's beacon?")

    return safely(check, "checking your beacon failed")
