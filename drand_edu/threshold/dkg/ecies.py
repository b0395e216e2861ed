"""ECIES on a key group (BLS12-381 G1 or G2, BN254 G2): how a DKG dealer encrypts a share to its recipient.

A deal travels over a *broadcast* channel (every node sees every bundle), so the share inside
must be encrypted to its recipient's long-term public key. kyber's ``share/dkg/dkg.go`` calls
``ecies.Encrypt(suite, node.Public, share, sha256.New)``; this module follows kyber's
``encrypt/ecies/ecies.go`` byte for byte:

1. pick an ephemeral scalar ``e``, let ``E = e·G`` (the ephemeral public key);
2. Diffie-Hellman: ``D = e·P`` where ``P`` is the recipient's public key;
3. ``HKDF-SHA256(ikm = D as drand marshals points, salt = none, info = none)`` (compressed on
   BLS12-381, uncompressed ``x ‖ y`` on BN254) gives 44 bytes: an AES-256 key
   (32) and a GCM nonce (12) — a fresh key per message, so a derived nonce is safe;
4. the ciphertext is ``E ‖ AES-256-GCM(key, nonce, message)`` (the 16-byte tag last).

The recipient recomputes ``D = p·E`` with its secret ``p``. Anyone else sees only ``E``.
``tests/test_ref_ecies.py`` has kyber decrypt what we encrypt and the reverse, for every scheme, and
both refuse the same tampered, truncated and wrong-key ciphertexts.

This lives beside the DKG, its only user; it belongs to the crypto layer in spirit.

kyber's
[`Encrypt`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ecies/ecies.go#L23-L69),
[`Decrypt`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ecies/ecies.go#L77-L112)
and
[`deriveKey`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ecies/ecies.go#L114-L129):
:func:`encrypt`, :func:`decrypt`.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ...crypto.groups import CurveGroup, Point
from ...errors import InvalidInput, InvalidPoint, InvalidShare
from ...rng import Rng, random_scalar

#: AES-256 key then GCM nonce, both from one HKDF output (kyber ``deriveKey(hash, dh, 32 + 12)``).
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16


def _derive(shared: Point) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE + NONCE_SIZE, salt=None, info=None).derive(
        shared.to_bytes()
    )
    return okm[:KEY_SIZE], okm[KEY_SIZE:]


def encrypt(group: CurveGroup, public: Point, message: bytes, rng: Rng | None = None) -> bytes:
    """Encrypt ``message`` to ``public`` (a point of ``group``): ``E ‖ AES-GCM ciphertext ‖ tag``."""
    if not isinstance(public, Point) or public.group is not group:
        raise InvalidInput(f"ECIES needs a recipient public key on {group.name}")
    ephemeral = random_scalar(group.order, rng)
    key, nonce = _derive(public * ephemeral)
    return (group.generator() * ephemeral).to_bytes() + AESGCM(key).encrypt(nonce, bytes(message), None)


def decrypt(group: CurveGroup, secret: int, ciphertext: bytes) -> bytes:
    """Decrypt with the recipient's ``secret``; raise :class:`InvalidShare` if it was tampered with."""
    if not isinstance(ciphertext, bytes | bytearray) or len(ciphertext) < group.size + TAG_SIZE:
        raise InvalidShare("invalid ecies cipher: too short")
    try:
        ephemeral = group.from_bytes(bytes(ciphertext[: group.size]))
    except InvalidPoint as err:
        raise InvalidShare(f"invalid ecies cipher: bad ephemeral key ({err})") from None
    key, nonce = _derive(ephemeral * secret)
    try:
        return AESGCM(key).decrypt(nonce, bytes(ciphertext[group.size :]), None)
    except InvalidTag:
        raise InvalidShare("invalid ecies cipher: authentication failed (wrong key or tampered)") from None
