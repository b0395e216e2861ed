"""Boneh–Franklin identity-based encryption with the Fujisaki–Okamoto transform, as tlock uses it.

The trick behind timelock encryption: drand's beacon for round ``n`` is ``σ_n = s · H1(ID_n)``,
with ``s`` the group secret and ``ID_n = sha256(n as 8 bytes big-endian)`` (Keccak-256 on evmnet).
In IBE terms ``s`` is the master secret, the group public key ``s · P`` the master public key, and
the beacon σ_n *is* the private key of identity ``ID_n``. Anyone can encrypt to round ``n`` today;
nobody can decrypt until the League of Entropy publishes σ_n.

Encryption of a short message ``M`` (tlock uses it for a 16-byte file key), following kyber's
``encrypt/ibe/ibe.go``:
[`EncryptCCAonG1`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L50-L96)
(master key on G1, identities hashed to G2; its numbered steps are the lines below) and its mirror
``EncryptCCAonG2``; our :func:`encrypt` picks the side from the scheme::

    g_id = e(H1(ID), pk)             # a GT element only the round's signature can recompute
    σ    = |M| random bytes
    ρ    = H3(σ, M)                  # a scalar: derandomises, so decryption can re-check U
    U    = ρ · P                     # P = generator of the master key's group
    V    = σ ⊕ H2(g_id^ρ)
    W    = M ⊕ H4(σ)

Decryption with the beacon signature: ``σ = V ⊕ H2(e(sig, U))``, ``M = W ⊕ H4(σ)``, then the
Fujisaki–Okamoto check ``H3(σ, M) · P == U`` rejects any tampered ciphertext — the three steps of
[`DecryptCCAonG1`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L98-L133),
which our :func:`decrypt` follows.
``e(sig, U) = e(s·H1(ID), ρ·P) = e(H1(ID), s·P)^ρ = g_id^ρ``: that equality is the whole scheme.

**On evmnet (BN254).** Go's tlock handles ``bls-bn254-unchained-on-g1`` in the
[`BN254UnchainedOnG1SchemeID`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L158-L162)
case of ``TimeLock`` and the
[`BN254UnchainedOnG1SchemeID`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L203-L211)
case of ``TimeUnlock``:
kyber's bn254 suite with the G1 DST ``BLS_SIG_BN254G1_XMD:KECCAK-256_SVDW_RO_NUL_``, and the
"on G2" functions, since the key is on G2 and signatures on G1:
[`EncryptCCAonG2`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L145-L191)
(``g_id = e(H1(ID), pk)``, ``U = ρ·G2``) and
[`DecryptCCAonG2`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L194-L228).
Three things change with the curve, and this module follows each:

* the identity is the scheme's digest, ``keccak256(round)`` (Go passes ``scheme.DigestBeacon``);
* H2, H3 and H4 use the suite's hash, which for bn254 is Keccak-256
  ([`Hash`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/suite.go#L196-L199)),
  and H3 masks 2 bits, not 1, because r has 254 bits
  ([`h3`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L231-L285));
* the GT element hashed by
  [`gtToHash`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L301-L317)
  is written by
  [`pointGT.MarshalBinary`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L604-L635):
  384 bytes in kyber's tower order (see :func:`drand_edu.crypto.bn254.gt_to_kyber_bytes`).

No evmnet tlock ciphertext made by Go exists in drand's repositories (tlock's evmnet tests fetch live
beacons), and tlock-js has no BN254; so the evmnet path is tested by round trips and by checking
each ingredient on its own (e(G1, G2)'s bytes against its published value, the pairing against
npm's noble-curves, kyber's final exponentiation by its exponent), not yet against a real ciphertext.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..crypto.constants import CURVE_ORDER
from ..crypto.groups import Point, pairing
from ..crypto.schemes import Scheme
from ..errors import InvalidCiphertext, InvalidPoint, TimelockError
from ..rng import Rng, random_bytes

MAX_MESSAGE_SIZE = 32  # kyber refuses longer messages: H2/H4 produce at most one 32-byte hash


def _suite_hash(data: bytes, scheme: Scheme | None) -> bytes:
    """The pairing suite's ``Hash()``: SHA-256 on BLS12-381 (kyber-bls12381), Keccak-256 on BN254.

    kyber's bn254 ``commonSuite.Hash`` returns ``sha3.NewLegacyKeccak256()``, so on evmnet H2, H3
    and H4 are Keccak-256, like its round digest. ``scheme=None`` means BLS12-381 (SHA-256).
    """
    if scheme is not None and scheme.curve != "bls12-381":
        from ..crypto.bn254 import keccak256

        return keccak256(data)
    return hashlib.sha256(data).digest()


def identity(round_number: int, scheme: Scheme | None = None) -> bytes:
    """``ID``: the message drand signs for the round (the scheme's ``DigestBeacon``).

    ``sha256(round as uint64 big-endian)`` on BLS12-381's unchained schemes (the default),
    ``keccak256(...)`` on evmnet. tlock's ``TimeLock`` takes exactly this digest as the identity.
    """
    if scheme is not None:
        return scheme.digest(round_number)
    return hashlib.sha256(round_number.to_bytes(8, "big")).digest()


def identity_point(scheme: Scheme, round_number: int) -> Point:
    """``H1(ID)``: the identity hashed into the signature group with the scheme's DST."""
    return scheme.sig_group.hash_to_curve(identity(round_number, scheme), scheme.dst)


def h2(gt_bytes: bytes, n: int, scheme: Scheme | None = None) -> bytes:
    """``H2``: GT element → ``n``-byte mask (``Hash("IBE-H2" ‖ ser(g))``, kyber ``gtToHash``)."""
    return _suite_hash(b"IBE-H2" + gt_bytes, scheme)[:n]


def h3(sigma: bytes, message: bytes, scheme: Scheme | None = None) -> int:
    """``H3``: (σ, M) → scalar below r, by kyber's try-and-increment.

    ``h = Hash("IBE-H3" ‖ σ ‖ M)``; for i = 1, 2, …: ``d = Hash(LE16(i) ‖ h)``, shift d's first
    byte right by ``256 - bitlen(r)`` bits (1 on BLS12-381, 2 on BN254), read d big-endian, and
    accept it when it is below r.
    """
    order = CURVE_ORDER if scheme is None else scheme.key_group.order
    shift = 256 - order.bit_length()
    h = _suite_hash(b"IBE-H3" + sigma + message, scheme)
    for i in range(1, 65535):
        d = bytearray(_suite_hash(i.to_bytes(2, "little") + h, scheme))
        d[0] >>= shift
        candidate = int.from_bytes(d, "big")
        if candidate < order:
            return candidate
    raise TimelockError("H3 found no scalar below r (probability about 2^-150000)")  # pragma: no cover


def h4(sigma: bytes, n: int, scheme: Scheme | None = None) -> bytes:
    """``H4``: σ → ``n``-byte mask (``Hash("IBE-H4" ‖ σ)``)."""
    return _suite_hash(b"IBE-H4" + sigma, scheme)[:n]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Ciphertext:
    """``(U, V, W)``: U a point of the master key's group, V and W as long as the message."""

    U: Point
    V: bytes
    W: bytes

    def to_bytes(self) -> bytes:
        """``U ‖ V ‖ W`` — the stanza body: 128 bytes on quicknet, 80 with keys on G1, 160 on evmnet."""
        return self.U.to_bytes() + self.V + self.W

    @classmethod
    def from_bytes(cls, scheme: Scheme, data: bytes) -> Ciphertext:
        """Split a stanza body. Like Go's tlock we require exactly ``point size + 32`` bytes."""
        point_size = scheme.key_group.size
        if len(data) != point_size + 32:
            raise InvalidCiphertext(
                f"tlock ciphertext must be {point_size + 32} bytes for {scheme.id}, got {len(data)}"
            )
        try:
            u = scheme.key_group.from_bytes(data[:point_size])
        except InvalidPoint as exc:
            raise InvalidCiphertext(f"tlock ciphertext: U is not a valid point ({exc})") from None
        return cls(u, data[point_size : point_size + 16], data[point_size + 16 :])


def _check_scheme(scheme: Scheme) -> None:
    if scheme.chained:
        raise TimelockError(
            f"scheme {scheme.id} is chained: its signatures sign the previous signature, which nobody can "
            "know in advance, so nobody can encrypt to a future round. Use an unchained chain (quicknet)."
        )


def encrypt(
    scheme: Scheme, master_public_key: Point, round_number: int, message: bytes, rng: Rng | None = None
) -> Ciphertext:
    """Encrypt ``message`` (at most 32 bytes) so that only round ``round_number``'s beacon opens it."""
    _check_scheme(scheme)
    if not 0 < len(message) <= MAX_MESSAGE_SIZE:
        raise TimelockError(f"IBE messages are 1 to {MAX_MESSAGE_SIZE} bytes, got {len(message)}")
    if master_public_key.group is not scheme.key_group or master_public_key.is_identity():
        raise TimelockError("invalid master public key for this scheme")
    g_id_key = identity_point(scheme, round_number)
    sigma = random_bytes(len(message), rng)
    rho = h3(sigma, message, scheme)
    u = scheme.key_group.generator() * rho
    g_id_rho = pairing(g_id_key, master_public_key * rho)  # e(H1(ID), pk)^ρ, as e(H1(ID), ρ·pk)
    v = _xor(sigma, h2(g_id_rho.to_bytes(), len(message), scheme))
    w = _xor(message, h4(sigma, len(message), scheme))
    return Ciphertext(u, v, w)


def decrypt(scheme: Scheme, signature: Point, ciphertext: Ciphertext) -> bytes:
    """Recover the message with the round's beacon signature; raise if the FO check fails."""
    _check_scheme(scheme)
    if len(ciphertext.V) != len(ciphertext.W) or not 0 < len(ciphertext.W) <= MAX_MESSAGE_SIZE:
        raise InvalidCiphertext("tlock ciphertext: V and W must have the same length (1 to 32 bytes)")
    if signature.group is not scheme.sig_group:
        raise TimelockError(f"the beacon signature of {scheme.id} lives in {scheme.sig_group.label}")
    if ciphertext.U.group is not scheme.key_group:
        raise InvalidCiphertext(f"tlock ciphertext: U of {scheme.id} lives in {scheme.key_group.label}")
    mask = h2(pairing(signature, ciphertext.U).to_bytes(), len(ciphertext.W), scheme)
    sigma = _xor(ciphertext.V, mask)
    message = _xor(ciphertext.W, h4(sigma, len(ciphertext.W), scheme))
    rho = h3(sigma, message, scheme)
    if scheme.key_group.generator() * rho != ciphertext.U:
        raise InvalidCiphertext(
            "tlock ciphertext failed the Fujisaki–Okamoto check (tampered, or wrong beacon)"
        )
    return message
