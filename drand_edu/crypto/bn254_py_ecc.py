"""The reference backend for BN254: py_ecc's ``optimized_bn128`` (pure Python), plus our hash-to-G1.

py_ecc has BN254 under its Ethereum name ``bn128`` (``py_ecc.bn128`` in affine coordinates, easy to
read; ``py_ecc.optimized_bn128`` in projective coordinates, a few times faster; the same curve and
generators as the EVM precompiles and as kyber's ``pairing/bn254``). What py_ecc does not have, we
add in :mod:`drand_edu.crypto.bn254`: kyber's byte encodings with full validation, and drand's
hash-to-G1 (Keccak-256, SvdW), and GT elements in kyber's byte order (what tlock hashes). A
verification costs two Miller loops and one final exponentiation, about a second.

py_ecc's ``pairing(Q, P)`` on this curve is the standard optimal-ate pairing, the same element
kyber's ``Pair`` computes (unlike py_ecc's BLS12-381 one, which the BLS12-381 backend has to
correct): both run the Miller loop over ``6u+2`` with the two Frobenius lines and then raise to
exactly ``(p^12 - 1)/r`` — kyber's ``finalExponentiation`` addition chain works out to that exponent
(checked in ``tests/test_bn254_tlock.py``); e(G1, G2) matches its published value, and npm's
noble-curves, whose final exponentiation is a known power of the standard one, agrees.

No fast BN254 library for this curve was found on PyPI for CPython 3.11 (see the README): this
backend is the only one for BN254, so ``use_backend("arkworks")`` leaves BN254 on ``py_ecc``.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.optimized_bn128 import (
    FQ,
    FQ2,
    FQ12,
    Z1,
    Z2,
    add,
    curve_order,
    eq,
    final_exponentiate,
    is_inf,
    is_on_curve,
    multiply,
    neg,
    normalize,
    pairing,
)
from py_ecc.optimized_bn128 import G1 as _G1
from py_ecc.optimized_bn128 import G2 as _G2
from py_ecc.optimized_bn128 import b2 as curve_b2

from ..errors import InvalidInput, InvalidPoint
from . import bn254
from .backend import Backend, RawGT, RawPoint
from .constants import BN254


class PyEccBN254Backend(Backend):
    """BN254 on py_ecc's optimized (projective) pure-Python ``bn128``."""

    name = "py_ecc"
    curve = BN254

    def generator(self, group: str) -> RawPoint:
        return _G1 if group == "G1" else _G2

    def identity(self, group: str) -> RawPoint:
        return Z1 if group == "G1" else Z2

    def add(self, group: str, a: RawPoint, b: RawPoint) -> RawPoint:
        return add(a, b)

    def neg(self, group: str, a: RawPoint) -> RawPoint:
        return neg(a)

    def mul(self, group: str, a: RawPoint, scalar: int) -> RawPoint:
        if scalar == 0:
            return self.identity(group)
        return multiply(a, scalar)

    def eq(self, group: str, a: RawPoint, b: RawPoint) -> bool:
        return eq(a, b)

    def compress(self, group: str, a: RawPoint) -> bytes:
        """kyber's uncompressed bytes (BN254 points are never compressed in drand)."""
        if is_inf(a):
            return bytes(64 if group == "G1" else 128)
        x, y = normalize(a)
        if group == "G1":
            return bn254.encode_g1((int(x), int(y)))
        return bn254.encode_g2(((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))))

    def decompress(self, group: str, data: bytes) -> RawPoint:
        if group == "G1":
            affine = bn254.parse_g1(data)  # checks length, canonical, on the curve
            if affine is None:
                return Z1
            return (FQ(affine[0]), FQ(affine[1]), FQ.one())
        coords = bn254.parse_g2(data)
        if coords is None:
            return Z2
        (x_re, x_im), (y_re, y_im) = coords
        point = (FQ2([x_re, x_im]), FQ2([y_re, y_im]), FQ2.one())
        if not is_on_curve(point, curve_b2):
            raise InvalidPoint("BN254.G2 point: not on the twist curve")
        # The twist has a large cofactor: a point on it need not be in the order-r subgroup.
        if not is_inf(multiply(point, curve_order)):
            raise InvalidPoint("BN254.G2 point: on the curve but not in the prime-order subgroup")
        return point

    def hash_to_curve(self, group: str, message: bytes, dst: bytes) -> RawPoint:
        if group != "G1":
            raise InvalidInput("BN254: drand hashes only to G1 (bls-bn254-unchained-on-g1)")
        affine = bn254.hash_to_g1(message, dst)
        if affine is None:
            return Z1
        return (FQ(affine[0]), FQ(affine[1]), FQ.one())

    def msm(self, group: str, points: Sequence[RawPoint], scalars: Sequence[int]) -> RawPoint:
        total = self.identity(group)
        for point, scalar in zip(points, scalars, strict=True):
            total = add(total, self.mul(group, point, scalar % curve_order))
        return total

    def pairing_check(self, pairs: Sequence[tuple[RawPoint, RawPoint]]) -> bool:
        # As the EVM's pairing precompile: Miller loops multiplied, one final exponentiation.
        product = FQ12.one()
        for p, q in pairs:
            if is_inf(p) or is_inf(q):
                continue
            product = product * pairing(q, p, final_exponentiate=False)
        return final_exponentiate(product) == FQ12.one()

    def pairing(self, p: RawPoint, q: RawPoint) -> RawGT:
        if is_inf(p) or is_inf(q):
            return FQ12.one()
        return pairing(q, p)

    def gt_mul(self, a: RawGT, b: RawGT) -> RawGT:
        return a * b

    def gt_eq(self, a: RawGT, b: RawGT) -> bool:
        return a == b

    def gt_to_bytes(self, a: RawGT) -> bytes:
        """kyber's 384 bytes (its gfP12 tower order, see :func:`bn254.gt_to_kyber_bytes`): the bytes
        tlock hashes in ``H2``."""
        return bn254.gt_to_kyber_bytes(a.coeffs)
