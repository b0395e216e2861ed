"""The reference backend: pure Python arithmetic from the ``py_ecc`` package.

Slow (a BLS verification takes about half a second) but every step is Python a learner can read:
``py_ecc.optimized_bls12_381`` holds the curve, ``py_ecc.bls.hash_to_curve`` the RFC 9380 maps.
Two things py_ecc leaves to us (measured, see the project's toolchain notes):

* its G2 decompression checks the curve but not the subgroup, so we check ``r · P == O`` ourselves;
* its ``pairing(Q, P)`` is bilinear but is not the *standard* GT element: ``e_std(P, Q) =
  pairing(Q, P)^(-3)``. Pairing checks do not care, but tlock hashes GT elements, so :meth:`pairing`
  converts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from py_ecc.bls import point_compression
from py_ecc.bls.hash_to_curve import hash_to_G1, hash_to_G2
from py_ecc.optimized_bls12_381 import (
    FQ12,
    G1,
    G2,
    Z1,
    Z2,
    add,
    eq,
    final_exponentiate,
    is_inf,
    is_on_curve,
    multiply,
    neg,
    normalize,
    pairing,
)
from py_ecc.optimized_bls12_381 import b as curve_b1
from py_ecc.optimized_bls12_381 import b2 as curve_b2

from ..errors import InvalidPoint
from .backend import Backend, RawGT, RawPoint
from .constants import CURVE_ORDER, FIELD_MODULUS
from .encoding import parse_compressed


class PyEccBackend(Backend):
    """BLS12-381 on py_ecc's optimized (projective-coordinate) pure-Python implementation."""

    name = "py_ecc"

    def generator(self, group: str) -> RawPoint:
        return G1 if group == "G1" else G2

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
        if group == "G1":
            return point_compression.compress_G1(a).to_bytes(48, "big")
        c1, c0 = point_compression.compress_G2(a)  # py_ecc returns (x.c1 | flags, x.c0) as ints
        return c1.to_bytes(48, "big") + c0.to_bytes(48, "big")

    def decompress(self, group: str, data: bytes) -> RawPoint:
        header = parse_compressed(group, data)
        if header.infinity:
            return self.identity(group)
        try:
            if group == "G1":
                point = point_compression.decompress_G1(int.from_bytes(data, "big"))
            else:
                point = point_compression.decompress_G2(
                    (int.from_bytes(data[:48], "big"), int.from_bytes(data[48:], "big"))
                )
        except ValueError as exc:
            raise InvalidPoint(f"{group} point: not on the curve ({exc})") from None
        if not is_on_curve(point, curve_b1 if group == "G1" else curve_b2):
            raise InvalidPoint(f"{group} point: not on the curve")
        if not is_inf(multiply(point, CURVE_ORDER)):
            raise InvalidPoint(f"{group} point: on the curve but not in the prime-order subgroup")
        return point

    def hash_to_curve(self, group: str, message: bytes, dst: bytes) -> RawPoint:
        if group == "G1":
            return hash_to_G1(message, dst, hashlib.sha256)
        return hash_to_G2(message, dst, hashlib.sha256)

    def msm(self, group: str, points: Sequence[RawPoint], scalars: Sequence[int]) -> RawPoint:
        total = self.identity(group)
        for point, scalar in zip(points, scalars, strict=True):
            total = add(total, self.mul(group, point, scalar % CURVE_ORDER))
        return total

    def pairing_check(self, pairs: Sequence[tuple[RawPoint, RawPoint]]) -> bool:
        # Multiply the Miller loops and do the (expensive) final exponentiation once: 3-4x faster
        # than comparing full pairings.
        product = FQ12.one()
        for p, q in pairs:
            if is_inf(p) or is_inf(q):
                continue  # e(O, Q) = e(P, O) = 1
            product = product * pairing(q, p, final_exponentiate=False)
        return final_exponentiate(product) == FQ12.one()

    def pairing(self, p: RawPoint, q: RawPoint) -> RawGT:
        if is_inf(p) or is_inf(q):
            return FQ12.one()
        f = pairing(q, p)
        return (f * f * f).inv()  # py_ecc's pairing^(-3) is the standard pairing (see module doc)

    def gt_mul(self, a: RawGT, b: RawGT) -> RawGT:
        return a * b

    def gt_eq(self, a: RawGT, b: RawGT) -> bool:
        return a == b

    def gt_to_bytes(self, a: RawGT) -> bytes:
        # py_ecc writes Fp12 in a flat basis sum(c_k w^k) with w^12 = 2w^6 - 2, and u = w^6 - 1.
        # kyber's tower is c0 + c1 w, c_i = c_i0 + c_i1 v + c_i2 v^2 (v = w^2), c_ij = x + y u.
        # The tower coefficient at (i, j) is y = c[k+6], x = c[k] + c[k+6] with k = 2j + i;
        # kilic writes them fully reversed: c1.c2.y, c1.c2.x, ..., c0.c0.y, c0.c0.x.
        coeffs = [int(c) for c in a.coeffs]
        out = bytearray()
        for i in (1, 0):
            for j in (2, 1, 0):
                k = 2 * j + i
                y = coeffs[k + 6]
                x = (coeffs[k] + coeffs[k + 6]) % FIELD_MODULUS
                out += y.to_bytes(48, "big") + x.to_bytes(48, "big")
        return bytes(out)


def affine(point: RawPoint) -> tuple:
    """The affine (x, y) coordinates of a py_ecc point, for pictures and for stepping through."""
    return normalize(point)
