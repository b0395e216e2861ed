"""What a beacon process checks before it keeps anything: partials, recovered beacons (and how fast).

A drand node verifies every partial it receives before caching it
([`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238)
calls kyber's ``VerifyPartial``), recovers a round's signature from ``t`` of them and verifies the
recovered beacon against the group key before storing it. A :class:`BeaconProcess
<drand_edu.node.beacon_process.BeaconProcess>` asks those three things of its verifier:

* :class:`PartialVerifier` (one per node, the default) does exactly that, each time it is asked.
  Its only saving is that each signer's public share ``PubPoly.eval(i)`` is computed once per
  public polynomial instead of at every partial (kyber recomputes it; the value is the same).
* :class:`SharedVerifier` is the **simulator's shortcut**: one for all the nodes of a
  :class:`~drand_edu.node.network.LocalNetwork`, so that 16 nodes × 1,000 rounds run in seconds.
  Every node still asks about every partial before caching it and about every beacon before
  storing it, and gets the verdict its own check would give; what is shared is the *work*:

  - verdicts are remembered by their bytes (the same public polynomial, message and partial
    always verify the same way), so each distinct partial is checked once per network, not once
    per receiving node;
  - the partials of one round, announced when their signers broadcast them, are checked together
    by :func:`~drand_edu.threshold.tbls.verify_partials` (one pairing equation for the batch,
    split in halves if it fails) the first time any node asks about one of them;
  - a round's signature is recovered once per network. Threshold BLS signatures are *unique*:
    ``t`` partials that each verified under the public polynomial interpolate to ``f(0)·H(m)``
    whichever ``t`` they are, so every node with ``t`` verified partials of a message computes the
    same bytes. (Nodes rarely hold the *same* ``t`` partials — each has its own and the first
    ``t − 1`` to arrive — so remembering results by the exact set would save nothing.) A set with
    a partial that was never verified — a node's own, before any peer asked about it — is
    recovered the long way.

  Real drand nodes share nothing: each does all of this work itself.
  ``LocalNetwork.create(..., shared_verifier=False)`` gives every node its own
  :class:`PartialVerifier`; the tests check that both ways store the same chains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon
from ..crypto.groups import Point
from ..crypto.schemes import Scheme
from ..threshold.poly import PubPoly
from ..threshold.tbls import is_valid_partial, recover_signature, verify_partials

T = TypeVar("T")


def _remembered_for(table: dict[int, tuple[PubPoly, T]], public_poly: PubPoly, make: Callable[[], T]) -> T:
    """What ``table`` holds for this very polynomial object, made by ``make()`` the first time.

    Keyed by ``id`` (a polynomial is not hashable); the object is kept beside it because the id of a
    polynomial that was dropped can come back for another one.
    """
    entry = table.get(id(public_poly))
    if entry is None or entry[0] is not public_poly:
        entry = table[id(public_poly)] = (public_poly, make())
    return entry[1]


class PartialVerifier:
    """drand's checks for one node: every partial and every recovered beacon, verified when asked."""

    def __init__(self) -> None:
        self._shares: dict[int, tuple[PubPoly, dict[int, Point]]] = {}  # id(poly) -> (poly, shares)

    def public_share(self, public_poly: PubPoly, index: int) -> Point:
        """``public_poly.eval(index).value``, computed once per polynomial and index."""
        shares = _remembered_for(self._shares, public_poly, dict)
        if index not in shares:
            shares[index] = public_poly.eval(index).value
        return shares[index]

    def announce(self, scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> None:
        """A partial is about to be broadcast: a single node has nothing to prepare (a shared one has)."""

    def partial_ok(self, scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> bool:
        """Is ``partial`` a valid signature of ``message`` by its signer? (kyber's ``VerifyPartial``)"""
        return is_valid_partial(
            scheme, public_poly, message, partial, public_share=lambda i: self.public_share(public_poly, i)
        )

    def recover(
        self, scheme: Scheme, public_poly: PubPoly, message: bytes, partials: Sequence[bytes], threshold: int
    ) -> bytes:
        """The group signature from ``threshold`` partials that were verified when they arrived."""
        return recover_signature(scheme, public_poly, message, partials, threshold, verify=False)

    def beacon_ok(self, info: ChainInfo, beacon: Beacon) -> bool:
        """Is ``beacon`` valid on ``info``'s chain? (drand's ``VerifyBeacon``)"""
        return is_valid_beacon(info, beacon)


class SharedVerifier(PartialVerifier):
    """The simulator's shortcut: one verifier for every node of a network (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._keys: dict[int, tuple[PubPoly, tuple[bytes, ...]]] = {}  # id(poly) -> (poly, its bytes)
        self._verdicts: dict[tuple[tuple[bytes, ...], bytes, bytes], bool] = {}
        self._announced: dict[tuple[tuple[bytes, ...], bytes], list[bytes]] = {}
        self._recovered: dict[tuple[tuple[bytes, ...], bytes], bytes] = {}
        self._beacons: dict[tuple[str, bytes, int, bytes, bytes], bool] = {}
        #: how much work was done and how much was shared (for the curious; nothing depends on it)
        self.stats = {"batches": 0, "partials checked": 0, "recoveries": 0, "recoveries shared": 0}

    def _poly_key(self, public_poly: PubPoly) -> tuple[bytes, ...]:
        """The polynomial's commitments as bytes: verdicts hold for these exact commitments only."""
        return _remembered_for(self._keys, public_poly, lambda: tuple(public_poly.to_bytes_list()))

    def announce(self, scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> None:
        """Note a partial its signer broadcasts: the first question about ``message`` checks them all."""
        key = self._poly_key(public_poly)
        if (key, message, partial) not in self._verdicts:
            self._announced.setdefault((key, message), []).append(partial)

    def partial_ok(self, scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> bool:
        key = self._poly_key(public_poly)
        verdict = self._verdicts.get((key, message, partial))
        if verdict is None:
            announced = self._announced.pop((key, message), [])
            batch = [p for p in announced if (key, message, p) not in self._verdicts]
            if partial not in batch:
                batch.append(partial)  # a partial nobody announced (sent by hand, or by a broken node)
            verdicts = verify_partials(
                scheme, public_poly, message, batch, public_share=lambda i: self.public_share(public_poly, i)
            )
            self.stats["batches"] += 1
            self.stats["partials checked"] += len(batch)
            for checked, ok in zip(batch, verdicts, strict=True):
                self._verdicts[(key, message, checked)] = ok
            verdict = self._verdicts[(key, message, partial)]
        return verdict

    def recover(
        self, scheme: Scheme, public_poly: PubPoly, message: bytes, partials: Sequence[bytes], threshold: int
    ) -> bytes:
        key = self._poly_key(public_poly)
        all_verified = len(set(partials)) >= threshold == public_poly.threshold and all(
            self._verdicts.get((key, message, p)) for p in partials
        )
        if all_verified and (key, message) in self._recovered:  # unique: any t verified partials give it
            self.stats["recoveries shared"] += 1
            return self._recovered[(key, message)]
        signature = super().recover(scheme, public_poly, message, partials, threshold)
        self.stats["recoveries"] += 1
        if all_verified:
            self._recovered[(key, message)] = signature
        return signature

    def beacon_ok(self, info: ChainInfo, beacon: Beacon) -> bool:
        # the verdict depends on the scheme, the group key and the beacon's bytes only
        key = (info.scheme.id, info.public_key, beacon.round, beacon.signature, beacon.previous_signature)
        verdict = self._beacons.get(key)
        if verdict is None:
            verdict = self._beacons[key] = super().beacon_ok(info, beacon)
        return verdict
