"""Notebook-03 checkers: "not yet" for stubs and wrong answers, "correct" for right ones; the toy curve."""

from __future__ import annotations

import hashlib

import matplotlib

matplotlib.use("Agg")

from drand_edu.crypto import G1, bls, pairing_check
from drand_edu.crypto.constants import FIELD_MODULUS
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.crypto import (
    check_bls_verify,
    check_not_in_subgroup,
    check_unchained_digest,
)
from drand_edu.viz.crypto import plot_toy_curve, toy_add, toy_curve_points, toy_multiply, toy_order

from .conftest import verdict


def test_unchained_digest(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_unchained_digest, None)
    assert NOT_YET in verdict(
        capsys, check_unchained_digest, lambda r: hashlib.sha256(str(r).encode()).digest()
    )
    assert NOT_YET in verdict(
        capsys, check_unchained_digest, lambda r: hashlib.sha256(r.to_bytes(8, "big")).hexdigest()
    )
    right = lambda r: hashlib.sha256(r.to_bytes(8, "big")).digest()  # noqa: E731
    assert CORRECT in verdict(capsys, check_unchained_digest, right)


def test_bls_verify(capsys) -> None:
    def right(scheme, pk, message, signature):
        g = scheme.key_group.generator()
        return pairing_check([(pk, bls.hash_message(scheme, message)), (-g, signature)])

    def ignores_the_message(scheme, pk, message, signature):
        return not signature.is_identity()

    assert NOT_YET in verdict(capsys, check_bls_verify, None)
    assert NOT_YET in verdict(capsys, check_bls_verify, ignores_the_message)
    assert NOT_YET in verdict(capsys, check_bls_verify, lambda *a: True)
    assert CORRECT in verdict(capsys, check_bls_verify, right)


def test_not_in_subgroup(capsys) -> None:
    def encode(x: int) -> bytes:
        raw = bytearray(x.to_bytes(48, "big"))
        raw[0] |= 0x80
        return bytes(raw)

    on_curve = next(x for x in range(1, 100) if pow(x**3 + 4, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) == 1)
    off_curve = next(x for x in range(1, 100) if pow(x**3 + 4, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) != 1)
    assert NOT_YET in verdict(capsys, check_not_in_subgroup, None)
    assert "not on the curve" in verdict(capsys, check_not_in_subgroup, encode(off_curve))
    assert "in G1" in verdict(capsys, check_not_in_subgroup, (G1.generator() * 5).to_bytes())
    assert "48 bytes" in verdict(capsys, check_not_in_subgroup, b"\x80" * 10)
    assert CORRECT in verdict(capsys, check_not_in_subgroup, encode(on_curve))


def test_toy_curve_is_a_group() -> None:
    p = 53
    points = toy_curve_points(p)
    assert len(points) == 53  # with the point at infinity: 54, as the notebook says
    assert all((y * y - x**3 - 4) % p == 0 for x, y in points)
    g = max(points, key=lambda point: toy_order(point, p))
    assert toy_order(g, p) == 54
    assert toy_multiply(g, 54, p) is None
    assert toy_add(toy_multiply(g, 20, p), toy_multiply(g, 30, p), p) == toy_multiply(g, 50, p)
    assert plot_toy_curve(p).axes
