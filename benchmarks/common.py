"""Shared by the benchmark scripts: how one operation is timed, and a chained chain to time on."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id, use_backend
from drand_edu.rng import seeded_rng


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` in ms, with the garbage collector paused (as :mod:`timeit` does)."""
    samples = []
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    return statistics.median(samples)


def median_ms_each(fn: Callable[[object], object], items: Sequence[object]) -> float:
    """Median wall time in ms of ``fn(item)`` over ``items``: one fresh input per call, so no call
    profits from what an earlier one cached."""
    pending = iter(items)
    return median_ms(lambda: fn(next(pending)), len(items))


def chained_chain(rounds: int, seed: str = "bench") -> tuple[ChainInfo, list[Beacon], int]:
    """Rounds 1..``rounds`` of a mainnet-style chained chain signed by one key (fast backend).

    Returns the chain info, the beacons and the secret key (to sign more).
    """
    scheme = scheme_by_id("pedersen-bls-chained")
    with use_backend("arkworks"):
        keys = bls.keygen(scheme, rng=seeded_rng(seed))
        info = ChainInfo(keys.public.to_bytes(), 30, 1_595_431_050, bytes(32), scheme)
        beacons, previous = [], info.genesis_seed
        for round_number in range(1, rounds + 1):
            signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, previous))
            beacons.append(Beacon(round_number, signature, previous))
            previous = signature
    return info, beacons, keys.secret
