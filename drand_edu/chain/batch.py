"""Batch verification: many beacons of one chain checked with a single pairing equation.

Every beacon ``i`` of a chain satisfies ``e(pk, H(m_i)) = e(g, σ_i)`` (written here with the key
group first). Pick secret random scalars ``r_i`` and combine:

    e(pk, Σ r_i·H(m_i)) = e(g, Σ r_i·σ_i)

Both sides are one multi-scalar multiplication and one pairing, instead of two pairings per beacon.

**Why it is sound.** If some σ_j is wrong, write σ_j = s·H(m_j) + δ_j with δ_j ≠ 0. The equation
then holds only if Σ r_j·δ_j = 0 over the invalid beacons. For the forger, who must choose the δ_j
before the r_j are drawn, that happens with probability at most 2^-128 with 128-bit r_i (and
1/r ≈ 2^-255 for a single bad beacon). The r_i must be *secret and random*: with all r_i = 1
(plain aggregation), σ_1 + δ and σ_2 − δ cancel and two invalid beacons pass. Each σ_i is also
decoded with a subgroup check, so no small-order component can hide.

When the batch fails we split it in halves and recurse, so k bad beacons among n cost about
2k·log2(n) extra checks.

**Using both cores.** The equation is a sum, so it splits: with ``workers=2`` each process hashes,
decodes and combines its share of the beacons (the costly part: one hash-to-curve and one subgroup
check per beacon) and sends back its two partial sums; the parent adds them and does the single
pairing check. The coefficients are drawn in the parent, before the work is split, so the
soundness argument is unchanged. Locating bad beacons after a failed batch stays sequential.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Sequence
from functools import partial

from ..crypto import bls
from ..crypto.backend import current_backend, use_backend
from ..crypto.groups import Point, pairing_check
from ..errors import InvalidPoint
from ..rng import Rng, resolve
from .beacon import Beacon
from .info import ChainInfo
from .verify import is_valid_beacon

#: Bits of each random coefficient: a forged batch passes with probability ≤ 2^-128.
COEFFICIENT_BITS = 128


#: Below this many beacons per worker, starting processes costs more than it saves.
MIN_BEACONS_PER_WORKER = 64


def verify_batch(
    info: ChainInfo, beacons: Sequence[Beacon], *, rng: Rng | None = None, workers: int = 1
) -> list[int]:
    """The rounds whose signatures are invalid (an empty list when every beacon is valid).

    ``workers > 1`` spreads the hashing and decoding over that many processes (see the module
    docstring); the answer is the same.
    """
    rng = resolve(rng)
    if workers > 1 and len(beacons) >= 2 * MIN_BEACONS_PER_WORKER and _parallel_batch_holds(
        info, beacons, rng, workers
    ):
        return []
    scheme = info.scheme
    public_key = info.public_key_point()
    decoded: list[tuple[Beacon, Point, Point]] = []
    bad: list[int] = []
    for beacon in beacons:
        if beacon.round < 1 or (scheme.chained and not beacon.previous_signature):
            bad.append(beacon.round)
            continue
        try:
            signature = scheme.sig_group.from_bytes(beacon.signature)
        except InvalidPoint:
            bad.append(beacon.round)
            continue
        decoded.append((beacon, signature, bls.hash_message(scheme, beacon.message(scheme))))
    bad.extend(_find_bad(info, public_key, decoded, rng))
    return sorted(bad)


def _batch_holds(public_key: Point, items: Sequence[tuple[Beacon, Point, Point]], rng: Rng) -> bool:
    scheme_key_group = public_key.group
    coefficients = [1 + rng.getrandbits(COEFFICIENT_BITS) for _ in items]
    sig_group = items[0][1].group
    combined_sig = sig_group.msm([sig for _, sig, _ in items], coefficients)
    combined_hash = sig_group.msm([h for _, _, h in items], coefficients)
    g = scheme_key_group.generator()
    return pairing_check([(public_key, combined_hash), (-g, combined_sig)])


def _find_bad(
    info: ChainInfo, public_key: Point, items: list[tuple[Beacon, Point, Point]], rng: Rng
) -> list[int]:
    if not items:
        return []
    if len(items) == 1:
        return [] if is_valid_beacon(info, items[0][0]) else [items[0][0].round]
    if _batch_holds(public_key, items, rng):
        return []
    middle = len(items) // 2
    return _find_bad(info, public_key, items[:middle], rng) + _find_bad(info, public_key, items[middle:], rng)


# -- the same check on several processes -----------------------------------------------------------
def _partial_sums(
    scheme_id: str, backend_name: str, items: list[tuple[int, bytes, bytes, int]]
) -> tuple[bytes, bytes] | None:
    """In a worker: ``(Σ r_i·σ_i, Σ r_i·H(m_i))`` of its beacons, compressed; None if one is undecodable."""
    from ..crypto.schemes import scheme_by_id

    scheme = scheme_by_id(scheme_id)
    with use_backend(backend_name):
        signatures, hashes, coefficients = [], [], []
        for round_number, signature, previous, coefficient in items:
            try:
                signatures.append(scheme.sig_group.from_bytes(signature))
            except InvalidPoint:
                return None
            hashes.append(bls.hash_message(scheme, scheme.digest(round_number, previous)))
            coefficients.append(coefficient)
        group = scheme.sig_group
        return group.msm(signatures, coefficients).to_bytes(), group.msm(hashes, coefficients).to_bytes()


def _parallel_batch_holds(info: ChainInfo, beacons: Sequence[Beacon], rng: Rng, workers: int) -> bool:
    """One batch check over all ``beacons``, the work split across ``workers`` processes: this one
    and ``workers - 1`` forked helpers (forked after the imports, so a helper starts in milliseconds)."""
    scheme = info.scheme
    if any(b.round < 1 or (scheme.chained and not b.previous_signature) for b in beacons):
        return False
    items = [
        (b.round, b.signature, b.previous_signature, 1 + rng.getrandbits(COEFFICIENT_BITS)) for b in beacons
    ]
    size = -(-len(items) // workers)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    backend_name = current_backend(scheme.curve).name
    partials = _on_helpers(partial(_partial_sums, scheme.id, backend_name), chunks)
    if any(p is None for p in partials):
        return False
    group = scheme.sig_group
    combined_sig = group.sum(group.from_bytes(p[0]) for p in partials)  # type: ignore[index]
    combined_hash = group.sum(group.from_bytes(p[1]) for p in partials)  # type: ignore[index]
    g = scheme.key_group.generator()
    return pairing_check([(info.public_key_point(), combined_hash), (-g, combined_sig)])


def _on_helpers(function: Callable[[list], object], chunks: list[list]) -> list:
    """``[function(chunk) for chunk in chunks]``: the first chunk here, each other one in a helper
    process forked for it, which sends its (pickled) answer back through a pipe and exits at once.
    Without ``fork`` (Windows), or if a helper fails, the work is done here."""
    if not hasattr(os, "fork"):
        return [function(chunk) for chunk in chunks]
    helpers = []
    gc.freeze()  # the helpers' garbage collector then leaves the inherited objects (and their pages) alone
    try:
        for chunk in chunks[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the helper process (coverage does not follow forks)
                status = 1
                try:
                    os.close(read_end)
                    with os.fdopen(write_end, "wb") as pipe:
                        pipe.write(pickle.dumps(function(chunk)))
                    status = 0
                finally:
                    os._exit(status)
            os.close(write_end)
            helpers.append((pid, read_end, chunk))
    finally:
        gc.unfreeze()
    results = [function(chunks[0])]
    for pid, read_end, chunk in helpers:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        results.append(pickle.loads(data) if status == 0 and data else function(chunk))
    return results


def default_workers() -> int:
    """How many processes a large batch uses by default: every core, at most 2 (more do not pay:
    the machines this course targets have 2)."""
    return max(1, min(2, os.cpu_count() or 1))
