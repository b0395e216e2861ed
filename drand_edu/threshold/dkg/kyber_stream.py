"""kyber's random stream, reproduced: to run our DKG on *exactly* the random scalars kyber would draw.

Teaching and testing only. A DKG is only as secret as its randomness; this stream is a deterministic
function of a seed, so whoever knows the seed knows every secret it produces. It exists so that our DKG
and kyber's ``share/dkg``, given the same long-term keys and the same seed per node, can be compared
message for message (``tests/test_ref_kyber_dkg.py``): the secure default of every function stays the
operating system's CSPRNG.

What kyber does with a reader ``R`` (kyber's ``util/random``):

* ``random.New(R)`` is a stream whose every ``XORKeyStream`` call reads 32 fresh bytes from ``R``, hashes
  them with SHA-256 and expands the hash with BLAKE2Xb (``xof/blake2xb``, golang.org/x/crypto's
  ``blake2b.NewXOF`` with the hash as key and an unknown output length);
* ``Scalar.Pick(stream)`` on drand's groups is ``random.Int(order, stream)``: one ``XORKeyStream`` of
  ``⌈bits/8⌉`` bytes per attempt, big-endian, the bits above the order's bit length cleared, and the
  attempt rejected when it is 0 or not below the order.

The reader used by the reference program (tests/drandref/op_kyberdkg.go) is kyber's SHAKE256 XOF
(``xof/keccak``) seeded with the node's seed; kyber draws from it, in order, the dealer's secret, the other
coefficients, one ECIES ephemeral key per deal, and one Schnorr nonce per signed bundle. Our
:class:`~.protocol.DistKeyGenerator` draws the same things in the same order from ``stream=``.

kyber's
[`Int`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/util/random/rand.go#L36-L45),
[`Bits`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/util/random/rand.go#L18-L33),
the stream's
[`XORKeyStream`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/util/random/rand.go#L56-L92)
and the XOF [`New`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/xof/blake2xb/blake.go#L18-L37):
:meth:`KyberStream.pick`.
"""

from __future__ import annotations

import hashlib
import random
import struct

from ...errors import InvalidInput

# -- BLAKE2b's compression, for BLAKE2X's output blocks ------------------------------------------
# hashlib's blake2b cannot make them: their parameter block has fanout 0 and depth 0, and hashlib
# requires depth >= 1. The root hash is an ordinary keyed BLAKE2b, which hashlib does compute.
_IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)  # fmt: skip
_SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)
_MASK = (1 << 64) - 1
_BLAKE2X_UNKNOWN_LENGTH = (1 << 32) - 1


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & _MASK


def _compress(h: list[int], block: bytes, counter: int, last: bool) -> None:
    m = struct.unpack("<16Q", block)
    v = [*h, *_IV]
    v[12] ^= counter & _MASK
    v[13] ^= counter >> 64
    if last:
        v[14] ^= _MASK
    for r in range(12):
        s = _SIGMA[r % 10]
        for i, (a, b, c, d) in enumerate(
            ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
             (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))
        ):  # fmt: skip
            x, y = m[s[2 * i]], m[s[2 * i + 1]]
            v[a] = (v[a] + v[b] + x) & _MASK
            v[d] = _rotr(v[d] ^ v[a], 32)
            v[c] = (v[c] + v[d]) & _MASK
            v[b] = _rotr(v[b] ^ v[c], 24)
            v[a] = (v[a] + v[b] + y) & _MASK
            v[d] = _rotr(v[d] ^ v[a], 16)
            v[c] = (v[c] + v[d]) & _MASK
            v[b] = _rotr(v[b] ^ v[c], 63)
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]


def _blake2x_block(root: bytes, index: int, size: int = 64) -> bytes:
    """BLAKE2X output block ``index`` (unknown output length): BLAKE2b of the root, its own parameters."""
    param = bytearray(64)
    param[0] = size  # digest length
    struct.pack_into("<I", param, 4, 64)  # leaf length
    struct.pack_into("<II", param, 8, index, _BLAKE2X_UNKNOWN_LENGTH)  # node offset, XOF length
    param[17] = 64  # inner hash length
    h = [iv ^ p for iv, p in zip(_IV, struct.unpack("<8Q", param), strict=True)]
    _compress(h, root.ljust(128, b"\0"), len(root), True)
    return struct.pack("<8Q", *h)[:size]


def blake2xb(seed: bytes, length: int) -> bytes:
    """The first ``length`` bytes of kyber's ``blake2xb.New(seed)`` (a seed of at most 64 bytes)."""
    if len(seed) > 64:
        raise InvalidInput("blake2xb: seeds longer than 64 bytes are not reproduced here")
    root = hashlib.blake2b(key=seed, digest_size=64, node_offset=_BLAKE2X_UNKNOWN_LENGTH << 32).digest()
    blocks = [_blake2x_block(root, i) for i in range((length + 63) // 64)]
    return b"".join(blocks)[:length]


class KyberStream(random.Random):
    """kyber's ``random.New(keccak.New(seed))``: every draw reads the next 32 bytes of SHAKE256(seed).

    :meth:`pick` is kyber's ``Scalar.Pick``. As an ``Rng`` (a :class:`random.Random`), ``randrange(n)``
    is defined so that :func:`drand_edu.rng.random_scalar` — ``1 + randrange(modulus - 1)``, the draw
    behind ECIES ephemeral keys and Schnorr nonces — gives exactly ``pick(modulus)``. Any other draw
    (``random()``, ``getrandbits``...) is refused: it would consume bytes kyber does not, and every
    later scalar would differ.
    """

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes | bytearray):
            raise InvalidInput("a kyber stream seed is bytes")
        self._seed = bytes(seed)
        self._offset = 0
        self._xof = hashlib.shake_256(self._seed)
        super().__init__()

    def seed(self, *args: object, **kwargs: object) -> None:  # random.Random.__init__ calls it
        return None

    def _read(self, n: int) -> bytes:
        start, self._offset = self._offset, self._offset + n
        return self._xof.digest(self._offset)[start:]

    def _attempt(self, nbytes: int) -> bytes:
        """One ``XORKeyStream`` of ``random.New(reader)``: 32 bytes of the reader → SHA-256 → BLAKE2Xb."""
        return blake2xb(hashlib.sha256(self._read(32)).digest(), nbytes)

    def pick(self, modulus: int) -> int:
        """kyber's ``random.Int(modulus, stream)``: uniform in ``[1, modulus)``."""
        bits = modulus.bit_length()
        while True:
            raw = bytearray(self._attempt((bits + 7) // 8))
            if bits % 8:
                raw[0] &= 0xFF >> (8 - bits % 8)
            value = int.from_bytes(raw, "big")
            if 0 < value < modulus:
                return value

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        """Uniform in ``[0, n)`` as ``pick(n + 1) - 1``, so that ``1 + randrange(m - 1) == pick(m)``."""
        if stop is not None or step != 1 or start < 1:
            raise InvalidInput("KyberStream.randrange takes one positive bound")
        return self.pick(start + 1) - 1

    def random(self) -> float:
        raise InvalidInput("KyberStream only draws scalars the way kyber does (pick / randrange)")

    def getrandbits(self, k: int) -> int:
        raise InvalidInput("KyberStream only draws scalars the way kyber does (pick / randrange)")

    def __repr__(self) -> str:
        return f"KyberStream(offset={self._offset})"
