"""Notebook-02 checkers and figures: stubs and wrong answers get "not yet", right answers "correct"."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

from drand_edu.crypto.constants import CURVE_ORDER
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.beacons import (
    check_chained_message,
    check_lagrange_at_zero,
    check_randomness,
    check_recover_signature,
)
from drand_edu.threshold.poly import lagrange_coefficients
from drand_edu.viz.beacons import lagrange_through, plot_fewer_than_t, plot_lagrange

from .conftest import verdict


def test_chained_message(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_chained_message, None)
    swapped = lambda prev, r: hashlib.sha256(r.to_bytes(8, "big") + prev).digest()  # noqa: E731
    assert NOT_YET in verdict(capsys, check_chained_message, swapped)
    right = lambda prev, r: hashlib.sha256(prev + r.to_bytes(8, "big")).digest()  # noqa: E731
    assert CORRECT in verdict(capsys, check_chained_message, right)


def test_randomness(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_randomness, None)
    assert NOT_YET in verdict(capsys, check_randomness, lambda s: hashlib.sha256(s).hexdigest())
    assert CORRECT in verdict(capsys, check_randomness, lambda s: hashlib.sha256(s).digest())


def test_lagrange(capsys) -> None:
    def by_hand(xs, modulus):
        weights = []
        for j, xj in enumerate(xs):
            top, bottom = 1, 1
            for m, xm in enumerate(xs):
                if m != j:
                    top, bottom = top * xm % modulus, bottom * (xm - xj) % modulus
            weights.append(top * pow(bottom, -1, modulus) % modulus)
        return weights

    def sign_flipped(xs, modulus):
        return [(-w) % modulus for w in by_hand(xs, modulus)]

    def sorted_first(xs, modulus):  # right weights, but for the sorted xs: wrong order when xs are not sorted
        return by_hand(sorted(xs), modulus)

    def unreduced_fraction(xs, modulus):  # float division instead of a modular inverse
        return [round(w) for w in (1.0 / len(xs) for _ in xs)]

    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, None)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, lambda xs, m: [1] * len(xs))
    assert "wrong sign" in verdict(capsys, check_lagrange_at_zero, sign_flipped)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, sorted_first)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, unreduced_fraction)
    assert CORRECT in verdict(capsys, check_lagrange_at_zero, lagrange_coefficients)
    assert CORRECT in verdict(capsys, check_lagrange_at_zero, by_hand)


def test_recover_signature(capsys) -> None:
    def right(scheme, partials, threshold):
        chosen = partials[:threshold]
        weights = lagrange_coefficients([i + 1 for i, _ in chosen], CURVE_ORDER)
        return scheme.sig_group.msm([p for _, p in chosen], weights)

    def off_by_one_x(scheme, partials, threshold):
        chosen = partials[:threshold]
        weights = lagrange_coefficients([i + 2 for i, _ in chosen], CURVE_ORDER)
        return scheme.sig_group.msm([p for _, p in chosen], weights)

    assert NOT_YET in verdict(capsys, check_recover_signature, None)
    assert "x = i + 1" in verdict(capsys, check_recover_signature, off_by_one_x)
    assert CORRECT in verdict(capsys, check_recover_signature, right)


def test_figures_and_exact_interpolation() -> None:
    points = [(1, Fraction(5)), (2, Fraction(5)), (3, Fraction(7))]  # f(x) = 7 - 3x + x²
    assert lagrange_through(points, 0) == 7
    assert plot_lagrange().axes and plot_fewer_than_t().axes
