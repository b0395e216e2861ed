"""BN254 as drand's fifth scheme uses it: Keccak-256, hash-to-G1 with the SvdW map, kyber's encodings.

BN254 (also called ``alt_bn128``) is the pairing-friendly curve that Ethereum can check cheaply: the
EVM has precompiled contracts for its addition, scalar multiplication and pairing check (EIP-196 and
EIP-197). drand's ``bls-bn254-unchained-on-g1`` scheme (the League of Entropy's *evmnet*) signs on it
so that a contract can verify a beacon. Everything here is plain integer arithmetic mod p, one
function per step, so each step can be tested on its own:

1. :func:`keccak256`: the Keccak-256 of Ethereum (*not* NIST SHA3-256: another padding byte).
2. :func:`expand_message_xmd`: RFC 9380 section 5.3.1 with Keccak-256 (block 136 bytes, output 32).
3. :func:`hash_to_field`: 96 expanded bytes -> two field elements ``u0, u1`` (48 bytes each, mod p).
4. :func:`map_to_curve_svdw`: RFC 9380 section 6.6.1, Shallue-van de Woestijne, ``Z = 1``.
   BLS12-381 uses SSWU, which needs ``A != 0``; BN254's ``y^2 = x^3 + 3`` has ``A = 0``, so SvdW.
5. :func:`hash_to_g1`: ``map(u0) + map(u1)``; G1 of BN254 has cofactor 1, no clearing needed.

This follows kyber's ``pairing/bn254/point.go`` (``hashToPoint``, ``hashToField``, ``mapToPoint``,
``expandMsgXmdKeccak256``) step for step; the constants ``c1..c4`` are checked against kyber's
``pairing/bn254/constants.go`` in the tests.

Encodings (kyber's ``pointG1.MarshalBinary``/``pointG2.MarshalBinary``): uncompressed, big-endian,
32 bytes per coordinate. G1: ``x ‖ y`` (64 bytes). G2: ``x.im ‖ x.re ‖ y.im ‖ y.re`` (128 bytes;
the imaginary part first, as in the EVM precompiles). The point at infinity is all zeros.
GT (for tlock, which hashes pairing values): :func:`gt_to_kyber_bytes`, 384 bytes in kyber's
``gfP12`` tower order.
"""

from __future__ import annotations

from ..errors import InvalidInput, InvalidPoint
from .constants import BN254_FIELD_MODULUS as P

#: The curve is y^2 = x^3 + B over Fp.
B = 3
#: RFC 9380's Z for SvdW on BN254 (the smallest that works; gnark and kyber use it too).
Z = 1


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (pycryptodome's ``Crypto.Hash.keccak``; hashlib's sha3_256 differs)."""
    from Crypto.Hash import keccak  # pycryptodome; imported here so BLS12-381 users never need it

    return keccak.new(data=bytes(data), digest_bits=256).digest()


def _g(x: int) -> int:
    """The curve's right-hand side ``x^3 + B``."""
    return (x * x * x + B) % P


def _inv0(x: int) -> int:
    """RFC 9380's ``inv0``: the inverse mod p, with ``inv0(0) = 0``."""
    return pow(x, P - 2, P)


def _sqrt(x: int) -> int:
    """One square root of ``x`` (p = 3 mod 4, so ``x^((p+1)/4)``); meaningful only for squares."""
    return pow(x, (P + 1) // 4, P)


def _is_square(x: int) -> bool:
    """Euler's criterion, strictly (0 is not counted, as kyber's ``legendre(...) == 1``)."""
    return pow(x, (P - 1) // 2, P) == 1


def sgn0(x: int) -> int:
    """RFC 9380's ``sgn0`` for a prime field: the parity of ``x``."""
    return x % P & 1


# RFC 9380 section 6.6.1 constants for Z = 1, A = 0, B = 3.
C1 = _g(Z)  # g(Z)
C2 = (-Z * _inv0(2)) % P  # -Z / 2
_c3 = _sqrt((-_g(Z) * (3 * Z * Z)) % P)  # sqrt(-g(Z) * (3 Z^2 + 4A)), the root with sgn0 = 0
C3 = _c3 if sgn0(_c3) == 0 else P - _c3
C4 = (-4 * _g(Z) * _inv0(3 * Z * Z)) % P  # -4 g(Z) / (3 Z^2 + 4A)


def expand_message_xmd(message: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 ``expand_message_xmd`` with Keccak-256 (kyber ``expandMsgXmdKeccak256``).

    ``b_0 = H(Z_pad ‖ msg ‖ I2OSP(len, 2) ‖ 0x00 ‖ DST')``, ``b_1 = H(b_0 ‖ 0x01 ‖ DST')``,
    ``b_i = H((b_0 xor b_(i-1)) ‖ i ‖ DST')`` with ``DST' = DST ‖ len(DST)`` and ``Z_pad`` one
    Keccak-256 block (136 zero bytes).
    """
    if len(dst) > 255:
        raise InvalidInput("expand_message_xmd: a DST of more than 255 bytes must be hashed first")
    ell = -(-length // 32)
    if ell > 255 or length > 0xFFFF:
        raise InvalidInput("expand_message_xmd: requested length too large")
    dst_prime = bytes(dst) + bytes([len(dst)])
    b0 = keccak256(bytes(136) + bytes(message) + length.to_bytes(2, "big") + b"\x00" + dst_prime)
    blocks = [keccak256(b0 + b"\x01" + dst_prime)]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1], strict=True))
        blocks.append(keccak256(mixed + bytes([i]) + dst_prime))
    return b"".join(blocks)[:length]


def hash_to_field(message: bytes, dst: bytes) -> tuple[int, int]:
    """Two field elements from 96 expanded bytes, 48 bytes each reduced mod p (kyber ``hashToField``)."""
    uniform = expand_message_xmd(message, dst, 96)
    return int.from_bytes(uniform[:48], "big") % P, int.from_bytes(uniform[48:], "big") % P


def map_to_curve_svdw(u: int) -> tuple[int, int]:
    """RFC 9380 section 6.6.1 (Shallue-van de Woestijne): a field element to an affine point.

    Three candidate x coordinates; the first whose ``g(x)`` is a square gives the point, and the
    sign of y is chosen to match the sign of u.
    """
    tv1 = u * u % P * C1 % P
    tv2 = (1 + tv1) % P
    tv1 = (1 - tv1) % P
    tv3 = _inv0(tv1 * tv2 % P)
    tv4 = u * tv1 % P * tv3 % P * C3 % P
    x1 = (C2 - tv4) % P
    x2 = (C2 + tv4) % P
    x3 = (Z + C4 * pow(tv2 * tv2 % P * tv3 % P, 2, P)) % P
    for x in (x1, x2):
        if _is_square(_g(x)):
            break
    else:
        x = x3
    y = _sqrt(_g(x))
    if sgn0(u) != sgn0(y):
        y = P - y
    return x, y


def add_affine(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    """Affine addition on y^2 = x^3 + 3 (``None`` is the point at infinity); for the reference path."""
    if a is None:
        return b
    if b is None:
        return a
    (x1, y1), (x2, y2) = a, b
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None
        slope = 3 * x1 * x1 * _inv0(2 * y1) % P
    else:
        slope = (y2 - y1) * _inv0(x2 - x1) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def hash_to_g1(message: bytes, dst: bytes) -> tuple[int, int] | None:
    """drand's BN254 hash-to-G1 (kyber ``hashToPoint``): ``map(u0) + map(u1)``, affine."""
    u0, u1 = hash_to_field(message, dst)
    return add_affine(map_to_curve_svdw(u0), map_to_curve_svdw(u1))


def _coordinates(data: bytes, count: int, what: str) -> list[int]:
    if not isinstance(data, bytes | bytearray):
        raise InvalidPoint(f"{what} point: expected bytes, got {type(data).__name__}")
    if len(data) != 32 * count:
        raise InvalidPoint(f"{what} point: expected {32 * count} bytes, got {len(data)}")
    values = [int.from_bytes(data[i : i + 32], "big") for i in range(0, 32 * count, 32)]
    if any(v >= P for v in values):
        raise InvalidPoint(f"{what} point: coordinate is not reduced modulo p (non-canonical)")
    return values


def parse_g1(data: bytes) -> tuple[int, int] | None:
    """64 bytes ``x ‖ y`` -> affine ``(x, y)`` (None = infinity), checked canonical and on the curve.

    G1 of BN254 is the whole curve (cofactor 1): on the curve means in the group.
    """
    x, y = _coordinates(data, 2, "BN254.G1")
    if x == 0 and y == 0:
        return None
    if y * y % P != _g(x):
        raise InvalidPoint("BN254.G1 point: not on the curve")
    return x, y


def parse_g2(data: bytes) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """128 bytes ``x.im ‖ x.re ‖ y.im ‖ y.re`` -> ``((x.re, x.im), (y.re, y.im))`` or None (infinity).

    Only canonical coordinates are read here; the caller checks the twist equation and the subgroup.
    """
    x_im, x_re, y_im, y_re = _coordinates(data, 4, "BN254.G2")
    if x_im == x_re == y_im == y_re == 0:
        return None
    return (x_re, x_im), (y_re, y_im)


def encode_g1(point: tuple[int, int] | None) -> bytes:
    """Affine ``(x, y)`` (None = infinity) -> 64 bytes."""
    if point is None:
        return bytes(64)
    return b"".join(int(c).to_bytes(32, "big") for c in point)


def encode_g2(point: tuple[tuple[int, int], tuple[int, int]] | None) -> bytes:
    """``((x.re, x.im), (y.re, y.im))`` (None = infinity) -> 128 bytes, imaginary parts first."""
    if point is None:
        return bytes(128)
    (x_re, x_im), (y_re, y_im) = point
    return b"".join(int(c).to_bytes(32, "big") for c in (x_im, x_re, y_im, y_re))


#: The size of a GT element in kyber's encoding: twelve 32-byte coordinates.
GT_SIZE = 12 * 32


def gt_to_kyber_bytes(flat: list[int] | tuple[int, ...]) -> bytes:
    """An Fp12 element, given by its 12 coefficients in py_ecc's flat basis, as kyber's 384 bytes.

    py_ecc writes Fp12 as ``Σ c_k w^k`` with ``w^12 = 18 w^6 - 82``. kyber's ``pairing/bn254``
    builds a tower instead:
    [`gfP2`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/gfp2.go#L7-L11),
    [`gfP6`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/gfp6.go#L7-L11),
    [`gfP12`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/gfp12.go#L11-L15)::

        gfP2  = x·i + y        with i² = -1
        gfP6  = x·τ² + y·τ + z with τ³ = ξ = i + 9
        gfP12 = x·ω + y        with ω² = τ

    and
    [`pointGT.MarshalBinary`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L604-L635)
    writes ``g.x.x.x, g.x.x.y, g.x.y.x, …, g.y.z.y``: the ω part first, inside it τ², τ, 1, and in
    each Fp2 the *imaginary* part first, 32 bytes big-endian, values Montgomery-decoded (plain
    integers mod p). The two bases meet at ``ω = w`` (so ``τ = w²`` and ``i = w^6 - 9``, which
    indeed squares to -1); kyber's untwisting map ``(x, y) -> (x ω², y ω³)``, stated in its
    [`miller`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/optate.go#L120-L168)
    loop, is py_ecc's ``twist``, so the same pairing lands on the same element. Then
    ``w^(j+6) = w^j (i + 9)`` gives the Fp2 coefficient of ``ω^a τ^b`` (``j = a + 2b``):
    real part ``c_j + 9 c_(j+6)``, imaginary part ``c_(j+6)``.
    """
    c = [int(v) % P for v in flat]
    if len(c) != 12:
        raise InvalidInput(f"an Fp12 element has 12 coefficients, got {len(c)}")
    out = bytearray()
    for a in (1, 0):  # gfP12.x (the ω part), then gfP12.y
        for b in (2, 1, 0):  # gfP6.x (τ²), .y (τ), .z (1)
            j = a + 2 * b
            imaginary, real = c[j + 6], (c[j] + 9 * c[j + 6]) % P
            out += imaginary.to_bytes(32, "big") + real.to_bytes(32, "big")
    return bytes(out)


def gt_from_kyber_bytes(data: bytes) -> list[int]:
    """The inverse of :func:`gt_to_kyber_bytes`: 384 bytes -> py_ecc's 12 flat coefficients.

    Only the encoding is checked (length, each coordinate below p), not membership of GT.
    """
    values = _coordinates(data, 12, "BN254.GT")
    flat = [0] * 12
    position = 0
    for a in (1, 0):
        for b in (2, 1, 0):
            j = a + 2 * b
            imaginary, real = values[position], values[position + 1]
            position += 2
            flat[j + 6] = imaginary
            flat[j] = (real - 9 * imaginary) % P
    return flat
