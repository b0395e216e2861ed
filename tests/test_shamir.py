"""Shamir sharing with Feldman commitments: split, recover, and catch a cheating dealer."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drand_edu.crypto import CURVE_ORDER, G1, G2
from drand_edu.errors import InvalidInput, InvalidShare, NotEnoughShares
from drand_edu.rng import seeded_rng
from drand_edu.threshold.poly import PriShare
from drand_edu.threshold.shamir import check_share_or_raise, recover, split, verify_share


@settings(max_examples=15, deadline=None)
@given(st.integers(0, CURVE_ORDER - 1), st.integers(1, 7), st.data(), st.randoms(use_true_random=False))
def test_split_recover_any_t(secret: int, n: int, data, rnd: random.Random) -> None:
    t = data.draw(st.integers(1, n))
    shares, commits = split(secret, n, t, rng=rnd)
    assert [s.index for s in shares] == list(range(n))
    subset = data.draw(st.permutations(shares))[:t]
    assert recover(subset, t) == secret
    assert commits.threshold == t
    assert commits.commit() == G1.generator() * secret  # only s·G is public
    assert all(verify_share(s, commits) for s in shares)


def test_split_in_g2_and_determinism() -> None:
    a = split(1234, 5, 3, group=G2, rng=seeded_rng("x"))
    b = split(1234, 5, 3, group=G2, rng=seeded_rng("x"))
    assert a == b
    shares, commits = a
    assert commits.group is G2 and commits.commit() == G2.generator() * 1234
    c_shares, _ = split(1234, 5, 3, group=G2, rng=seeded_rng("y"))
    assert [s.value for s in c_shares] != [s.value for s in shares]  # fresh randomness, fresh shares


def test_secret_is_reduced_mod_r() -> None:
    shares, commits = split(CURVE_ORDER + 5, 3, 2, rng=seeded_rng(1))
    assert recover(shares, 2) == 5
    assert commits.commit() == G1.generator() * 5


def test_too_few_shares() -> None:
    shares, _ = split(99, 5, 3, rng=seeded_rng(3))
    with pytest.raises(NotEnoughShares):
        recover(shares[:2], 3)


def test_bad_share_is_detected() -> None:
    shares, commits = split(777, 5, 3, rng=seeded_rng(4))
    tampered = PriShare(2, (shares[2].value + 1) % CURVE_ORDER)
    assert not verify_share(tampered, commits)
    with pytest.raises(InvalidShare, match="share 2"):
        check_share_or_raise(tampered, commits)
    # a good value presented under another index is caught too
    moved = PriShare(3, shares[2].value)
    assert not verify_share(moved, commits)
    # and the tampered share would have broken recovery: that is what VSS prevents
    assert recover([shares[0], shares[1], tampered], 3) != 777


def test_dealer_inconsistent_with_commitments() -> None:
    shares, _ = split(5, 4, 2, rng=seeded_rng(5))
    _, other_commits = split(5, 4, 2, rng=seeded_rng(6))  # same secret, another polynomial
    assert other_commits.commit() == G1.generator() * 5
    assert not any(verify_share(s, other_commits) for s in shares[:3])


def test_malformed_shares_are_invalid_not_crashes() -> None:
    _, commits = split(5, 3, 2, rng=seeded_rng(7))
    for bad in (PriShare(-1, 3), PriShare(0, CURVE_ORDER), PriShare(0, -1), PriShare(0, "3")):
        assert not verify_share(bad, commits)
        with pytest.raises(InvalidShare):
            check_share_or_raise(bad, commits)
    with pytest.raises(InvalidShare):
        check_share_or_raise("not a share", commits)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "t"), [(3, 0), (3, 4), (0, 0)])
def test_bad_parameters(n: int, t: int) -> None:
    with pytest.raises(InvalidInput):
        split(1, n, t)


def test_bad_secret_type() -> None:
    with pytest.raises(InvalidInput):
        split("secret", 3, 2)  # type: ignore[arg-type]


def test_split_on_both_backends(backend: str) -> None:
    shares, commits = split(31337, 3, 2, rng=seeded_rng(8))
    assert verify_share(shares[1], commits)
    assert not verify_share(PriShare(1, shares[1].value + 1), commits)
    assert recover(shares[1:], 2) == 31337
