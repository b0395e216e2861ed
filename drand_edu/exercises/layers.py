"""Exercise checkers for notebook 05 (the layers): store stack, import graph, a forgery, drand's aggregator.

Each checker tries the learner's answer on fresh cases (new chains, new random graphs) and says "correct"
or "not yet" with a hint about what is wrong; stubs get the first hint only.
"""

from __future__ import annotations

import functools
import random
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..api.server import ServedChain, serve
from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon
from ..client.client import Client
from ..errors import DrandEduError, InvalidPoint
from ..node.network import LocalNetwork
from ..rng import seeded_rng
from ..store.memory import MemoryStore
from ..store.stack import StoreLayer, new_chain_store
from ..viz.layers import import_graph
from .common import Verdict, nudge_if_stub, register_hints, report, safely

__all__ = [
    "check_aggregator_writes",
    "check_depends_on",
    "check_first_refusal",
    "check_store_trusts_its_caller",
    "check_upward_imports",
    "scratch_stack",
    "stack_writes",
]


# -- Exercise 1 (Explore): which layer of the stack says no first --------------------------------------


def _small_chain(seed: str, rounds: int) -> tuple[ChainInfo, list[Beacon], Callable[[], float]]:
    """A 3-node chained network (t = 2) run for ``rounds`` rounds: its info, beacons 1..rounds, clock."""
    network = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng(seed))
    network.run_rounds(rounds)
    return network.info, list(network.processes[0].store.cursor(1, rounds)), network.now


def _stack_over(info: ChainInfo, beacons: Iterable[Beacon], clock: Callable[[], float]) -> StoreLayer:
    """A fresh node store stack (callback → append → scheme → discrepancy → memory) holding ``beacons``."""
    stack = new_chain_store(info, MemoryStore(), clock=clock)
    for beacon in beacons:
        stack.put(beacon)
    return stack


@functools.cache
def _scratch_chain() -> tuple[ChainInfo, list[Beacon], Callable[[], float]]:
    return _small_chain("exercise-05-scratch", 4)


def scratch_stack() -> StoreLayer:
    """A fresh store stack holding rounds 0-4 of a small chained chain, to try writes on (one per call)."""
    return _stack_over(*_scratch_chain())


def stack_writes(stack: StoreLayer) -> dict[str, Beacon]:
    """The six writes of Exercise 1, built from ``stack``'s last beacon and its round 2."""
    last, older = stack.last(), stack.get(2)
    return {
        "a": Beacon(last.round + 3, older.signature, last.signature),
        "b": Beacon(last.round + 1, older.signature, older.signature),
        "c": last,
        "d": Beacon(last.round + 1, bytes(96), last.signature),
        "e": Beacon(last.round, older.signature, last.previous_signature),
        "f": Beacon(last.round + 2, older.signature, older.signature),
    }


def _refusing_layer(stack: StoreLayer, beacon: Beacon) -> str | None:
    """Write ``beacon``; return the class name of the layer that raised (the deepest one in the
    traceback is where the refusal happened), or None if the stack stored it."""
    try:
        stack.put(beacon)
    except DrandEduError:
        frames = sys.exc_info()[2]
        refused_by = None
        while frames is not None:
            owner = frames.tb_frame.f_locals.get("self")
            if isinstance(owner, StoreLayer):
                refused_by = type(owner).__name__
            frames = frames.tb_next
        return refused_by
    return None


_NOBODY = {"", "none", "nobody", "noone", "stored", "accepted", "nolayer", "false", "ok"}


def _layer_word(answer: Any) -> str | None:
    """``"AppendStore"``, ``"appendStore"``, ``"append"``, ``"append layer"`` → ``"append"``; None → None."""
    if answer is None or answer is False:
        return None
    word = re.sub(r"[^a-z]", "", str(answer).lower())
    if word in _NOBODY:
        return None
    for suffix in ("store", "layer"):
        word = word.removesuffix(suffix)
    return word or None


register_hints(
    "first_refusal",
    "Try each write on its own fresh stack: `s = scratch_stack(); s.put(stack_writes(s)['a'])` inside a "
    "try/except, and read the message of what was raised.",
    "The stack is CallbackStore → AppendStore → SchemeStore → DiscrepancyStore → backend, outermost "
    "first: a write meets the outer layers first, and the first one that objects is the answer.",
    "AppendStore checks the round (last + 1, or the same beacon again); SchemeStore checks that a chained "
    "beacon's previous signature is the last signature; DiscrepancyStore and CallbackStore never refuse; "
    "nobody looks at the signature itself.",
)


def check_first_refusal(first_no: Mapping[str, Any] | None) -> Verdict:
    """``first_no``: for each write a-f of ``stack_writes``, the layer that refuses it first (or None)."""
    if nudge_if_stub(first_no, "first_refusal"):
        return Verdict(False)

    def check() -> bool:
        if not isinstance(first_no, Mapping):
            return report(False, 'first_no must be a dict: {"a": "AppendStore", "b": ..., ...}')
        given = {str(k).strip().lower(): v for k, v in first_no.items()}
        letters = sorted(stack_writes(scratch_stack()))
        missing = [x for x in letters if x not in given]
        if missing:
            return report(False, f"give an answer for every write: {', '.join(missing)} missing")
        wrong = []
        for letter in letters:
            stack = scratch_stack()
            truth = _refusing_layer(stack, stack_writes(stack)[letter])
            if _layer_word(given[letter]) != _layer_word(truth):
                wrong.append(letter)
        if wrong:
            return report(
                False,
                f"not right yet for {', '.join(wrong)}: try each of them on a fresh scratch_stack() and "
                "see what is raised, and by which layer (more: drand_edu.exercises.hint('first_refusal'))",
            )
        return report(
            True,
            praise="the outer layer speaks first (a gap is the append layer's even when the link is broken "
            "too), and a write with 96 zero bytes as signature was stored: no layer reads signatures",
        )

    return safely(check, "reading your answers failed")


# -- Exercise 2 (Implement): what a package depends on -------------------------------------------------


def _random_dag(chooser: random.Random, size: int = 8) -> dict[str, set[str]]:
    names = [f"p{i}" for i in range(size)]
    chooser.shuffle(names)  # the names do not give the order away
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


register_hints(
    "depends_on",
    "A package depends on what it imports, and on everything *those* import, and so on down.",
    "Keep a set of packages found and a to-do list starting with graph[package]; take one from the list, "
    "and if it is new, add it and put its own imports on the list.",
    "seen, todo = set(), list(graph.get(package, ())); while todo: d = todo.pop(); if d not in seen: "
    "seen.add(d); todo.extend(graph.get(d, ())); return seen",
)


class _WalkTooLong(Exception):
    """Raised by :class:`_CountingGraph` when a walk reads the graph far more often than it has edges."""


class _CountingGraph(dict):
    """The graph handed to the learner: it stops a walk that goes round a cycle forever."""

    def __init__(self, graph: Mapping[str, set[str]]) -> None:
        super().__init__({p: set(d) for p, d in graph.items()})
        self.reads, self.limit = 0, 50 * (len(graph) + sum(len(d) for d in graph.values()) + 1)

    def _count(self) -> None:
        self.reads += 1
        if self.reads > self.limit:
            raise _WalkTooLong

    def __getitem__(self, key: str) -> set[str]:
        self._count()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._count()
        return super().get(key, default)


def _with_cycles(chooser: random.Random) -> list[dict[str, set[str]]]:
    """Import graphs with cycles (Python allows them; the layering test exists to keep them out)."""
    two = {"a": {"b"}, "b": {"a"}, "c": {"a"}, "d": set()}
    three = {"x": {"y"}, "y": {"z"}, "z": {"x", "w"}, "w": set(), "v": {"z"}}
    itself = {"s": {"s", "t"}, "t": set()}
    tangled = _random_dag(chooser)
    names = sorted(tangled)
    for _ in range(3):  # a few edges that point back up
        low, high = chooser.sample(names, 2)
        tangled[low].add(high)
        tangled[high].add(low)
    return [two, three, itself, tangled]


def check_depends_on(my_depends_on: Callable[[Mapping[str, set[str]], str], Iterable[str]] | None) -> Verdict:
    """``my_depends_on(graph, package)``: every package it imports, directly or through others.

    Tried on the real graph, a long chain, random acyclic graphs and graphs with import cycles (where a
    package in a cycle depends on itself, and a walk that does not remember what it saw never ends).
    """
    if nudge_if_stub(my_depends_on, "depends_on"):
        return Verdict(False)

    def check() -> bool:
        chooser = random.Random(secrets.randbits(64))
        chain = {f"q{i}": ({f"q{i - 1}"} if i else set()) for i in range(12)}  # a long chain: deep walks
        graphs = [import_graph(), chain, *(_random_dag(chooser) for _ in range(6)), *_with_cycles(chooser)]
        for graph in graphs:
            cyclic = any(p in _closure(graph, p) for p in graph)
            for package in graph:
                try:
                    got = my_depends_on(_CountingGraph(graph), package)
                except (_WalkTooLong, RecursionError):
                    return report(
                        False,
                        "on a graph with an import cycle your walk never ends: keep a set of the packages "
                        "already found, and do not walk from one twice",
                    )
                got = set(got) if got is not None else None
                expected = _closure(graph, package)
                if got == expected:
                    continue
                if cyclic and got is not None and got == expected - {package}:
                    why = "in an import cycle a package does depend on itself: do not drop it"
                elif got is not None and got < expected:
                    why = "some packages are missing: follow the imports of the imports too"
                elif got is not None and package in got and package not in expected:
                    why = "a package does not depend on itself (unless there is an import cycle)"

                elif got is not None and got - expected:
                    why = "it lists packages that nothing below this one imports"
                else:
                    why = "return a set of package names (an empty set when it imports nothing)"
                return report(False, f"{why} (more: drand_edu.exercises.hint('depends_on'))")
        return report(
            True,
            praise="imports of imports followed to the bottom, on the real graph, on random ones and "
            "around import cycles",
        )

    return safely(check, "my_depends_on failed")


# -- Exercise 3 (Implement): the layering test ---------------------------------------------------------


def _upward(graph: Mapping[str, set[str]], layers: Sequence[set[str]]) -> set[tuple[str, str]]:
    where = {p: i for i, layer in enumerate(layers) for p in layer}
    return {
        (p, d) for p, deps in graph.items() for d in deps
        if p in where and d in where and where[d] > where[p]
    }  # fmt: skip


#: The course's intended layers, bottom first (tests/test_layers.py checks the code against them).
INTENDED = [
    {"crypto"}, {"threshold"}, {"chain", "tlock"}, {"net", "store", "node"}, {"api", "client"}, {"cli"},
]  # fmt: skip


def _layering_case(chooser: random.Random) -> tuple[dict[str, set[str]], list[set[str]]]:
    names = [f"m{i}" for i in range(9)]
    chooser.shuffle(names)
    sizes = [2, 2, 2, 1]
    layers, start = [], 0
    for size in sizes:
        layers.append(set(names[start : start + size]))
        start += size
    # names[start:] are in no layer: helpers anyone may import
    graph = {p: set() for p in names}
    for p in names:
        for d in names:
            if p != d and chooser.random() < 0.3:
                graph[p].add(d)
    return graph, layers


register_hints(
    "upward_imports",
    "Number the layers from the bottom (layers[0] is the lowest); an import is wrong when it goes to a "
    "higher number than the importer's own.",
    "First build a dict package → its layer number; packages in no layer are helpers, skip them (as "
    "importer and as imported). Imports inside one layer are allowed.",
    "where = {p: i for i, layer in enumerate(layers) for p in layer}; return {(p, d) for p in graph for d "
    "in graph[p] if p in where and d in where and where[d] > where[p]}",
)


def check_upward_imports(
    my_upward_imports: Callable[[Mapping[str, set[str]], Sequence[set[str]]], Iterable[Sequence[str]]] | None,
) -> Verdict:
    """``my_upward_imports(graph, layers)``: the pairs (importer, imported) that import a higher layer."""
    if nudge_if_stub(my_upward_imports, "upward_imports"):
        return Verdict(False)

    def check() -> bool:
        chooser = random.Random(secrets.randbits(64))
        real = import_graph()
        broken = {p: set(d) for p, d in real.items()}
        broken["crypto"] = broken["crypto"] | {"node"}  # the day a low layer imports a high one
        cases = [(real, INTENDED), (broken, INTENDED), *(_layering_case(chooser) for _ in range(8))]
        for graph, layers in cases:
            got = my_upward_imports({p: set(d) for p, d in graph.items()}, [set(layer) for layer in layers])
            got_pairs = {tuple(pair) for pair in got} if got is not None else None
            expected = _upward(graph, layers)
            if got_pairs == expected:
                continue
            flipped = {(d, p) for p, d in expected}
            if got_pairs and got_pairs == flipped:
                why = "the pairs are the wrong way round: (importer, imported)"
            elif got_pairs is not None and got_pairs > expected:
                why = (
                    "it flags imports that are allowed: inside one layer, downwards, or of a helper that "
                    "is in no layer"
                )
            elif got_pairs is not None and got_pairs < expected:
                why = "some imports into a higher layer are missing"
            else:
                why = "return a set of (importer, imported) pairs"
            return report(False, f"{why} (more: drand_edu.exercises.hint('upward_imports'))")
        return report(
            True,
            praise="upward imports found, sideways ones and helpers left alone — the rule that "
            "tests/test_layers.py checks on every run",
        )

    return safely(check, "my_upward_imports failed")


# -- Exercise 4 (Break): a forgery the whole stack accepts ------------------------------------------------

MORE_FORGERY = "drand_edu.exercises.hint('store_trusts_its_caller')"
register_hints(
    "store_trusts_its_caller",
    "Start from what the stack checks (Exercise 1): which round may come next, and what must its "
    "previous signature be?",
    "Round stack.last().round + 1, previous signature stack.last().signature. The signature must still "
    "decode as a point of G2 (any real BLS signature is one, of any round, of any chain) but must not be "
    "the true signature of this round.",
    "last = stack.last(); return Beacon(round=last.round + 1, signature=last.signature, "
    "previous_signature=last.signature) — a real signature, replayed for the wrong round",
)


def check_store_trusts_its_caller(
    my_forgery: Callable[[StoreLayer, Sequence[Beacon]], Beacon] | None,
) -> Verdict:
    """``my_forgery(stack, published)``: a beacon for the round after ``stack``'s last that the whole
    stack accepts, whose signature is a point of the scheme's signature group, and that does not
    verify with the chain's public key. ``published`` is the real chain, further than the node."""
    if nudge_if_stub(my_forgery, "store_trusts_its_caller"):
        return Verdict(False)

    def check() -> bool:
        tag = secrets.token_hex(4)
        chooser = random.Random(tag)
        served_case = None
        for case in range(2):
            info, beacons, clock = _small_chain(f"exercise-05-forgery-{tag}-{case}", 8)
            for head in chooser.sample(range(2, 6), 2):
                forged = my_forgery(_stack_over(info, beacons[:head], clock), list(beacons))
                if not isinstance(forged, Beacon):
                    return report(False, "return a Beacon(round, signature, previous_signature)")
                stack = _stack_over(info, beacons[:head], clock)
                try:
                    stack.put(forged)
                except DrandEduError as refusal:
                    return report(
                        False,
                        f"the node's store stack refused it (node at round {head}): {refusal}. It must "
                        f"get through every layer (more: {MORE_FORGERY})",
                    )
                try:
                    point = info.scheme.sig_group.from_bytes(forged.signature)
                except (InvalidPoint, DrandEduError):
                    return report(
                        False,
                        "the stack took it, but its signature is not even a point of G2: the first parser "
                        "would spot that. A convincing forgery carries a well-formed signature",
                    )
                if point.is_identity():
                    return report(
                        False,
                        "the stack took it, but its signature is the point at infinity: a valid encoding, "
                        "yet no BLS signature is ever ∞ and bls.verify refuses it before any pairing. A "
                        "convincing forgery carries a point that could be a signature",
                    )
                if is_valid_beacon(info, forged):
                    return report(
                        False,
                        f"that is the genuine beacon of round {forged.round}: it verifies, so nothing is "
                        "forged — the node would serve the truth",
                    )
                served_case = served_case or (info, stack, clock, forged.round)
        info, stack, clock, round_number = served_case
        with serve(ServedChain(info, stack), clock=clock) as server:
            try:
                Client(server.url, chain_hash=info.hash_hex, retries=0).get(round_number)
            except DrandEduError as refusal:
                if "signature" not in str(refusal):  # refused for another reason than the signature
                    return report(False, f"the client refused it, but not for its signature: {refusal}")
                return report(
                    True,
                    praise="every layer of the stack took it and the API served it; only the client's "
                    "signature check refused it",
                )
        return report(False, "a verifying client accepted your beacon: it is not a forgery")

    return safely(check, "my_forgery failed")


# -- Exercise 5 (Connect): where drand's aggregator writes ----------------------------------------------

#: chainStore.runAggregator hands a recovered, verified beacon to ``c.tryAppend(ctx, lastBeacon, newBeacon)``:
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L278
#: tryAppend calls the store stack's Put:
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L303-L343
WRITER = "tryappend"
#: runAggregator keeps a partial when ``pRound <= lastBeacon.Round+partialCacheStoreLimit+1`` with
#: partialCacheStoreLimit = 3, so up to last + 4:
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L143
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L196-L198
FURTHEST_AHEAD = 4


def _function_name(answer: Any) -> str:
    """``"c.tryAppend(ctx, last, newB)"``, ``"chainStore.tryAppend"``, ``"tryappend"`` → ``"tryappend"``."""
    text = str(answer).strip().strip("`'\"").split("(")[0]
    return text.split(".")[-1].strip().lower()


def _rounds_ahead(answer: Any) -> int | None:
    """``4``, ``4.0``, ``"4"``, ``"last + 4"``, ``"last + 1 + 3"``, ``"3+1=4"``,
    ``"partialCacheStoreLimit+1"``
    → 4; anything else → None. A sum is added up; after an ``=`` only the result counts."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int | float):
        return int(answer) if answer == int(answer) else None
    text = str(answer).split("=")[-1]
    text = re.sub(r"partialcachestorelimit", " 3 ", text, flags=re.I)  # the constant, by its name
    numbers = re.findall(r"\d+", text)
    if not numbers or re.search(r"[-*/]", text):
        return None
    return sum(int(n) for n in numbers)  # "last + 1 + 3" is 4 too


register_hints(
    "aggregator_writes",
    "Open runAggregator at the link and scroll to where the recovered signature has been verified: "
    "what is the new beacon handed to?",
    "For the second answer, find isNotTooFar: it compares the partial's round with lastBeacon.Round plus "
    "a constant plus something else; look up the constant's value a few lines above the function.",
)


def check_aggregator_writes(writer: str | None, furthest_ahead: int | str | None) -> Verdict:
    """``writer``: the chainStore method runAggregator stores a new beacon with; ``furthest_ahead``: the
    largest k such that a partial of round last + k is still kept in the cache."""
    if nudge_if_stub(writer, "aggregator_writes") or nudge_if_stub(furthest_ahead, "aggregator_writes"):
        return Verdict(False)

    def check() -> bool:
        name = _function_name(writer)
        if name in ("put", "appendstore", "callbackstore"):
            return report(
                False,
                "Put is what the store stack does; which method of chainStore does runAggregator call, "
                "that then calls Put?",
            )
        if name != WRITER:
            return report(False, "not that name: find the call right after the new beacon is built")
        k = _rounds_ahead(furthest_ahead)
        if k == 3:
            return report(
                False,
                "3 is the constant partialCacheStoreLimit; read the comparison in isNotTooFar again: what is "
                "added to it?",
            )
        if k == 1:
            return report(
                False,
                "one round ahead is what ProcessPartialBeacon lets in from the network; the aggregator's "
                "cache has its own limit (isNotTooFar)",
            )
        if k != FURTHEST_AHEAD:
            return report(False, "not that number: read isNotTooFar and the constant it uses")
        return report(
            True,
            praise="tryAppend writes through the stack; the cache keeps partials up to last + 1 + "
            "partialCacheStoreLimit, read from drand's own code",
        )

    return safely(check, "reading your answers failed")
