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

This works for all four schemes: the public polynomial lives in the scheme's key group and the
partials in its signature group (kyber's ``NewThresholdSchemeOnG1`` / ``...OnG2``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..crypto import bls
from ..crypto.groups import Point
from ..crypto.schemes import Scheme
from ..errors import InvalidInput, InvalidPoint, InvalidShare, InvalidSignature, NotEnoughShares
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


def _parse(scheme: Scheme, public_poly: PubPoly, partial: bytes) -> tuple[int, bytes]:
    if public_poly.group is not scheme.key_group:
        raise InvalidInput(
            f"scheme {scheme.id} wants the public polynomial in {scheme.key_group.name}, "
            f"got {public_poly.group.name}"
        )
    index = partial_index(partial)
    if len(partial) != INDEX_SIZE + scheme.signature_size:  # kyber's IndexOf length check
        raise InvalidShare(
            f"partial of node {index} has {len(partial)} bytes; scheme {scheme.id} "
            f"wants {INDEX_SIZE + scheme.signature_size}"
        )
    return index, bytes(partial[INDEX_SIZE:])


def verify_partial(scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> None:
    """Raise unless ``partial`` is node ``i``'s valid signature of ``message`` (kyber's ``VerifyPartial``).

    :class:`InvalidShare` for a malformed partial (length, not a curve point),
    :class:`InvalidSignature` when it does not verify under ``public_poly.eval(i)``.
    """
    index, value = _parse(scheme, public_poly, partial)
    try:
        bls.verify_or_raise(scheme, public_poly.eval(index).value, message, value)
    except InvalidPoint as err:
        raise InvalidShare(f"partial of node {index} is not a valid point: {err}") from None
    except InvalidSignature as err:
        raise InvalidSignature(f"partial of node {index}: {err}") from None


def is_valid_partial(scheme: Scheme, public_poly: PubPoly, message: bytes, partial: bytes) -> bool:
    """True when :func:`verify_partial` accepts ``partial``."""
    try:
        verify_partial(scheme, public_poly, message, partial)
    except (InvalidShare, InvalidSignature):
        return False
    return True


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

    Partials are taken in the order given; malformed ones, invalid ones, repeats of an index
    already used and (when ``n`` is given) indices ``>= n`` are skipped, as kyber skips them. As
    soon as ``threshold`` good partials are collected the rest are ignored. The result is
    ``Σ λ_i σ_i`` (one multi-scalar multiplication on the signature group), compressed, and
    equals ``bls.sign(scheme, group_secret, message)``.

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
    return recover_commit(scheme.sig_group, list(shares.values()), threshold).to_bytes()
