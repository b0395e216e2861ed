"""Notebook-02 checkers and figures: a stub gets the first hint, wrong answers "not yet", right "correct"."""

from __future__ import annotations

from fractions import Fraction

import matplotlib
import pytest

matplotlib.use("Agg")

from drand_edu.chain import Beacon, is_valid_beacon
from drand_edu.crypto import bls
from drand_edu.crypto.constants import CURVE_ORDER
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.beacons import (
    KYBER_RECOVER_ERROR,
    check_kyber_recover,
    check_lagrange_at_zero,
    check_recover_signature,
    check_round_of,
    check_steer_interpolation,
)
from drand_edu.exercises.common import first_hint
from drand_edu.threshold.poly import lagrange_coefficients
from drand_edu.viz.beacons import lagrange_through, plot_fewer_than_t, plot_lagrange

from .conftest import assert_stub_gets_the_nudge, hints_shown, verdict


def _stub(*args): ...  # your code


def _round8(r: int) -> bytes:
    return r.to_bytes(8, "big")


def _rounds_back(info, seen_at, count):
    now = info.round_at(seen_at)
    return range(now, max(0, now - count), -1)


def _verifies(info, signature, previous, r):
    return is_valid_beacon(info, Beacon(r, signature, previous))


def test_round_of(capsys) -> None:
    """Which round a beacon handed over without its number belongs to: verify the candidates of the window."""

    def right(info, signature, previous, seen_at):
        for r in _rounds_back(info, seen_at, 6):
            if info.time_of_round(r) >= seen_at - 5 * info.period and _verifies(info, signature, previous, r):
                return r
        return None

    def by_pairing(info, signature, previous, seen_at):  # bls.verify on the digest, a float window
        for r in _rounds_back(info, seen_at, 6):
            if bls.verify(info.scheme, info.public_key_point(), info.scheme.digest(r, previous), signature):
                return r
        return None

    def trusts_the_clock(info, signature, previous, seen_at):  # the round current at seen_at, unverified
        return info.round_at(seen_at)

    def current_or_one_before(info, signature, previous, seen_at):  # forgets that relays are late
        return next(
            (r for r in _rounds_back(info, seen_at, 2) if _verifies(info, signature, previous, r)), None
        )

    def searches_far_back(
        info, signature, previous, seen_at
    ):  # insecure: a replayed old beacon passes as new
        return next(
            (r for r in _rounds_back(info, seen_at, 40) if _verifies(info, signature, previous, r)), None
        )

    def ignores_previous(info, signature, previous, seen_at):  # a chained message without its link
        return next((r for r in _rounds_back(info, seen_at, 6) if _verifies(info, signature, b"", r)), None)

    def as_text(info, signature, previous, seen_at):
        found = right(info, signature, previous, seen_at)
        return None if found is None else str(found)

    def decodes_only(info, signature, previous, seen_at):  # insecure-but-plausible: "it parses, so it's real"
        info.scheme.sig_group.from_bytes(signature)  # a point of the group: says nothing about who signed
        return info.round_at(seen_at)

    assert_stub_gets_the_nudge(capsys, check_round_of, "round_of")
    out = verdict(capsys, check_round_of, decodes_only)  # a foreign key's or a late beacon: not verified
    assert NOT_YET in out and ("did it verify?" in out or "did not check is a guess" in out), out
    assert CORRECT in verdict(capsys, check_round_of, right)
    assert CORRECT in verdict(capsys, check_round_of, by_pairing)
    assert "relay was late" in verdict(capsys, check_round_of, trusts_the_clock)
    assert "verify for one round" in verdict(capsys, check_round_of, current_or_one_before)
    assert "old beacon new" in verdict(capsys, check_round_of, searches_far_back)
    assert "previous signature is part" in verdict(capsys, check_round_of, ignores_previous)
    assert "not text" in verdict(capsys, check_round_of, as_text)


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

    def floor_division(xs, modulus):  # the hurried engineer's "division": // instead of an inverse mod p
        weights = []
        for j, xj in enumerate(xs):
            top, bottom = 1, 1
            for m, xm in enumerate(xs):
                if m != j:
                    top, bottom = top * xm, bottom * (xm - xj)
            weights.append(top // bottom % modulus)
        return weights

    def base_field(xs, modulus):  # insecure-but-plausible: weights mod the curve's field prime p, not mod r
        from drand_edu.crypto.constants import FIELD_MODULUS

        return [w % modulus for w in by_hand(xs, FIELD_MODULUS)]

    assert_stub_gets_the_nudge(capsys, check_lagrange_at_zero, "lagrange")
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, floor_division)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, base_field)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, lambda xs, m: [1] * len(xs))
    assert "wrong sign" in verdict(capsys, check_lagrange_at_zero, sign_flipped)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, sorted_first)
    assert NOT_YET in verdict(capsys, check_lagrange_at_zero, unreduced_fraction)
    assert CORRECT in verdict(capsys, check_lagrange_at_zero, lagrange_coefficients)
    assert CORRECT in verdict(capsys, check_lagrange_at_zero, by_hand)


def _combine(scheme, points, xs):
    return scheme.sig_group.msm(points, lagrange_coefficients(xs, CURVE_ORDER))


def test_recover_signature(capsys) -> None:
    def right(scheme, partials, threshold):
        chosen = partials[:threshold]
        return _combine(scheme, [p for _, p in chosen], [i + 1 for i, _ in chosen])

    def last_ones_as_bytes(scheme, partials, threshold):
        chosen = partials[-threshold:]
        return _combine(scheme, [p for _, p in chosen], [i + 1 for i, _ in chosen]).to_bytes()

    def off_by_one_x(scheme, partials, threshold):
        chosen = partials[:threshold]
        return _combine(scheme, [p for _, p in chosen], [i for i, _ in chosen])

    def every_partial(scheme, partials, threshold):  # more than t points of the same polynomial: still right
        return _combine(scheme, [p for _, p in partials], [i + 1 for i, _ in partials])

    def plain_sum(scheme, partials, threshold):
        return scheme.sig_group.sum(p for _, p in partials[:threshold])

    def negated(scheme, partials, threshold):  # x_j - x_m in the denominator
        return -right(scheme, partials, threshold)

    def sorted_weights(scheme, partials, threshold):  # weights for the sorted xs, points as they came
        chosen = partials[:threshold]
        return _combine(scheme, [p for _, p in chosen], sorted(i + 1 for i, _ in chosen))

    def weights_of_all(scheme, partials, threshold):  # λ over every partial, applied to the first t
        weights = lagrange_coefficients([i + 1 for i, _ in partials], CURVE_ORDER)[:threshold]
        return scheme.sig_group.msm([p for _, p in partials[:threshold]], weights)

    assert_stub_gets_the_nudge(capsys, check_recover_signature, "recover")
    assert CORRECT in verdict(capsys, check_recover_signature, right)
    assert "not its encoding" in verdict(capsys, check_recover_signature, last_ones_as_bytes)  # one type rule
    # insecure-but-plausible: with x = index, node 0 sits at x = 0 and takes all the weight, so node 0's
    # partial alone *is* the "beacon" — one node would choose the output
    assert "x = index + 1" in verdict(capsys, check_recover_signature, off_by_one_x)
    assert CORRECT in verdict(capsys, check_recover_signature, every_partial)
    assert "plain sum" in verdict(capsys, check_recover_signature, plain_sum)
    assert "one partial" in verdict(capsys, check_recover_signature, lambda s, partials, t: partials[0][1])
    assert "wrong sign" in verdict(capsys, check_recover_signature, negated)
    assert "different orders" in verdict(capsys, check_recover_signature, sorted_weights)
    assert "over all the partials" in verdict(capsys, check_recover_signature, weights_of_all)


def test_steer_interpolation(capsys) -> None:
    def weights(honest, index):
        return lagrange_coefficients([i + 1 for i, _ in honest] + [index + 1], CURVE_ORDER)

    def steer(scheme, honest, index, target):
        lam = weights(honest, index)
        rest = scheme.sig_group.msm([p for _, p in honest], lam[:-1])
        return (target - rest) * pow(lam[-1], -1, CURVE_ORDER)

    def steer_bytes(scheme, honest, index, target):
        lam = weights(honest, index)
        rest = scheme.sig_group.sum(p * w for (_, p), w in zip(honest, lam, strict=False))
        return ((target - rest) * pow(lam[-1], -1, CURVE_ORDER)).to_bytes().hex()

    def no_division(scheme, honest, index, target):
        lam = weights(honest, index)
        return target - scheme.sig_group.msm([p for _, p in honest], lam[:-1])

    def x_is_index(scheme, honest, index, target):
        lam = lagrange_coefficients([i for i, _ in honest] + [index], CURVE_ORDER)
        rest = scheme.sig_group.msm([p for _, p in honest], lam[:-1])
        return (target - rest) * pow(lam[-1], -1, CURVE_ORDER)

    assert_stub_gets_the_nudge(capsys, check_steer_interpolation, "steer")
    out = verdict(capsys, check_steer_interpolation, steer)
    assert CORRECT in out and "3 times out of 3" in out
    assert "not its encoding" in verdict(capsys, check_steer_interpolation, steer_bytes)  # one type rule
    assert "target itself" in verdict(capsys, check_steer_interpolation, lambda s, h, i, target: target)
    out = verdict(capsys, check_steer_interpolation, x_is_index)  # raises itself when a node has x = 0
    assert any(words in out for words in ("x = i + 1", "target itself", "not invertible")), out
    assert "does not land" in verdict(capsys, check_steer_interpolation, no_division)
    # plausible attacker's mistake: sending the identity point "to cancel my share" leaves the honest sum
    cancel = lambda s, h, i, target: s.sig_group.identity()  # noqa: E731
    assert "does not land" in verdict(capsys, check_steer_interpolation, cancel)
    assert NOT_YET in verdict(capsys, check_steer_interpolation, lambda s, h, i, target: b"\x00" * 48)


def test_kyber_recover(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_kyber_recover, "kyber_recover")
    assert first_hint("kyber_recover") in verdict(capsys, check_kyber_recover, ..., ...)
    assert "both" in verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, ...)
    assert CORRECT in verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, "Verify")
    go_error, go_call = (
        'errors.New("Not enough valid partial signatures")',
        "s.Scheme.Verify(public.Eval(i).V, …)",
    )
    assert CORRECT in verdict(capsys, check_kyber_recover, go_error, go_call)
    commit_error = "share: not enough good public shares to reconstruct secret commitment"
    assert "RecoverCommit" in verdict(capsys, check_kyber_recover, commit_error, "Verify")
    assert "drand_edu" in verdict(
        capsys, check_kyber_recover, "need 3 valid partial signatures, got 2", "Verify"
    )
    assert "VerifyPartial" in verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, "VerifyPartial")
    assert "whole signature" in verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, "VerifyRecovered")
    assert NOT_YET in verdict(capsys, check_kyber_recover, "not enough partial signatures", "Verify")
    for other in ("UnmarshalBinary", "point.UnmarshalBinary(sh.Value())", "sh.Index()", "Index"):
        out = verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, other)  # they skip too, not yours
        assert "does not skip yours" in out, out
    out = verdict(capsys, check_kyber_recover, KYBER_RECOVER_ERROR, "UnmarshalBinary")
    assert "already decoded the same bytes" in out  # it comes after Verify, which decoded them first


def test_figures_and_exact_interpolation() -> None:
    points = [(1, Fraction(5)), (2, Fraction(5)), (3, Fraction(7))]  # f(x) = 7 - 3x + x²
    assert lagrange_through(points, 0) == 7
    assert plot_lagrange().axes and plot_fewer_than_t().axes


@pytest.mark.parametrize(
    ("name", "recipe_piece"),
    [("round_of", "range(now, max(0, now - 6), -1)"), ("lagrange", "pow(denominator, -1, modulus)"),
     ("recover", "msm([p for _, p in chosen], weights)"), ("steer", "pow(λ_yours, -1"),
     ("kyber_recover", "s.Scheme.Verify")],
)  # fmt: skip
def test_hints_come_in_steps(capsys, name, recipe_piece) -> None:
    shown = hints_shown(capsys, name)
    assert shown[0].startswith("💡 hint 1/3") and recipe_piece not in shown[0] + shown[1]
    assert recipe_piece in shown[2] and "(that is the last hint)" in shown[2] and shown[3] == shown[2]
    assert recipe_piece not in first_hint(name)
