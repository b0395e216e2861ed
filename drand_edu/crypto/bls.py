"""BLS signatures, as drand uses them.

With a secret key ``sk`` (an integer mod r) and ``pk = sk · g`` in the scheme's key group:

* sign:   ``σ = sk · H(m)`` where ``H`` hashes into the signature group with the scheme's DST;
* verify: ``e(pk, H(m)) == e(g, σ)`` (arguments ordered G1 first), checked as one product
  ``e(pk, H(m)) · e(-g, σ) == 1`` so only one final exponentiation is paid.

Signatures and keys cross this API as bytes, because that is what drand stores and sends.

drand signs and verifies with kyber's ``sign/bls`` (``crypto/schemes.go`` picks ``NewSchemeOnG1`` or
``NewSchemeOnG2``): :func:`sign` is
[`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L71-L84)
(hash to the signature group, multiply by the secret, compress) and :func:`verify` is
[`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100)
(decode the signature, one pairing equation). One difference, on purpose: kyber has no special
case for the point at infinity, so the key ∞ with the signature ∞ satisfies its equation for every
message; :func:`verify_or_raise` refuses ∞ as a key or a signature (the IETF BLS draft's
``KeyValidate`` refuses the key ∞ too). A drand chain's key comes out of a DKG: it is ∞ only with
negligible probability.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidPoint, InvalidSignature
from ..rng import Rng, random_scalar
from .groups import Point, pairing_check
from .schemes import Scheme


@dataclass(frozen=True)
class KeyPair:
    """A secret scalar and its public point. The repr never shows the secret."""

    secret: int
    public: Point

    def __repr__(self) -> str:
        return f"KeyPair(secret=<hidden>, public={self.public!r})"


def keygen(scheme: Scheme, rng: Rng | None = None) -> KeyPair:
    """A fresh key pair for ``scheme`` (public key in the scheme's key group)."""
    secret = random_scalar(scheme.key_group.order, rng)
    return KeyPair(secret, public_key(scheme, secret))


def public_key(scheme: Scheme, secret: int) -> Point:
    """``secret · g`` in the scheme's key group."""
    return scheme.key_group.generator() * secret


def hash_message(scheme: Scheme, message: bytes) -> Point:
    """``H(m)``: the message hashed to the scheme's signature group with the scheme's DST."""
    return scheme.sig_group.hash_to_curve(message, scheme.dst)


def sign(scheme: Scheme, secret: int, message: bytes) -> bytes:
    """The compressed BLS signature ``secret · H(message)``."""
    return (hash_message(scheme, message) * secret).to_bytes()


def verify(scheme: Scheme, public: Point | bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid signature of ``message`` under ``public``.

    Malformed inputs (bad lengths, off-curve points) return False rather than raising; use
    :func:`verify_or_raise` to learn *why* a signature is rejected.
    """
    try:
        verify_or_raise(scheme, public, message, signature)
    except (InvalidSignature, InvalidPoint):
        return False
    return True


def verify_or_raise(scheme: Scheme, public: Point | bytes, message: bytes, signature: bytes) -> None:
    """Like :func:`verify`, but raise :class:`InvalidPoint` or :class:`InvalidSignature` with a reason."""
    pk = public if isinstance(public, Point) else scheme.key_group.from_bytes(public)
    if pk.group is not scheme.key_group:
        raise InvalidPoint(
            f"public key is in {pk.group.name}, scheme {scheme.id} wants {scheme.key_group.name}"
        )
    sig = scheme.sig_group.from_bytes(signature)
    if pk.is_identity() or sig.is_identity():
        raise InvalidSignature("the point at infinity is never a valid key or signature")
    g = scheme.key_group.generator()
    if not pairing_check([(pk, hash_message(scheme, message)), (-g, sig)]):
        raise InvalidSignature(f"signature does not verify under the public key ({scheme.id})")
