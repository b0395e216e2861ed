"""Notebook-07 checkers: each gets right answers ("correct"), classic wrong ones ("not yet" with a hint
about what is wrong) and the untouched stub (the first hint only)."""

from __future__ import annotations

import hashlib

import pytest

from drand_edu.chain import Beacon, ChainInfo, verify_beacon
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.common import first_hint
from drand_edu.exercises.storage import (
    check_already_stored,
    check_find_gaps,
    check_sneaky_chunk,
    check_trimmed_loss,
)
from drand_edu.rng import seeded_rng

from .conftest import verdict


@pytest.fixture(scope="module")
def chain():
    scheme = scheme_by_id("pedersen-bls-chained")
    keys = bls.keygen(scheme, rng=seeded_rng(1))
    info = ChainInfo(
        public_key=keys.public.to_bytes(),
        period=30,
        genesis_time=1_600_000_000,
        genesis_seed=bytes(32),
        scheme=scheme,
    )
    beacons, previous = [], info.genesis_seed
    for r in range(1, 8):
        signature = bls.sign(scheme, keys.secret, scheme.digest(r, previous))
        beacons.append(Beacon(r, signature, previous))
        previous = signature
    return info, beacons, keys.secret


def _fork(info, secret, start_previous, rounds):
    """A chain of ``rounds`` beacons from round 2, linked to each other, starting from ``start_previous``."""
    out, previous = [], start_previous
    for r in range(2, 2 + rounds):
        signature = bls.sign(info.scheme, secret, info.scheme.digest(r, previous))
        out.append(Beacon(r, signature, previous))
        previous = signature
    return out


def test_stub_gets_the_first_hint_only(capsys) -> None:
    out = verdict(capsys, check_trimmed_loss, None, None)
    assert first_hint("trimmed_loss") in out
    for name, check in (("find_gaps", check_find_gaps), ("already_stored", check_already_stored)):

        def stub(*args): ...

        out = verdict(capsys, check, stub)
        assert NOT_YET in out and first_hint(name) in out


def test_trimmed_loss(capsys) -> None:
    assert CORRECT in verdict(capsys, check_trimmed_loss, {17, 18}, {17})
    assert CORRECT in verdict(capsys, check_trimmed_loss, [18, 17], range(17, 18))  # any collection
    assert CORRECT in verdict(capsys, check_trimmed_loss, ("17", "18"), ["17"])
    out = verdict(capsys, check_trimmed_loss, {17}, {17})  # forgets the rebuilt link
    assert "loses more than the deleted row" in out
    out = verdict(capsys, check_trimmed_loss, {17, 18}, {17, 18})  # thinks the full store is the same
    assert "full (untrimmed) store still serves rounds [18]" in out
    out = verdict(capsys, check_trimmed_loss, set(range(17, 41)), {17})  # everything after breaks
    assert "still serves rounds [19" in out
    assert "round 17 itself" in verdict(capsys, check_trimmed_loss, {18}, set())
    assert "set (or list)" in verdict(capsys, check_trimmed_loss, 17, 17)


def right_gaps(rounds, head, first=1):
    present, gaps, start = set(rounds), [], None
    for r in range(first, head + 1):
        if r not in present and start is None:
            start = r
        elif r in present and start is not None:
            gaps.append((start, r - 1))
            start = None
    return gaps + ([(start, head)] if start is not None else [])


def test_find_gaps(capsys) -> None:
    def by_sorting(rounds, head):  # another right way: walk the sorted distinct rounds
        runs, expected = [], 1
        for r in sorted(set(rounds) | {head + 1}):
            if r > expected:
                runs.append([expected, r - 1])  # lists instead of tuples are fine
            expected = max(expected, r + 1)
        return runs

    def no_tail(rounds, head):  # the old exercise: stops at the highest stored round
        return right_gaps(rounds, max(rounds, default=0))

    def from_first_stored(rounds, head):
        low = min((r for r in rounds if r > 0), default=1)
        return [(a, b) for a, b in right_gaps(rounds, head) if a >= low]

    def exclusive_end(rounds, head):
        return [(a, b + 1) for a, b in right_gaps(rounds, head)]

    def unsorted_input(rounds, head):  # assumes the rounds come sorted
        runs, expected = [], 1
        for r in [*rounds, head + 1]:
            if r > expected:
                runs.append((expected, r - 1))
            expected = r + 1
        return runs

    assert CORRECT in verdict(capsys, check_find_gaps, right_gaps)
    assert CORRECT in verdict(capsys, check_find_gaps, by_sorting)
    assert "up to head, are missing too" in verdict(capsys, check_find_gaps, no_tail)
    assert "from round 1" in verdict(capsys, check_find_gaps, from_first_stored)
    assert "off by one" in verdict(capsys, check_find_gaps, exclusive_end)
    assert NOT_YET in verdict(capsys, check_find_gaps, unsorted_input)
    assert "not a list of (first, last) pairs" in verdict(capsys, check_find_gaps, lambda rounds, head: 3)
    assert "raised ZeroDivisionError" in verdict(capsys, check_find_gaps, lambda rounds, head: 1 / 0)


def test_sneaky_chunk(capsys, chain) -> None:
    info, beacons, secret = chain
    fork = _fork(info, secret, bytes(96), 3)
    out = verdict(capsys, check_sneaky_chunk, info, beacons, fork)
    assert CORRECT in out and "invalid previous signature for round 2" in out and "BatchSync drops" in out
    fork_from_round_5 = _fork(info, secret, beacons[4].signature, 5)  # another previous: round 5's signature
    assert CORRECT in verdict(capsys, check_sneaky_chunk, info, beacons, tuple(fork_from_round_5))
    # refused though right, before: a fork from an empty previous signature (drand's VerifyBeacon accepts it)
    from_nothing = _fork(info, secret, b"", 3)
    assert not from_nothing[0].previous_signature
    assert CORRECT in verdict(capsys, check_sneaky_chunk, info, beacons, from_nothing)

    # not a break: the honest chain, reorders, skips, repeats, lone beacons, forged or unlinked beacons
    assert "honest continuation" in verdict(capsys, check_sneaky_chunk, info, beacons, beacons[1:4])
    assert "reorder" in verdict(
        capsys, check_sneaky_chunk, info, beacons, [beacons[1], beacons[3], beacons[2]]
    )
    assert "reorder" in verdict(
        capsys, check_sneaky_chunk, info, beacons, [beacons[2], beacons[3], beacons[4]]
    )
    assert "reorder" in verdict(
        capsys, check_sneaky_chunk, info, beacons, [beacons[1], beacons[1], beacons[2]]
    )
    assert "at least 3" in verdict(capsys, check_sneaky_chunk, info, beacons, fork[:1])
    forged = [Beacon(2, beacons[4].signature, beacons[0].signature), *beacons[2:4]]
    assert "verify on its own" in verdict(capsys, check_sneaky_chunk, info, beacons, forged)
    spliced = [fork[0], *beacons[2:4]]  # a forked round 2, then honest rounds 3-4: not a chain in itself
    assert "does not link to the round before it" in verdict(
        capsys, check_sneaky_chunk, info, beacons, spliced
    )
    assert "list of Beacon" in verdict(capsys, check_sneaky_chunk, info, beacons, [2, 3, 4])
    assert first_hint("sneaky_chunk") in verdict(capsys, check_sneaky_chunk, info, beacons, None)


def test_already_stored(capsys) -> None:
    assert CORRECT in verdict(capsys, check_already_stored, lambda r, up_to: r == up_to)
    assert CORRECT in verdict(capsys, check_already_stored, lambda r, up_to: up_to > 0 and up_to == r)
    assert NOT_YET in verdict(capsys, check_already_stored, lambda r, up_to: r >= up_to)
    out = verdict(capsys, check_already_stored, lambda r, up_to: up_to == 0 or r == up_to)
    assert "follow the chain forever" in out
    assert NOT_YET in verdict(capsys, check_already_stored, lambda r, up_to: True)  # "already stored = done"
    assert NOT_YET in verdict(
        capsys, check_already_stored, lambda r, up_to: False
    )  # "always try the next peer"
    assert NOT_YET in verdict(capsys, check_already_stored, lambda r, up_to: r < up_to)
    assert "True or False" in verdict(capsys, check_already_stored, lambda r, up_to: "beacon.Round == upTo")


def test_listed_difference_empty_previous_signature(chain) -> None:
    """drand's VerifyBeacon checks the signature over DigestBeacon, which leaves an empty previous signature
    out of a chained message: such a beacon verifies there. Our verify_beacon refuses it (listed in
    tests/data/differences.toml); the 07 Ex3 checker judges as drand does."""
    from drand_edu.errors import InvalidBeacon
    from drand_edu.exercises.storage import _verify_beacon_as_drand

    info, _, secret = chain
    message = hashlib.sha256((2).to_bytes(8, "big")).digest()  # DigestFunc with nothing to chain
    assert info.scheme.digest(2, b"") == message
    beacon = Beacon(2, bls.sign(info.scheme, secret, message), b"")
    assert _verify_beacon_as_drand(info, beacon)
    with pytest.raises(InvalidBeacon, match="previous signature"):
        verify_beacon(info, beacon)


# -- issue 22: per exercise, the insecure-but-plausible answer (or the hurried engineer's) is refused,
# and the verdict names the mechanism that makes it wrong ------------------------------------------------
def test_insecure_trimmed_loss_trimming_loses_nothing_more(capsys) -> None:
    """"Trimming only drops a redundant copy, so the trimmed store loses just the deleted row": an operator
    who believes it serves round 18 from a trimmed store with a hole, and it does not verify."""
    out = verdict(capsys, check_trimmed_loss, {17}, {17})
    assert NOT_YET in out
    assert "holds the signature alone" in out
    assert "rebuilds round r's previous signature from row r − 1" in out


def test_insecure_find_gaps_forgets_the_tail_and_counts_genesis(capsys) -> None:
    """The hurried engineer's gaps: only the holes below the highest stored round (the node never fetches
    what it has not got yet), or ``range(head + 1)`` (round 0, the genesis, "missing")."""

    def holes_only(rounds, head):
        return right_gaps(rounds, max(rounds, default=0))

    def from_zero(rounds, head):  # range(head + 1): round 0 too
        return right_gaps(rounds, head, first=0)

    out = verdict(capsys, check_find_gaps, holes_only)
    assert NOT_YET in out and "the rounds after the last stored one, up to head, are missing too" in out
    out = verdict(capsys, check_find_gaps, from_zero)
    assert NOT_YET in out and "round 0 is the genesis beacon" in out


def test_insecure_sneaky_chunk_signed_with_the_attackers_own_key(capsys, chain) -> None:
    """A forger without the group key signs a linked fork with a key of their own: each beacon "has a valid
    signature" — under the wrong key. It is no break (the sync refuses it before the store is asked), and
    the verdict says the signature is checked against the chain's group public key."""
    info, beacons, _ = chain
    own_key = bls.keygen(info.scheme, rng=seeded_rng("attacker")).secret
    fork = _fork(info, own_key, bytes(96), 3)
    own_public = bls.public_key(info.scheme, own_key)
    assert all(bls.verify(info.scheme, own_public, b.message(info.scheme), b.signature) for b in fork)
    out = verdict(capsys, check_sneaky_chunk, info, beacons, fork)
    assert NOT_YET in out and "group public key" in out and "any other key" in out


def test_insecure_already_stored_means_done(capsys) -> None:
    """"Already stored, so the sync is done": it would end a sync with the node still behind whenever the
    aggregator raced it on an earlier round. The verdict names the race."""
    out = verdict(capsys, check_already_stored, lambda r, up_to: True)
    assert NOT_YET in out and "the aggregator stored it first" in out and "still behind" in out
    out = verdict(capsys, check_already_stored, lambda r, up_to: r >= up_to > 0)  # "at or past the target"
    assert NOT_YET in out
