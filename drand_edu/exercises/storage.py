"""Exercise checkers for notebook 07 (storage and sync)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon
from ..errors import StoreError
from ..store.memory import MemoryStore
from ..store.stack import BeaconAlreadyStored, new_chain_store
from .common import is_stub, report, safely

__all__ = ["check_find_gaps", "check_sneaky_chunk", "check_trimmed_previous"]


def check_trimmed_previous(my_previous: Callable[[dict[int, bytes], bytes, int], bytes] | None) -> bool:
    """``my_previous(signatures, genesis_seed, round)``: a trimmed store's previous signature of a round."""
    if is_stub(my_previous):
        return report(False, "define my_previous(signatures, genesis_seed, round_number) first")

    def check() -> bool:
        seed = secrets.token_bytes(32)
        signatures = {r: secrets.token_bytes(96) for r in range(1, 30)}
        for round_number in (1, 2, 17, 29):
            expected = seed if round_number == 1 else signatures[round_number - 1]
            if my_previous(dict(signatures), seed, round_number) != expected:
                which = "round 1" if round_number == 1 else f"round {round_number}"
                return report(
                    False,
                    f"wrong previous signature for {which}: it is the signature of the round before "
                    "(and for round 1, the genesis seed)",
                )
        return report(True, praise="that is all a trimmed store needs to rebuild a chained beacon")

    return safely(check, "my_previous failed")


def check_find_gaps(my_gaps: Callable[[Sequence[int]], list[tuple[int, int]]] | None) -> bool:
    """``my_gaps(rounds)``: the missing ranges ``(first, last)`` between round 1 and the highest round."""
    if is_stub(my_gaps):
        return report(False, "define my_gaps(rounds) first")

    def expected(rounds: Sequence[int]) -> list[tuple[int, int]]:
        present, gaps, start = set(rounds), [], None
        for r in range(1, max(rounds, default=0) + 1):
            if r not in present and start is None:
                start = r
            if r in present and start is not None:
                gaps.append((start, r - 1))
                start = None
        return gaps

    def check() -> bool:
        cases = [[1, 2, 3], [2, 3], [1, 4, 5, 9], []]
        cases.append(sorted(secrets.SystemRandom().sample(range(1, 200), 120)))
        for rounds in cases:
            got = [tuple(g) for g in my_gaps(list(rounds))]
            if got != expected(rounds):
                shown = rounds if len(rounds) < 10 else f"{len(rounds)} random rounds"
                return report(
                    False, f"for {shown} you found {got[:4]}: list (first, last) of each missing run"
                )
        return report(True, praise="check_store reports exactly these as 'gap' problems")

    return safely(check, "my_gaps failed")


def check_sneaky_chunk(info: ChainInfo, beacons: Sequence[Beacon], chunk: Sequence[Beacon] | None) -> bool:
    """``chunk``: rounds a lying peer could send where *every beacon verifies on its own*, yet a node's
    store stack refuses them (for a node whose last beacon is ``beacons[0]``)."""
    if is_stub(chunk):
        return report(False, "build chunk from the valid beacons (reorder, skip, repeat, …)")

    def check() -> bool:
        chunk_list = list(chunk)
        if not chunk_list or not all(is_valid_beacon(info, b) for b in chunk_list):
            return report(False, "every beacon of your chunk must verify on its own (is_valid_beacon)")
        store = new_chain_store(info, MemoryStore())
        store.put(beacons[0])
        for beacon in chunk_list:
            try:
                store.put(beacon)
            except BeaconAlreadyStored:
                continue  # harmless: the same beacon again
            except StoreError as refused:
                return report(
                    True, praise=f"refused: {refused} — checking signatures alone is not enough"
                )
        return report(False, "the store stack would store this chunk: it is a correct continuation")

    return safely(check, "checking your chunk failed")
