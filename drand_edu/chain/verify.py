"""Verifying beacons: one at a time, or a whole segment of a chain with its links.

A beacon is valid for a chain when its signature verifies under the chain's group public key on
the message the scheme prescribes for its round (:func:`verify_beacon` is drand's
[`VerifyBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L68-L71),
the scheme's digest then kyber's ``VerifyRecovered``, a plain BLS check against the group key):

* chained schemes sign ``sha256(previous_signature ‖ round)``, so a valid beacon also commits to
  the one before it; in a segment, each ``previous_signature`` must equal the previous round's
  ``signature`` (the *link*);
* unchained schemes sign ``sha256(round)``: any beacon can be checked on its own.

The randomness is never trusted: it is recomputed as ``sha256(signature)``.

Beside drand's own ``VerifyBeacon`` (``tests/test_ref_schemes.py``) the verdicts are the same on all five
schemes, except three refusals of ours, on purpose (``tests/data/differences.toml``): round 0 (the
genesis: nothing to verify), a chained beacon without its previous signature (its digest would be the
unchained message), and the point at infinity as key and signature together (kyber checks only the
pairing equation, which then holds for every message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ..crypto import bls
from ..errors import InvalidBeacon, InvalidPoint, InvalidSignature
from ..rng import Rng
from .beacon import Beacon
from .info import ChainInfo


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a segment: which round, what kind (signature, link, order), and why."""

    round: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"round {self.round}: {self.message}"


def verify_beacon(info: ChainInfo, beacon: Beacon) -> None:
    """Raise :class:`InvalidBeacon` (with the reason) unless ``beacon`` is valid on ``info``'s chain."""
    scheme = info.scheme
    if beacon.round < 1:
        raise InvalidBeacon(f"round {beacon.round}: round 0 is the genesis, it has no signature to verify")
    if scheme.chained and not beacon.previous_signature:
        raise InvalidBeacon(f"round {beacon.round}: chained scheme {scheme.id} needs the previous signature")
    if len(beacon.signature) != scheme.signature_size:
        raise InvalidBeacon(
            f"round {beacon.round}: signature has {len(beacon.signature)} bytes, "
            f"{scheme.id} signatures have {scheme.signature_size}"
        )
    try:
        bls.verify_or_raise(scheme, info.public_key_point(), beacon.message(scheme), beacon.signature)
    except InvalidPoint as exc:
        raise InvalidBeacon(f"round {beacon.round}: signature is not a valid curve point ({exc})") from None
    except InvalidSignature:
        raise InvalidBeacon(f"round {beacon.round}: invalid signature") from None


def is_valid_beacon(info: ChainInfo, beacon: Beacon) -> bool:
    """True when :func:`verify_beacon` accepts ``beacon``."""
    try:
        verify_beacon(info, beacon)
    except InvalidBeacon:
        return False
    return True


def link_problems(info: ChainInfo, beacons: Sequence[Beacon]) -> list[Problem]:
    """Order and chain-link problems of a segment (no signature checks)."""
    problems = []
    for before, after in pairwise(beacons):
        if after.round <= before.round:
            problems.append(
                Problem(after.round, "order", f"comes after round {before.round}: rounds must increase")
            )
        elif (
            info.scheme.chained
            and after.round == before.round + 1
            and after.previous_signature != before.signature
        ):
            problems.append(
                Problem(after.round, "link", f"previous_signature is not round {before.round}'s signature")
            )
    return problems


def verify_chain(
    info: ChainInfo,
    beacons: Sequence[Beacon],
    *,
    batch: bool = False,
    rng: Rng | None = None,
    workers: int = 1,
) -> list[Problem]:
    """Every problem of a segment: signatures (one by one, or batched), links and order. Empty = valid.

    ``workers``: processes a batch may spread over (see :func:`~drand_edu.chain.batch.verify_batch`).
    """
    problems = link_problems(info, beacons)
    if batch:
        from .batch import verify_batch  # batch builds on this module

        bad_rounds = set(verify_batch(info, beacons, rng=rng, workers=workers))
        for beacon in beacons:
            if beacon.round in bad_rounds:
                try:
                    verify_beacon(info, beacon)
                except InvalidBeacon as exc:
                    problems.append(Problem(beacon.round, "signature", _reason(exc)))
                else:  # pragma: no cover - batch and single verification disagree: a bug
                    problems.append(Problem(beacon.round, "signature", "rejected by batch verification"))
    else:
        for beacon in beacons:
            try:
                verify_beacon(info, beacon)
            except InvalidBeacon as exc:
                problems.append(Problem(beacon.round, "signature", _reason(exc)))
    return sorted(problems, key=lambda p: (p.round, p.kind))


def verify_chain_or_raise(
    info: ChainInfo, beacons: Sequence[Beacon], *, batch: bool = False, rng: Rng | None = None
) -> None:
    """Raise :class:`InvalidBeacon` naming the first problem, if there is any."""
    problems = verify_chain(info, beacons, batch=batch, rng=rng)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidBeacon(f"{problems[0]}{more}")


def _reason(exc: InvalidBeacon) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("round ") and ": " in text else text
