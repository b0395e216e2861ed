"""Schnorr signatures on a pairing group (BLS12-381 or BN254): how drand authenticates its DKG packets.

drand signs every DKG bundle (deals, responses, justifications) with the node's long-term key
using a *Schnorr* signature on the scheme's key group: the ``Auth`` of the kyber DKG config that
drand's
[`initialDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L280-L317)
builds, ``schnorr.NewScheme(suite)`` with ``suite := sch.KeyGroup.(dkg.Suite)`` (the same in
``reshareDKGConfig``). The scheme struct's ``DKGAuthScheme`` field describes the same thing but is
never read by drand; the gossip packets around the DKG are signed with BLS, the ``AuthScheme``
(:mod:`drand_edu.net.dkg_packets`). A BLS signature would do for bundles too, but Schnorr needs no
pairing: signing is one scalar multiplication, verifying two.

The byte layout and the challenge hash follow kyber's ``sign/schnorr/schnorr.go``
([`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/schnorr/schnorr.go#L53-L82),
[`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/schnorr/schnorr.go#L84-L121),
the challenge [`hash`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/schnorr/schnorr.go#L123-L135)):

* sign with secret ``x`` (public ``A = x·G``): pick a random ``k``, let ``R = k·G``,
  ``h = SHA-512(R ‖ A ‖ msg)`` read as a big-endian integer mod ``r`` (the scalars of both curves'
  kyber groups are kyber's ``mod.Int`` modulo the group order: kyber-bls12381's
  [`NewKyberScalar`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_scalar.go#L12-L14)
  and BN254's
  [`Scalar`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/group.go#L74-L76)
  both return ``mod.NewInt64(0, order)``, big-endian by default, whose
  [`SetBytes`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/group/mod/int.go#L383-L390)
  reads the 64 bytes and reduces them mod ``r``, and whose
  [`UnmarshalBinary`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/group/mod/int.go#L338-L351)
  refuses ``s ≥ r`` when a signature is read), ``s = k + h·x``; the signature is ``R ‖ s``:
  the point as drand encodes it (48 bytes on G1, 96 on G2; 128 on BN254's G2, the evmnet key
  group) then ``s`` as 32 bytes big-endian, ``r`` being the order of the group;
* verify: decode ``R`` (on the curve, in the subgroup) and ``s`` (``< r``), recompute ``h`` and
  check ``s·G == R + h·A``.

(kyber adds ``h·x`` where the Wikipedia article subtracts; the result is the same scheme.)

kyber draws ``k`` from the suite's random stream, so its signatures are not reproducible;
``tests/test_ref_schnorr.py`` checks ours against kyber's own ``Sign``/``Verify`` by
cross-verification, and the same refusals (lengths, ``s ≥ r``, forgeries, the key at infinity).

:func:`batch_verify` checks many signatures at once with random weights ``ρ_i``:
``(Σ ρ_i s_i)·G == Σ ρ_i R_i + Σ (ρ_i h_i) A_i``, one multi-scalar multiplication instead of two
multiplications per signature. A forged signature passes it only with probability about
``2^-64`` (the size of the weights); on failure, check one by one to find the culprit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ..errors import InvalidInput, InvalidPoint, InvalidSignature
from ..rng import Rng, random_scalar, resolve
from .groups import CurveGroup, Point

#: Bytes of the scalar half of a signature (kyber ``Scalar.MarshalSize`` on BLS12-381).
SCALAR_SIZE = 32
#: Bits of the random weights :func:`batch_verify` uses.
BATCH_WEIGHT_BITS = 64


def signature_size(group: CurveGroup) -> int:
    """``R`` (a compressed point of ``group``) plus ``s`` (32 bytes): 80 bytes on G1, 128 on G2."""
    return group.size + SCALAR_SIZE


def challenge(public: Point, commitment: Point, message: bytes) -> int:
    """kyber's ``hash``: ``SHA-512(R ‖ A ‖ msg)`` as a big-endian integer, reduced mod ``r``."""
    h = hashlib.sha512()
    h.update(commitment.to_bytes())
    h.update(public.to_bytes())
    h.update(bytes(message))
    return int.from_bytes(h.digest(), "big") % public.group.order


def _check_secret(group: CurveGroup, secret: int) -> None:
    if not isinstance(secret, int) or not 0 < secret < group.order:
        raise InvalidInput("a Schnorr secret key must be an integer in [1, r)")


def sign(group: CurveGroup, secret: int, message: bytes, rng: Rng | None = None) -> bytes:
    """Sign ``message`` with ``secret`` on ``group``: ``R ‖ s`` (kyber ``schnorr.Sign``).

    ``rng`` draws the one-time nonce ``k``; reusing a ``k`` for two messages reveals the key, so
    a seeded ``rng`` is for teaching only (kyber draws ``k`` from its suite's random stream).
    """
    _check_secret(group, secret)
    g = group.generator()
    k = random_scalar(group.order, rng)
    commitment = g * k
    h = challenge(g * secret, commitment, message)
    s = (k + h * secret) % group.order
    return commitment.to_bytes() + s.to_bytes(SCALAR_SIZE, "big")


def _parse(group: CurveGroup, public: Point, signature: bytes) -> tuple[Point, int]:
    """Split and validate ``R ‖ s`` like kyber's ``Verify`` (length, point, scalar range)."""
    if not isinstance(public, Point) or public.group is not group:
        raise InvalidInput(f"a Schnorr public key on {group.name} is needed")
    if not isinstance(signature, bytes | bytearray):
        raise InvalidSignature("a Schnorr signature is bytes")
    expected = signature_size(group)
    if len(signature) != expected:
        raise InvalidSignature(f"schnorr: signature of invalid length {len(signature)} instead of {expected}")
    try:
        commitment = group.from_bytes(bytes(signature[: group.size]))
    except InvalidPoint as err:
        raise InvalidSignature(f"schnorr: R is not a valid {group.name} point ({err})") from None
    s = int.from_bytes(signature[group.size :], "big")
    if s >= group.order:
        raise InvalidSignature("schnorr: s is not a canonical scalar (>= r)")
    return commitment, s


def verify_or_raise(group: CurveGroup, public: Point, message: bytes, signature: bytes) -> None:
    """Raise :class:`InvalidSignature` unless ``signature`` is ``public``'s signature of ``message``."""
    commitment, s = _parse(group, public, signature)
    h = challenge(public, commitment, message)
    if group.generator() * s != commitment + public * h:
        raise InvalidSignature("schnorr: invalid signature")


def verify(group: CurveGroup, public: Point, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` verifies (kyber ``schnorr.Verify`` returning nil)."""
    try:
        verify_or_raise(group, public, message, signature)
    except InvalidSignature:
        return False
    return True


def batch_verify(
    group: CurveGroup, items: Sequence[tuple[Point, bytes, bytes]], rng: Rng | None = None
) -> bool:
    """True when *every* ``(public, message, signature)`` in ``items`` verifies.

    One multi-scalar multiplication of ``2m + 1`` points replaces ``2m`` multiplications. False
    means at least one is bad (or malformed): call :func:`verify` on each to learn which.
    """
    if not items:
        return True
    rng = resolve(rng)
    points: list[Point] = []
    scalars: list[int] = []
    total = 0
    for public, message, signature in items:
        try:
            commitment, s = _parse(group, public, signature)
        except InvalidSignature:
            return False
        weight = 1 + rng.getrandbits(BATCH_WEIGHT_BITS)
        h = challenge(public, commitment, message)
        total = (total + weight * s) % group.order
        points += [commitment, public]
        scalars += [weight, weight * h % group.order]
    points.append(group.generator())
    scalars.append(-total % group.order)
    return group.msm(points, scalars).is_identity()
