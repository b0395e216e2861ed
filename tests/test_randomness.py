"""Fair randomness from beacons: no modulo bias, independent labels, uniform over many rounds."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drand_edu.chain import Beacon
from drand_edu.client import BeaconRandom, choice, randint, sample, shuffle
from drand_edu.errors import InvalidInput


def fake_randomness(i: int) -> bytes:
    return hashlib.sha256(b"round" + i.to_bytes(8, "big")).digest()


@given(st.binary(min_size=32, max_size=32), st.integers(-1000, 1000), st.integers(0, 10**6))
def test_randint_in_range(randomness: bytes, low: int, width: int) -> None:
    value = randint(randomness, low, low + width)
    assert low <= value <= low + width


@given(st.binary(min_size=32, max_size=32), st.lists(st.integers(), min_size=1, max_size=30))
def test_shuffle_is_a_permutation_and_deterministic(randomness: bytes, items: list[int]) -> None:
    once = shuffle(randomness, items)
    assert sorted(once) == sorted(items)
    assert shuffle(randomness, items) == once


@given(st.binary(min_size=32, max_size=32), st.integers(0, 20))
def test_sample_distinct(randomness: bytes, k: int) -> None:
    winners = sample(randomness, list(range(20)), k)
    assert len(set(winners)) == k


def test_uniform_over_many_rounds() -> None:
    """A chi-square test on 6,000 die rolls (threshold at p ≈ 0.001 for 5 degrees of freedom)."""
    rolls = Counter(randint(fake_randomness(i), 1, 6) for i in range(6000))
    chi2 = sum((rolls[face] - 1000) ** 2 / 1000 for face in range(1, 7))
    assert set(rolls) == set(range(1, 7))
    assert chi2 < 20.5


def test_no_modulo_bias_where_naive_modulo_has_it() -> None:
    """Range 3 over 2 bits: naive ``bits % 3`` gives 0 twice as often; rejection sampling does not."""
    naive = Counter(int.from_bytes(fake_randomness(i), "big") % 4 % 3 for i in range(3000))
    fair = Counter(BeaconRandom(fake_randomness(i)).randbelow(3) for i in range(3000))
    assert naive[0] > 1.6 * naive[1]
    assert max(fair.values()) < 1.15 * min(fair.values())


def test_labels_give_independent_streams() -> None:
    beacon = Beacon(1, b"\x01" * 48)
    draws_a = [BeaconRandom(beacon, "lottery-a").randbelow(2**32) for _ in range(3)]
    draws_b = [BeaconRandom(beacon, "lottery-b").randbelow(2**32) for _ in range(3)]
    assert draws_a != draws_b
    stream = BeaconRandom(beacon, "x")
    assert stream.randbelow(2**64) != stream.randbelow(2**64)


def test_choice_and_errors() -> None:
    r = fake_randomness(1)
    assert choice(r, ["a", "b", "c"]) in {"a", "b", "c"}
    with pytest.raises(InvalidInput):
        choice(r, [])
    with pytest.raises(InvalidInput):
        randint(r, 5, 4)
    with pytest.raises(InvalidInput):
        sample(r, [1, 2], 3)
    with pytest.raises(InvalidInput):
        BeaconRandom(b"short")
