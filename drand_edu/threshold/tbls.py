"""Threshold BLS signatures, byte for byte as kyber's ``sign/tbls/tbls.go`` (what drand nodes exchange).

After the DKG, node ``i`` holds a share ``x_i = f(i + 1)`` of the group secret ``x = f(0)`` and
everyone knows the public polynomial (``PubPoly``) whose constant term is the group key.

* **partial signature** — node ``i`` signs with its share: ``σ_i = x_i · H(m)``, and sends
  ``i`` as 2 bytes big-endian (uint16) followed by the compressed ``σ_i`` (kyber's ``SigShare``).
* **verify a partial** — an ordinary BLS check of ``σ_i`` against the node's public share
  ``PubPoly.eval(i) = x_i · G``, which anyone can compute from the commitments.
* **recover** — any ``t`` valid partials give ``σ = Σ λ_i σ_i = f(0) · H(m)`` by Lagrange
  interpolation *in the exponent*; ``σ`` is exactly the plain BLS signature of the group secret,
  so a verifier only ever needs the group public key.

This works for all five schemes: the public polynomial lives in the scheme's key group and the
partials in its signature group (kyber's ``NewThresholdSchemeOnG1`` / ``...OnG2``).

kyber's code, and ours beside it:

* [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L72-L87)
  writes the index as a uint16 big-endian, then the BLS signature: :func:`sign_partial`;
* [`IndexOf`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L89-L94)
  checks the length (point length + 2), then reads the index: :func:`index_of`;
* [`VerifyPartial`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L96-L107)
  verifies against ``public.Eval(i)``: :func:`verify_partial`;
* [`Recover`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150)
  and [`RecoverCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L448-L475)
  (with [`xyCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L417-L444)):
  :func:`recover_signature`, whose docstring says where we differ.

Ours, not kyber's: :func:`verify_partials` checks many partials of one message with a single
pairing equation (a random linear combination), with the same verdicts as :func:`is_valid_partial`
one by one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..crypto import bls
from ..crypto.groups import CurveGroup, Point, pairing_check
from ..crypto.schemes import Scheme
from ..errors import InvalidInput, InvalidPoint, InvalidShare, InvalidSignature, NotEnoughShares
from ..rng import Rng, resolve
from .poly import PriShare, PubPoly, PubShare, recover_commit

#: Bytes of the index prefix of a partial signature (a uint16, big-endian).
INDEX_SIZE = 2
#: The largest index a partial signature can carry.
MAX_INDEX = 2**16 - 1


def sign_partial(scheme: Scheme, share: PriShare, message: bytes) -> bytes:
    """``index (uint16 BE) ‖ share.value · H(message)``: kyber's ``tbls`` ``Sign``."""
    if not isinstance(share.index, int) or not 0 <= share.index <= MAX_INDEX:
        raise InvalidShare(f"share index {share.index!r} does not fit the 2-byte index of a partial")
    return share.index.to_bytes(INDEX_SIZE, "big") + bls.sign(scheme, share.value, message)


def partial_index(partial: bytes) -> int:
    """The signer's index: the first two bytes, big-endian (kyber's ``SigShare.Index``)."""
    if not isinstance(partial, bytes | bytearray) or len(partial) < INDEX_SIZE:
        raise InvalidShare("a partial signature starts with a 2-byte index; this one is too short")
    return int.from_bytes(partial[:INDEX_SIZE], "big")


def partial_value(partial: bytes) -> bytes:
    """The compressed signature after the index (kyber's ``SigShare.Value``)."""
    partial_index(partial)
    return bytes(partial[INDEX_SIZE:])


def index_of(scheme: Scheme, partial: bytes) -> int:
    """The signer's index of a partial of the right length for ``scheme`` (kyber's ``IndexOf``).

    kyber's [`IndexOf`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L89-L94)
    refuses a partial that is not exactly the signature group's point length + 2 bytes, then reads
    the index; it decodes no point and checks no signature, so it is the cheap first step of drand's
    ``ProcessPartialBeacon`` (the group lookup and the pairing come after it). :class:`InvalidShare`
    otherwise.
    """
    index = partial_index(partial)
    if len(partial) != INDEX_SIZE + scheme.signature_size:
        raise InvalidShare(
            f"partial of node {index} has {len(partial)} bytes; scheme {scheme.id} "
            f"wants {INDEX_SIZE + scheme.signature_size}"
        )
    return index


def _parse(scheme: Scheme, public_poly: PubPoly, partial: bytes) -> tuple[int, bytes]:
    if public_poly.group is not scheme.key_group:
        raise InvalidInput(
            f"scheme {scheme.id} wants the public polynomial in {scheme.key_group.name}, "
            f"got {public_poly.group.name}"
        )
    return index_of(scheme, partial), bytes(partial[INDEX_SIZE:])


#: ``public_share(index)``: node ``index``'s public share ``PubPoly.eval(index).value`` (maybe remembered).
PublicShareOf = Callable[[int], Point]


def verify_partial(
    scheme: Scheme,
    public_poly: PubPoly,
    message: bytes,
    partial: bytes,
    *,
    public_share: PublicShareOf | None = None,
) -> None:
    """Raise unless ``partial`` is node ``i``'s valid signature of ``message`` (kyber's ``VerifyPartial``).

    :class:`InvalidShare` for a malformed partial (length, not a curve point),
    :class:`InvalidSignature` when it does not verify under ``public_poly.eval(i)``.
    ``public_share``, when given, returns that public share (a node computes each signer's once).
    """
    index, value = _parse(scheme, public_poly, partial)
    key = public_share(index) if public_share is not None else public_poly.eval(index).value
    try:
        bls.verify_or_raise(scheme, key, message, value)
    except InvalidPoint as err:
        raise InvalidShare(f"partial of node {index} is not a valid point: {err}") from None
    except InvalidSignature as err:
        raise InvalidSignature(f"partial of node {index}: {err}") from None


def is_valid_partial(
    scheme: Scheme,
    public_poly: PubPoly,
    message: bytes,
    partial: bytes,
    *,
    public_share: PublicShareOf | None = None,
) -> bool:
    """True when :func:`verify_partial` accepts ``partial``."""
    try:
        verify_partial(scheme, public_poly, message, partial, public_share=public_share)
    except (InvalidShare, InvalidSignature):
        return False
    return True


#: Bits of each random coefficient of :func:`verify_partials`: a bad batch passes with probability ≤ 2^-128.
BATCH_COEFFICIENT_BITS = 128


def verify_partials(
    scheme: Scheme,
    public_poly: PubPoly,
    message: bytes,
    partials: Sequence[bytes],
    *,
    public_share: PublicShareOf | None = None,
    rng: Rng | None = None,
) -> list[bool]:
    """``[is_valid_partial(..., p) for p in partials]`` for partials of one ``message``, with one pairing
    equation for the whole batch when all are valid (ours: kyber verifies one partial at a time).

    Every valid partial satisfies ``e(pk_i, H(m)) = e(g, σ_i)``, with ``pk_i`` its signer's public
    share. With secret random ``r_i`` the equations add up to one:
    ``e(Σ r_i·pk_i, H(m)) = e(g, Σ r_i·σ_i)`` — two multi-scalar multiplications and one product of
    two pairings instead of two pairings per partial. If some ``σ_j`` is wrong the sum holds only
    when the ``r_j`` (drawn after the partials are fixed, 128 bits, from ``rng``: the secure default)
    happen to cancel its error: probability at most 2^-128. Each ``σ_i`` is decoded with the
    subgroup check, so no small-order part can hide. A batch that fails is split in halves, down to
    single partials checked by :func:`is_valid_partial`, so the verdicts name the bad ones.
    """
    share_of = public_share or (lambda index: public_poly.eval(index).value)
    verdicts = [False] * len(partials)
    decoded: list[tuple[int, Point, Point]] = []  # (position, public share, signature) of the well-formed
    for position, partial in enumerate(partials):
        try:
            index, value = _parse(scheme, public_poly, partial)
            signature = scheme.sig_group.from_bytes(value)
        except (InvalidShare, InvalidPoint):
            continue
        key = share_of(index)
        if not (signature.is_identity() or key.is_identity()):  # bls.verify_or_raise refuses ∞
            decoded.append((position, key, signature))
    rng = resolve(rng)
    hashed, minus_g = bls.hash_message(scheme, message), -scheme.key_group.generator()

    def valid(items: list[tuple[int, Point, Point]]) -> list[int]:
        """The positions of the valid partials among ``items``: one check for all, halves if it fails."""
        if len(items) == 1:
            position = items[0][0]
            ok = is_valid_partial(scheme, public_poly, message, partials[position], public_share=share_of)
            return [position] if ok else []
        coefficients = [1 + rng.getrandbits(BATCH_COEFFICIENT_BITS) for _ in items]
        keys = scheme.key_group.msm([key for _, key, _ in items], coefficients)
        signatures = scheme.sig_group.msm([signature for _, _, signature in items], coefficients)
        if pairing_check([(keys, hashed), (minus_g, signatures)]):
            return [position for position, _, _ in items]
        middle = len(items) // 2
        return valid(items[:middle]) + valid(items[middle:])

    for position in valid(decoded) if decoded else []:
        verdicts[position] = True
    return verdicts


def recover_signature(
    scheme: Scheme,
    public_poly: PubPoly,
    message: bytes,
    partials: Sequence[bytes],
    threshold: int,
    n: int | None = None,
    *,
    verify: bool = True,
) -> bytes:
    """The group's BLS signature of ``message`` from ``threshold`` partials (kyber's ``tbls`` ``Recover``).

    Partials are taken in the order given; malformed and invalid ones are skipped, and as soon
    as ``threshold`` good partials are collected the rest are ignored. The result is
    ``Σ λ_i σ_i`` (one multi-scalar multiplication on the signature group), compressed, and
    equals ``bls.sign(scheme, group_secret, message)``.

    What kyber's ``Recover`` does, exactly, and where we differ on purpose:

    * three calls in kyber's loop can skip a partial (``continue``), in this order: ``sh.Index()``
      (it fails only on fewer than 2 bytes), ``s.Scheme.Verify`` under ``public.Eval(i)`` (kyber's
      BLS [`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100)
      decodes the point itself first, so bytes that are not a point of the group are skipped *here*,
      as well as points share ``i`` did not sign) and ``point.UnmarshalBinary``, which decodes the
      same bytes again and so skips nothing that ``Verify`` let through. We skip the same partials:
      a wrong length or a bad point (:class:`InvalidShare`), a failed pairing check
      (:class:`InvalidSignature`); with ``verify=False`` our decoding is the step that skips bad points;
    * kyber does **not** skip a repeated index: a second copy of a valid partial counts towards
      ``t`` again, and then ``RecoverCommit`` (``xyCommit`` keeps one point per index in a map)
      finds fewer than ``t`` distinct indices and fails, even if enough other partials followed.
      We skip repeats instead, so one duplicate cannot make recovery fail;
    * kyber does **not** check the index range: ``n`` only sizes a slice in ``xyCommit``, and any
      uint16 index whose partial verifies under ``public.Eval(i)`` is used. We skip indices
      ``>= n`` when ``n`` is given (a group of ``n`` has no such member); without ``n``, we accept
      any index, as kyber;
    * kyber interpolates over the ``t`` smallest indices it collected (``xyCommit`` sorts); we
      interpolate over the ``t`` we collected, which gives the same point (any ``t`` points of a
      degree ``t - 1`` polynomial do).

    ``verify=False`` skips the pairing check of each partial (the points are still decoded and
    validated): use it only for partials that already passed :func:`verify_partial`, as a
    beacon node does when they arrive. Raises :class:`NotEnoughShares` with fewer than
    ``threshold`` usable partials.
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidInput(f"threshold must be a positive integer, got {threshold!r}")
    if public_poly.group is not scheme.key_group:
        raise InvalidInput(
            f"scheme {scheme.id} wants the public polynomial in {scheme.key_group.name}, "
            f"got {public_poly.group.name}"
        )
    shares: dict[int, PubShare] = {}
    for partial in partials:
        try:
            index, value = _parse(scheme, public_poly, partial)
            if index in shares or (n is not None and index >= n):
                continue
            if verify:
                verify_partial(scheme, public_poly, message, partial)
            point: Point = scheme.sig_group.from_bytes(value)
        except (InvalidShare, InvalidSignature, InvalidPoint):
            continue
        shares[index] = PubShare(index, point)
        if len(shares) >= threshold:
            break
    if len(shares) < threshold:
        raise NotEnoughShares(f"need {threshold} valid partial signatures, got {len(shares)}")
    return _recover_group_signature(scheme.sig_group, list(shares.values()), threshold).to_bytes()


#: Above this many bits, the integer weights of :func:`_recover_group_signature` no longer pay.
SMALL_WEIGHT_BITS = 128


def _recover_group_signature(group: CurveGroup, shares: list[PubShare], threshold: int) -> Point:
    """``Σ λ_i σ_i`` over ``threshold`` shares: the point kyber's ``RecoverCommit`` computes, computed faster.

    kyber sorts the shares by index and keeps the first ``t``
    ([`xyCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L417-L444)),
    then adds ``λ_i · V_i`` one scalar multiplication at a time
    ([`RecoverCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L448-L475)).

    The Lagrange weights of small indices are fractions of small integers, ``λ_i = N_i / d_i`` with
    ``N_i = Π_{j≠i} x_j`` and ``d_i = Π_{j≠i} (x_j − x_i)``. With ``D`` the least common multiple of
    the ``|d_i|``, ``Σ λ_i σ_i = D⁻¹ · Σ c_i σ_i`` where ``c_i = N_i · D / d_i`` is an integer of a few
    dozen bits (16 nodes, threshold 9: at most 64 bits) instead of a 255-bit residue: one
    multi-scalar multiplication with short scalars and a single full one by ``D⁻¹``, about half the
    work on blst. Same point, same bytes; for large indices or thresholds it falls back to
    :func:`~drand_edu.threshold.poly.recover_commit`.
    """
    chosen = sorted(shares, key=lambda share: share.index)[:threshold]  # kyber's xyCommit order
    xs = [share.index + 1 for share in chosen]
    numerators, denominators = [], []
    for i, xi in enumerate(xs):
        numerator = denominator = 1
        for j, xj in enumerate(xs):
            if j != i:
                numerator *= xj
                denominator *= xj - xi
        numerators.append(numerator)
        denominators.append(denominator)
    common = math.lcm(*(abs(d) for d in denominators))
    weights = [n * (common // d) for n, d in zip(numerators, denominators, strict=True)]  # exact
    if len(chosen) < threshold or max(abs(w) for w in weights).bit_length() > SMALL_WEIGHT_BITS:
        return recover_commit(group, shares, threshold)
    points = [share.value if w > 0 else -share.value for share, w in zip(chosen, weights, strict=True)]
    return group.msm(points, [abs(w) for w in weights]) * pow(common, -1, group.order)
