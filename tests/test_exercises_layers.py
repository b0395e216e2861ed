"""Notebook-05 checkers: a stub gets the first hint only, wrong answers "not yet", right ones "correct"."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon
from drand_edu.crypto import G2
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.common import _HINTS
from drand_edu.exercises.layers import (
    check_aggregator_writes,
    check_depends_on,
    check_first_refusal,
    check_store_trusts_its_caller,
    check_upward_imports,
    scratch_stack,
    stack_writes,
)
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng

from .conftest import verdict


def stub(*args): ...  # your code


@pytest.mark.parametrize(
    ("check", "name", "answer"),
    [
        (check_first_refusal, "first_refusal", (None,)),
        (check_depends_on, "depends_on", (stub,)),
        (check_upward_imports, "upward_imports", (stub,)),
        (check_store_trusts_its_caller, "store_trusts_its_caller", (stub,)),
        (check_aggregator_writes, "aggregator_writes", (None, None)),
    ],
)
def test_a_stub_gets_the_nudge_only(capsys, check, name, answer) -> None:
    out = verdict(capsys, check, *answer)
    steps = _HINTS[name]
    assert out.startswith(NOT_YET) and steps[0] in out and steps[-1] not in out


RIGHT_REFUSALS = {"a": "AppendStore", "b": "SchemeStore", "c": "AppendStore", "d": None, "e": "AppendStore",
                  "f": "AppendStore"}  # fmt: skip


def test_first_refusal(capsys) -> None:
    stack = scratch_stack()
    assert stack.layers()[:4] == ["CallbackStore", "AppendStore", "SchemeStore", "DiscrepancyStore"]
    stack.put(stack_writes(stack)["d"])  # the zero signature really goes in
    assert stack.last().signature == bytes(96)
    assert CORRECT in verdict(capsys, check_first_refusal, RIGHT_REFUSALS)
    other_spellings = {"A": "appendStore", "b": "scheme layer", "c": "append", "d": "stored", "e": "Append",
                       "f": "append store"}  # fmt: skip
    assert CORRECT in verdict(capsys, check_first_refusal, other_spellings)
    inner_first = {**RIGHT_REFUSALS, "f": "SchemeStore"}  # a gap and a broken link: the outer layer speaks
    assert "for f" in verdict(capsys, check_first_refusal, inner_first)
    signature_checked = {**RIGHT_REFUSALS, "d": "SchemeStore"}  # "surely someone checks the signature"
    assert "for d" in verdict(capsys, check_first_refusal, signature_checked)
    metrics_refuse = {**RIGHT_REFUSALS, "d": "DiscrepancyStore"}
    assert "for d" in verdict(capsys, check_first_refusal, metrics_refuse)
    assert "missing" in verdict(capsys, check_first_refusal, {"a": "AppendStore"})
    assert "dict" in verdict(capsys, check_first_refusal, ["AppendStore"] * 6)


def right_depends_on(graph, package):
    seen, todo = set(), list(graph.get(package, ()))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(graph.get(dep, ()))
    return seen


def recursive_depends_on(graph, package, found=None):
    found = [] if found is None else found
    for dep in graph.get(package, ()):
        if dep not in found:
            found.append(dep)
            recursive_depends_on(graph, dep, found)
    return sorted(found)  # a list is fine too


def test_depends_on(capsys) -> None:
    assert CORRECT in verdict(capsys, check_depends_on, right_depends_on)
    assert CORRECT in verdict(capsys, check_depends_on, recursive_depends_on)
    direct_only = lambda graph, package: set(graph[package])  # noqa: E731
    assert "missing" in verdict(capsys, check_depends_on, direct_only)
    one_level_more = lambda graph, package: set(graph[package]).union(  # noqa: E731
        *(graph[d] for d in graph[package])
    )
    assert "missing" in verdict(capsys, check_depends_on, one_level_more)
    with_itself = lambda graph, package: right_depends_on(graph, package) | {package}  # noqa: E731
    assert "itself" in verdict(capsys, check_depends_on, with_itself)
    assert NOT_YET in verdict(capsys, check_depends_on, lambda graph, package: None)


def test_depends_on_meets_import_cycles(capsys) -> None:
    def walks_without_memory(graph, package):  # fine on a DAG, loops forever around a cycle
        found, todo = set(), list(graph.get(package, ()))
        while todo:
            dep = todo.pop()
            found.add(dep)
            todo.extend(graph.get(dep, ()))
        return found

    def recursion_without_memory(graph, package):
        return set().union(*({d} | recursion_without_memory(graph, d) for d in graph[package]))

    def never_itself(graph, package):  # the DAG rule applied everywhere
        return right_depends_on(graph, package) - {package}

    out = verdict(capsys, check_depends_on, walks_without_memory)
    assert "never ends" in out and "your code raised" not in out
    assert "never ends" in verdict(capsys, check_depends_on, recursion_without_memory)
    assert "does depend on itself" in verdict(capsys, check_depends_on, never_itself)


def right_upward(graph, layers):
    where = {p: i for i, layer in enumerate(layers) for p in layer}
    return {(p, d) for p in graph for d in graph[p] if p in where and d in where and where[d] > where[p]}


def right_upward_as_lists(graph, layers):
    level = {}
    for i, layer in enumerate(layers):
        level.update(dict.fromkeys(layer, i))
    pairs = []
    for p, deps in graph.items():
        pairs += [[p, d] for d in sorted(deps) if level.get(d, -1) > level.get(p, len(layers))]
    return pairs


def test_upward_imports(capsys) -> None:
    assert CORRECT in verdict(capsys, check_upward_imports, right_upward)
    assert CORRECT in verdict(capsys, check_upward_imports, right_upward_as_lists)

    def sideways_too(graph, layers):
        where = {p: i for i, layer in enumerate(layers) for p in layer}
        return {(p, d) for p in graph for d in graph[p] if p in where and d in where and where[d] >= where[p]}

    assert "allowed" in verdict(capsys, check_upward_imports, sideways_too)

    def reversed_pairs(graph, layers):
        return {(d, p) for p, d in right_upward(graph, layers)}

    assert "wrong way round" in verdict(capsys, check_upward_imports, reversed_pairs)

    def helpers_at_the_bottom(graph, layers):  # counts a helper in no layer as layer -1... or above all
        where = {p: i for i, layer in enumerate(layers) for p in layer}
        return {(p, d) for p in graph for d in graph[p] if p in where and where.get(d, 99) > where[p]}

    assert "allowed" in verdict(capsys, check_upward_imports, helpers_at_the_bottom)

    def downward(graph, layers):
        where = {p: i for i, layer in enumerate(layers) for p in layer}
        return {(p, d) for p in graph for d in graph[p] if p in where and d in where and where[d] < where[p]}

    assert NOT_YET in verdict(capsys, check_upward_imports, downward)
    assert NOT_YET in verdict(capsys, check_upward_imports, lambda graph, layers: set())


def replay_last(stack, published):
    last = stack.last()
    return Beacon(last.round + 1, last.signature, last.signature)


def replay_round_one(stack, published):
    last = stack.last()
    return Beacon(last.round + 1, published[0].signature, last.signature)


def test_store_trusts_its_caller(capsys) -> None:
    assert CORRECT in verdict(capsys, check_store_trusts_its_caller, replay_last)
    assert CORRECT in verdict(capsys, check_store_trusts_its_caller, replay_round_one)

    other = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng("another chain"))
    other.run_rounds(8)

    def other_chains_beacon(stack, published):  # genuine elsewhere: its link is not ours
        return other.processes[0].store.get(stack.last().round + 1)

    assert "refused it" in verdict(capsys, check_store_trusts_its_caller, other_chains_beacon)

    def other_chains_signature_relinked(stack, published):  # a real forgery: a point, linked, wrong key
        return Beacon(stack.last().round + 1, other_chains_beacon(stack, published).signature,
                      stack.last().signature)  # fmt: skip

    assert CORRECT in verdict(capsys, check_store_trusts_its_caller, other_chains_signature_relinked)

    def random_bytes(stack, published):  # today's "forgery": 96 bytes, and linked
        return Beacon(stack.last().round + 1, bytes(range(96)), stack.last().signature)

    assert "not even a point" in verdict(capsys, check_store_trusts_its_caller, random_bytes)

    def infinity(stack, published):  # insecure-but-plausible: a valid encoding, linked, and never a signature
        return Beacon(stack.last().round + 1, G2.identity().to_bytes(), stack.last().signature)

    assert "point at infinity" in verdict(capsys, check_store_trusts_its_caller, infinity)

    def the_genuine_one(stack, published):
        return published[stack.last().round]  # published[i] is round i + 1

    assert "genuine" in verdict(capsys, check_store_trusts_its_caller, the_genuine_one)

    def unlinked(stack, published):
        return Beacon(stack.last().round + 1, stack.last().signature, bytes(96))

    assert "previous signature" in verdict(capsys, check_store_trusts_its_caller, unlinked)

    def hard_coded(stack, published):  # right for one node only
        return Beacon(5, published[1].signature, published[3].signature)

    assert "refused it" in verdict(capsys, check_store_trusts_its_caller, hard_coded)
    assert "return a Beacon" in verdict(capsys, check_store_trusts_its_caller, lambda s, p: {"round": 4})


def test_aggregator_writes(capsys) -> None:
    assert CORRECT in verdict(capsys, check_aggregator_writes, "tryAppend", 4)
    assert CORRECT in verdict(capsys, check_aggregator_writes, "c.tryAppend(ctx, last, newB)", "last + 4")
    assert CORRECT in verdict(capsys, check_aggregator_writes, "chainStore.tryAppend", "4")
    assert "Put is what the store" in verdict(capsys, check_aggregator_writes, "Put", 4)
    assert "not that name" in verdict(capsys, check_aggregator_writes, "NewValidPartial", 4)
    assert "partialCacheStoreLimit" in verdict(capsys, check_aggregator_writes, "tryAppend", 3)
    assert "ProcessPartialBeacon" in verdict(capsys, check_aggregator_writes, "tryAppend", 1)
    assert CORRECT in verdict(capsys, check_aggregator_writes, "tryAppend()", "lastBeacon.Round + 1 + 3")
    assert "not that number" in verdict(capsys, check_aggregator_writes, "tryAppend", 2)
    # refused though right, before: a sum with its result, and the constant by its name
    for right in ("3+1=4", "partialCacheStoreLimit+1", "lastBeacon.Round+partialCacheStoreLimit+1", 4.0):
        assert CORRECT in verdict(capsys, check_aggregator_writes, "tryAppend", right), right
    assert "partialCacheStoreLimit" in verdict(
        capsys, check_aggregator_writes, "tryAppend", "partialCacheStoreLimit"
    )


# -- issue 22: per exercise, the insecure-but-plausible (or most plausible wrong) answers, refused --------


def test_first_refusal_refuses_every_belief_that_a_layer_checks_signatures(capsys) -> None:
    """Exercise 1's insecure belief: "some layer must check the signature", so the zero signature (d) is
    refused by whichever layer the learner trusts. Every such answer is refused; the verdict says which."""
    for believed in ("CallbackStore", "AppendStore", "SchemeStore", "DiscrepancyStore"):
        out = verdict(capsys, check_first_refusal, {**RIGHT_REFUSALS, "d": believed})
        assert NOT_YET in out and "for d" in out, believed
    everything_refused = {**RIGHT_REFUSALS, "d": "AppendStore"}
    assert "for d" in verdict(capsys, check_first_refusal, everything_refused)
    assert "no layer reads signatures" in verdict(capsys, check_first_refusal, RIGHT_REFUSALS)


def test_depends_on_refuses_a_walk_that_only_remembers_its_own_path(capsys) -> None:
    """Exercise 2's most plausible wrong answer after the memoryless walk: a depth-first walk that avoids
    cycles by remembering the current path only. It ends, but leaves out the package itself when that
    package is in a cycle."""

    def path_only(graph, package, path=None):
        path = (package,) if path is None else path
        found = set()
        for dep in graph.get(package, ()):
            if dep not in path:
                found |= {dep} | path_only(graph, dep, (*path, dep))
        return found

    out = verdict(capsys, check_depends_on, path_only)
    assert NOT_YET in out and "does depend on itself" in out


def test_upward_imports_refuses_checking_only_the_next_layer_up_and_helpers_as_importers(capsys) -> None:
    """Exercise 3's plausible wrong answers: flag only imports of the layer right above (the day crypto
    imports node, three layers up, passes unseen: the insecure one), and treat a helper in no layer as
    the lowest layer when it imports (it may import anything)."""

    def next_layer_only(graph, layers):
        where = {p: i for i, layer in enumerate(layers) for p in layer}
        return {
            (p, d) for p in graph for d in graph[p] if p in where and d in where and where[d] == where[p] + 1
        }

    out = verdict(capsys, check_upward_imports, next_layer_only)
    assert NOT_YET in out and "missing" in out

    def helpers_as_lowest(graph, layers):
        where = {p: i for i, layer in enumerate(layers) for p in layer}
        return {(p, d) for p in graph for d in graph[p] if d in where and where[d] > where.get(p, -1)}

    out = verdict(capsys, check_upward_imports, helpers_as_lowest)
    assert NOT_YET in out and "allowed" in out


def test_forgery_refuses_the_group_public_key_as_a_signature(capsys) -> None:
    """Exercise 4's insecure-but-plausible answer: a "real point from the chain" — the group public key,
    public and genuine, linked correctly. On this scheme it lives in G1 (48 bytes), not in G2 where
    signatures live: the verdict names the group check, not the stack."""

    def public_key(stack, published):
        return Beacon(stack.last().round + 1, stack.inner.inner.inner.info.public_key,
                      stack.last().signature)  # fmt: skip

    out = verdict(capsys, check_store_trusts_its_caller, public_key)
    assert NOT_YET in out and "not even a point of G2" in out


def test_aggregator_writes_refuses_the_plausible_misreadings(capsys) -> None:
    """Exercise 5 (no security angle): the most plausible wrong answers a hurried reader gives — the
    layer's Put, the channel the partial arrives on, the constant alone, and a sum added up wrong."""
    for writer in ("c.Put(ctx, newB)", "CallbackStore.Put", "appendStore"):
        assert "Put is what the store" in verdict(capsys, check_aggregator_writes, writer, 4), writer
    assert "not that name" in verdict(capsys, check_aggregator_writes, "newPartials", 4)
    assert "not that name" in verdict(capsys, check_aggregator_writes, "beaconStoredAgg", 4)
    assert "not that number" in verdict(capsys, check_aggregator_writes, "tryAppend", "last + 1 + 3 = 5")
    two_more = "partialCacheStoreLimit+2"
    assert "not that number" in verdict(capsys, check_aggregator_writes, "tryAppend", two_more)
