"""Polynomials, shares and interpolation (kyber ``share/poly.go``), with hypothesis properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drand_edu.crypto import CURVE_ORDER, G1, G2
from drand_edu.errors import InvalidInput, InvalidShare, NotEnoughShares
from drand_edu.rng import seeded_rng
from drand_edu.threshold.poly import (
    PriPoly,
    PriShare,
    PubPoly,
    interpolate,
    lagrange_coefficients,
    minimum_threshold,
    recover_commit,
    recover_pri_poly,
    recover_pub_poly,
    recover_secret,
)

TOY = 97  # a small prime: the "toy field" of the notebooks' plots
CURVE = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def t_n_subset(draw, max_n: int = 9):
    """(t, n, a random subset of t distinct share indices out of n)."""
    n = draw(st.integers(1, max_n))
    t = draw(st.integers(1, n))
    subset = draw(st.permutations(range(n)))[:t]
    return t, n, subset


# -- index convention, evaluation ----------------------------------------------------------------
def test_share_i_is_f_of_i_plus_1() -> None:
    # f(x) = 5 + 3x + 2x^2 over the integers mod 97: share 0 is f(1) = 10, share 2 is f(3) = 32.
    f = PriPoly((5, 3, 2), TOY)
    assert [s.value for s in f.shares(3)] == [10, 19, 32]
    assert f.eval(2) == PriShare(2, 32)
    assert f.secret() == 5 and f.threshold == 3
    assert recover_secret(f.shares(3), 3, TOY) == 5


def test_repr_hides_secrets() -> None:
    f = PriPoly((123456789, 987654321))
    assert "123456789" not in repr(f) and "987654321" not in repr(f)
    assert "<hidden>" in repr(PriShare(0, 424242)) and "424242" not in repr(PriShare(0, 424242))


def test_lagrange_coefficients_small_example() -> None:
    # With x = 1, 2: f(0) = 2 f(1) - f(2), so the weights are 2 and -1.
    assert lagrange_coefficients([1, 2], TOY) == [2, TOY - 1]


# -- recovery properties --------------------------------------------------------------------------
@given(t_n_subset(), st.integers(0, TOY - 1), st.randoms(use_true_random=False))
def test_any_t_shares_recover_toy(tns, secret: int, rnd: random.Random) -> None:
    t, n, subset = tns
    f = PriPoly.random(t, secret=secret, rng=rnd, modulus=TOY)
    shares = f.shares(n)
    chosen = [shares[i] for i in subset]
    assert recover_secret(chosen, t, TOY) == secret
    assert recover_pri_poly(chosen, t, TOY) == f


@given(t_n_subset(max_n=12), st.integers(0, CURVE_ORDER - 1), st.randoms(use_true_random=False))
def test_any_t_shares_recover_real_field(tns, secret: int, rnd: random.Random) -> None:
    t, n, subset = tns
    f = PriPoly.random(t, secret=secret, rng=rnd)
    shares = f.shares(n)
    assert recover_secret([shares[i] for i in subset], t) == secret
    # more shares than t are fine too (the first t by index are used)
    assert recover_secret(list(reversed(shares)), t) == secret


@given(st.integers(2, 5), st.randoms(use_true_random=False), st.data())
@settings(max_examples=30)
def test_t_minus_1_shares_fit_every_secret(t: int, rnd: random.Random, data) -> None:
    """Perfect secrecy, shown exhaustively in the toy field: t-1 shares fit *each* of the 97 secrets."""
    f = PriPoly.random(t, rng=rnd, modulus=TOY)
    n = data.draw(st.integers(t, 8))
    subset = data.draw(st.permutations(range(n)))[: t - 1]
    known = [f.eval(i) for i in subset]
    polynomials = set()
    for candidate in range(TOY):
        g = interpolate([(0, candidate)] + [(s.index + 1, s.value) for s in known], TOY)
        assert g.threshold == t  # degree t-1, like the dealer's polynomial
        assert g.secret() == candidate
        assert all(g.eval(s.index) == s for s in known)
        polynomials.add(g.coefficients)
    assert len(polynomials) == TOY  # one distinct polynomial per secret: all equally likely
    assert f.coefficients in polynomials


def test_t_minus_1_shares_give_wrong_answer() -> None:
    f = PriPoly((42, 7, 11), TOY)
    # Interpolating through only 2 of the 3 needed points gives a line, not the secret.
    with pytest.raises(NotEnoughShares):
        recover_secret(f.shares(2), 3, TOY)
    assert recover_secret(f.shares(2), 2, TOY) != 42


@CURVE
@given(t_n_subset(max_n=6), st.randoms(use_true_random=False), st.sampled_from([G1, G2]))
def test_recover_commit_is_commit_of_recovered_secret(tns, rnd: random.Random, group) -> None:
    t, n, subset = tns
    f = PriPoly.random(t, rng=rnd)
    pub = f.commit(group)
    public_shares = pub.shares(n)
    chosen = [public_shares[i] for i in subset]
    secret = recover_secret([f.eval(i) for i in subset], t)
    assert recover_commit(group, chosen, t) == group.generator() * secret == pub.commit()
    assert recover_pub_poly(group, chosen, t) == pub


@CURVE
@given(st.integers(1, 5), st.randoms(use_true_random=False))
def test_pubpoly_eval_matches_private_eval(t: int, rnd: random.Random) -> None:
    f = PriPoly.random(t, rng=rnd)
    pub = f.commit(G1)
    for i in range(4):
        assert pub.eval(i).value == G1.generator() * f.eval(i).value
        assert pub.check(f.eval(i))
        assert not pub.check(PriShare(i, f.eval(i).value + 1))


@given(st.integers(1, 6), st.randoms(use_true_random=False), st.integers(1, 8))
def test_pripoly_add_is_homomorphic(t: int, rnd: random.Random, n: int) -> None:
    f, g = PriPoly.random(t, rng=rnd), PriPoly.random(t, rng=rnd)
    h = f.add(g)
    assert h.secret() == (f.secret() + g.secret()) % CURVE_ORDER
    for i in range(n):
        assert h.eval(i).value == (f.eval(i).value + g.eval(i).value) % CURVE_ORDER


@CURVE
@given(st.integers(1, 4), st.randoms(use_true_random=False))
def test_pubpoly_add_is_homomorphic(t: int, rnd: random.Random) -> None:
    f, g = PriPoly.random(t, rng=rnd), PriPoly.random(t, rng=rnd)
    assert f.commit(G2).add(g.commit(G2)) == f.add(g).commit(G2)
    assert f.commit(G1).add(g.commit(G1)).eval(3).value == G1.generator() * f.add(g).eval(3).value


# -- errors -----------------------------------------------------------------------------------
def test_too_few_and_duplicate_shares() -> None:
    f = PriPoly.random(3, rng=seeded_rng(1))
    shares = f.shares(5)
    with pytest.raises(NotEnoughShares):
        recover_secret(shares[:2], 3)
    with pytest.raises(InvalidShare):
        recover_secret([shares[0], shares[1], PriShare(1, 5)], 3)
    with pytest.raises(InvalidShare):
        recover_commit(G1, [f.commit(G1).eval(0)] * 3, 3)
    with pytest.raises(InvalidShare):
        recover_secret([PriShare(-1, 3), *shares[:3]], 3)
    with pytest.raises(InvalidInput):
        recover_secret(shares, 0)
    assert issubclass(NotEnoughShares, InvalidShare)


def test_bad_construction() -> None:
    with pytest.raises(InvalidInput):
        PriPoly.random(0)
    with pytest.raises(InvalidInput):
        PriPoly(())
    with pytest.raises(InvalidInput):
        PriPoly((1, 2), TOY).commit(G1)  # commitments need the real field
    with pytest.raises(InvalidInput):
        PriPoly((1, 2), TOY).eval(TOY - 1)  # x = 97 ≡ 0 would hand out f(0) itself
    with pytest.raises(InvalidInput):
        PriPoly((1, 2)).eval(-1)
    with pytest.raises(InvalidInput):
        PriPoly((1, 2)).add(PriPoly((1, 2, 3)))
    with pytest.raises(InvalidInput):
        PubPoly(G1, ())
    with pytest.raises(InvalidInput):
        PubPoly(G1, (G2.generator(),))
    with pytest.raises(InvalidInput):
        PriPoly((1, 2)).commit(G1).add(PriPoly((1, 2)).commit(G2))
    with pytest.raises(InvalidShare):
        lagrange_coefficients([1, 1 + TOY], TOY)
    with pytest.raises(InvalidShare):
        interpolate([(1, 2), (1, 3)], TOY)


def test_pubpoly_bytes_round_trip() -> None:
    pub = PriPoly.random(3, rng=seeded_rng(2)).commit(G2)
    data = pub.to_bytes_list()
    assert [len(d) for d in data] == [96, 96, 96]
    assert PubPoly.from_bytes_list(G2, data) == pub


def test_pubpoly_on_both_backends(backend: str) -> None:
    f = PriPoly((3, 5))
    pub = f.commit(G1)
    assert pub.eval(1).value == G1.generator() * 13
    assert recover_commit(G1, pub.shares(2), 2) == G1.generator() * 3


# -- drand's threshold rule ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "t"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (10, 6), (16, 9), (22, 12)]
)
def test_minimum_threshold_is_drands(n: int, t: int) -> None:
    # drand common/key/group.go MinimumT(n) = (n >> 1) + 1; e.g. 22 nodes → 12
    assert minimum_threshold(n) == t


def test_minimum_threshold_bad_input() -> None:
    with pytest.raises(InvalidInput):
        minimum_threshold(0)
