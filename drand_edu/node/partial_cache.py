"""The cache of partial signatures a node collects before it can recover a beacon (drand's ``partialCache``).

drand's [`partialCache`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L13-L58)
groups partials by *(round, previous signature)* — two partials of the same round over different
histories never mix — and bounds what one signer can make it hold: at most
:data:`MAX_PARTIALS_PER_NODE` (drand's ``MaxPartialsPerNode`` = 100) partials per signer index; a
signer's 101st evicts its oldest. Within one round the **first** partial of an index wins
([`roundCache.append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L150-L162)
ignores a second one). Once a round is stored, ``FlushRounds`` drops it and every older one.
:class:`PartialCache` is ours; the beacon process only puts *verified* partials into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..threshold.tbls import partial_index

#: drand's ``MaxPartialsPerNode`` (``internal/chain/beacon/constants.go``).
MAX_PARTIALS_PER_NODE = 100


@dataclass
class RoundCache:
    """The partials of one (round, previous signature), by signer index."""

    round: int
    previous_signature: bytes
    partials: dict[int, bytes] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.partials)


class PartialCache:
    """Verified partials waiting for a threshold, bounded per signer."""

    def __init__(self, per_node: int = MAX_PARTIALS_PER_NODE) -> None:
        self.per_node = per_node
        self.rounds: dict[tuple[int, bytes], RoundCache] = {}
        self._received: dict[int, list[tuple[int, bytes]]] = {}  # signer index -> round ids, oldest first

    def append(self, round_number: int, previous: bytes, partial: bytes) -> RoundCache:
        """Add ``partial`` (first one per index wins); return its round's cache."""
        key = (round_number, previous)
        index = partial_index(partial)
        cache = self.rounds.get(key)
        if cache is None:
            seen = self._received.setdefault(index, [])
            if len(seen) >= self.per_node:  # this signer holds too many rounds: drop its oldest
                evicted = self.rounds.get(seen.pop(0))
                if evicted is not None:
                    evicted.partials.pop(index, None)
                    if not evicted.partials:
                        del self.rounds[(evicted.round, evicted.previous_signature)]
            cache = self.rounds[key] = RoundCache(round_number, previous)
        if index not in cache.partials:
            cache.partials[index] = partial
            self._received.setdefault(index, []).append(key)
        return cache

    def flush(self, up_to: int) -> None:
        """Forget every round ``<= up_to`` (drand's ``FlushRounds``)."""
        for key in [k for k in self.rounds if k[0] <= up_to]:
            for index in self.rounds.pop(key).partials:
                left = [k for k in self._received.get(index, []) if k != key]
                if left:
                    self._received[index] = left
                else:
                    self._received.pop(index, None)

    def clear(self) -> None:
        self.rounds.clear()
        self._received.clear()

    def __len__(self) -> int:
        return sum(len(c) for c in self.rounds.values())
