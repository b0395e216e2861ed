"""Notebook-07 checkers: "not yet" for stubs and wrong answers, "correct" for right ones."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.storage import check_find_gaps, check_sneaky_chunk, check_trimmed_previous
from drand_edu.rng import seeded_rng

from .conftest import verdict


@pytest.fixture(scope="module")
def chain():
    scheme = scheme_by_id("pedersen-bls-chained")
    keys = bls.keygen(scheme, rng=seeded_rng(1))
    info = ChainInfo(keys.public.to_bytes(), 30, 1_600_000_000, bytes(32), scheme)
    beacons, previous = [], info.genesis_seed
    for r in range(1, 8):
        signature = bls.sign(scheme, keys.secret, scheme.digest(r, previous))
        beacons.append(Beacon(r, signature, previous))
        previous = signature
    return info, beacons


def test_trimmed_previous(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_trimmed_previous, None)
    assert NOT_YET in verdict(
        capsys, check_trimmed_previous, lambda sigs, seed, r: sigs[r - 1] if r > 1 else b""
    )
    right = lambda sigs, seed, r: seed if r == 1 else sigs[r - 1]  # noqa: E731
    assert CORRECT in verdict(capsys, check_trimmed_previous, right)


def test_find_gaps(capsys) -> None:
    def right(rounds):
        present, gaps, start = set(rounds), [], None
        for r in range(1, max(rounds, default=0) + 1):
            if r not in present and start is None:
                start = r
            elif r in present and start is not None:
                gaps.append((start, r - 1))
                start = None
        return gaps

    assert NOT_YET in verdict(capsys, check_find_gaps, None)
    assert NOT_YET in verdict(capsys, check_find_gaps, lambda rounds: [])
    assert CORRECT in verdict(capsys, check_find_gaps, right)


def test_sneaky_chunk(capsys, chain) -> None:
    info, beacons = chain
    assert NOT_YET in verdict(capsys, check_sneaky_chunk, info, beacons, None)
    assert "would store" in verdict(capsys, check_sneaky_chunk, info, beacons, beacons[1:4])
    forged = [Beacon(2, beacons[4].signature, beacons[0].signature)]
    assert "verify on its own" in verdict(capsys, check_sneaky_chunk, info, beacons, forged)
    assert CORRECT in verdict(capsys, check_sneaky_chunk, info, beacons, [beacons[1], beacons[3], beacons[2]])
    assert CORRECT in verdict(capsys, check_sneaky_chunk, info, beacons, [beacons[2], beacons[3]])
    assert "would store" in verdict(capsys, check_sneaky_chunk, info, beacons, [beacons[0], beacons[1]])
