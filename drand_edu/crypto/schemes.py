"""drand's signature schemes: the single place that knows which group is which.

Mirrors drand's ``crypto/schemes.go``. A scheme fixes where public keys live, where signatures
live, which domain-separation tag (DST) hash-to-curve uses, and how a beacon's message is built:

* chained:   ``sha256(previous_signature ‖ round as 8 bytes big-endian)``
* unchained: ``sha256(round as 8 bytes big-endian)``
* ``bls-bn254-unchained-on-g1`` (evmnet): ``keccak256(round as 8 bytes big-endian)``, on BN254,
  with uncompressed points, so that an Ethereum contract can recompute and check it.

``bls-unchained-on-g1`` hashes to G1 with the *G2* DST: a historical bug in drand that is kept so
that the chain it signed ("fastnet") still verifies. ``bls-unchained-g1-rfc9380`` (quicknet)
fixes it.

Where drand does it (``crypto/schemes.go`` at the pinned commit):

* the Go struct, with groups, threshold scheme, ``AuthScheme``, ``DKGAuthScheme``, ``IdentityHash``
  and ``DigestBeacon`` (our :class:`Scheme` keeps the groups, the DST and ``chained``):
  [`Scheme`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L42-L66);
* the chained message, which writes the previous signature only when it is not empty, exactly as
  :meth:`Scheme.digest` does:
  [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L108-L117);
* the DST bug, the G2 tag given to both groups, marked deprecated:
  [`NewPedersenBLSUnchainedSwapped`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L177-L186);
* id to scheme, our :func:`scheme_by_id`:
  [`SchemeFromName`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L294-L309).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..errors import UnknownScheme
from .groups import BN254_G1, BN254_G2, G1, G2, CurveGroup

DST_G1 = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
DST_G2 = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
#: drand's DST for the BN254 scheme's hash to G1 (Keccak-256 inside expand_message_xmd, SvdW map).
DST_BN254_G1 = b"BLS_SIG_BN254G1_XMD:KECCAK-256_SVDW_RO_NUL_"


def _new_hash(name: str):
    """A fresh hash object with ``update``/``digest``: ``sha256`` or Ethereum's ``keccak256``."""
    if name == "keccak256":
        from Crypto.Hash import keccak  # pycryptodome (hashlib's sha3_256 is NIST SHA-3, not Keccak)

        return keccak.new(digest_bits=256)
    return hashlib.sha256()


@dataclass(frozen=True)
class Scheme:
    """How one family of drand chains signs its beacons."""

    id: str
    key_group: CurveGroup
    sig_group: CurveGroup
    dst: bytes
    chained: bool
    description: str
    #: the hash of the round digest: ``"sha256"``, or ``"keccak256"`` for the BN254 scheme
    hash_name: str = "sha256"

    def digest(self, round_number: int, previous_signature: bytes | None = None) -> bytes:
        """The 32-byte message that is signed for ``round_number`` (drand's ``DigestBeacon``)."""
        h = _new_hash(self.hash_name)
        if self.chained and previous_signature:
            h.update(previous_signature)  # written only when non-empty, as drand does
        h.update(round_number.to_bytes(8, "big"))
        return h.digest()

    @property
    def public_key_size(self) -> int:
        return self.key_group.size

    @property
    def signature_size(self) -> int:
        return self.sig_group.size

    @property
    def curve(self) -> str:
        """``"bls12-381"`` or ``"bn254"``: both groups of a scheme are on one curve."""
        return self.key_group.curve

    @property
    def compressed(self) -> bool:
        """Whether points travel compressed (BLS12-381) or as ``x ‖ y`` (BN254)."""
        return self.key_group.compressed

    def __repr__(self) -> str:
        return f"Scheme({self.id!r})"


PEDERSEN_BLS_CHAINED = Scheme(
    "pedersen-bls-chained", G1, G2, DST_G2, True,
    "the original: keys on G1, signatures on G2, each round signs the previous signature",
)
PEDERSEN_BLS_UNCHAINED = Scheme(
    "pedersen-bls-unchained", G1, G2, DST_G2, False,
    "keys on G1, signatures on G2, each round signs only its round number",
)
BLS_UNCHAINED_ON_G1 = Scheme(
    "bls-unchained-on-g1", G2, G1, DST_G2, False,
    "short signatures on G1, but hashed with the G2 DST (a kept bug; deprecated)",
)
BLS_UNCHAINED_G1_RFC9380 = Scheme(
    "bls-unchained-g1-rfc9380", G2, G1, DST_G1, False,
    "quicknet: short signatures on G1 with the RFC 9380 G1 DST",
)

#: drand's ``NewPedersenBLSBN254UnchainedOnG1Scheme``: keys on G2 (128 bytes), signatures on G1
#: (64 bytes), DKG packets signed with Schnorr on the key group, as for the other schemes.
BLS_BN254_UNCHAINED_ON_G1 = Scheme(
    "bls-bn254-unchained-on-g1", BN254_G2, BN254_G1, DST_BN254_G1, False,
    "evmnet: BN254 (the EVM's pairing curve), Keccak-256 digests, uncompressed points",
    hash_name="keccak256",
)

SCHEMES: dict[str, Scheme] = {
    s.id: s
    for s in (
        PEDERSEN_BLS_CHAINED,
        PEDERSEN_BLS_UNCHAINED,
        BLS_UNCHAINED_ON_G1,
        BLS_UNCHAINED_G1_RFC9380,
        BLS_BN254_UNCHAINED_ON_G1,
    )
}
#: drand's default scheme (``crypto.DefaultSchemeID``).
DEFAULT_SCHEME = PEDERSEN_BLS_CHAINED


def scheme_by_id(scheme_id: str) -> Scheme:
    """The :class:`Scheme` called ``scheme_id``; raise :class:`UnknownScheme` otherwise."""
    if not isinstance(scheme_id, str):
        raise UnknownScheme(f"a scheme id is a string, got {type(scheme_id).__name__}")
    try:
        return SCHEMES[scheme_id]
    except KeyError:
        known = ", ".join(SCHEMES)
        raise UnknownScheme(f"unknown scheme {scheme_id!r}; known schemes: {known}") from None
