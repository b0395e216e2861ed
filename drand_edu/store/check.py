"""Checking and repairing a store, like drand's ``drand sync`` without ``--follow``.

drand's [`syncCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L427-L433)
follows the chain with ``--follow`` and otherwise runs ``checkCmd``: the daemon checks every stored
beacon and refetches the bad ones from peers. :func:`check_store` and :func:`repair` are that check
and that repair, on a store we hold.

:func:`check_store` reads every stored beacon and reports what is wrong: rounds missing between the
first and the last, beacons whose signature does not verify (a corrupted row), and broken links on
chained chains. It batch-verifies (one pairing check for the whole store while it is healthy).
:func:`repair` fetches the bad and missing rounds again from a source — another store, or anything
with ``beacons(start, end)`` — verifies each, and only then writes it.

What ``drand sync`` without ``--follow`` does is narrower, and :func:`check_past_beacons` and
:func:`correct_past_beacons` are exactly it: drand's
[`CheckPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L199-L265)
checks rounds ``1..min(up_to, last)`` one by one, each by its *signature only*
(``scheme.VerifyBeacon``: no link between rows is compared), a missing round counting as faulty; and
[`CorrectPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L267-L301)
re-syncs each faulty round alone (``ReSync(b, b)``) from the peers. Neither ever adds a round above the
last stored one. :func:`check_store` (every link too, and gaps) is ours, for notebooks and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import Problem, verify_beacon, verify_chain
from ..errors import DrandEduError, InvalidBeacon, StoreError
from ..rng import Rng
from .base import ChainStore


class BeaconSource(Protocol):
    """Where missing beacons can come from: a peer's store, an HTTP endpoint…"""

    def beacons(self, start: int, end: int) -> Iterable[Beacon]: ...


class StoreSource:
    """A :class:`ChainStore` seen as a :class:`BeaconSource` (a peer on the same machine)."""

    def __init__(self, store: ChainStore) -> None:
        self.store = store

    def beacons(self, start: int, end: int) -> Iterable[Beacon]:
        return self.store.cursor(max(start, 1), end)

    def last_round(self) -> int:
        return self.store.last_round()


def check_store(
    info: ChainInfo, store: ChainStore, *, batch: bool = True, rng: Rng | None = None
) -> list[Problem]:
    """Every problem of the stored chain: gaps, invalid signatures, broken links. Empty = healthy."""
    beacons = list(store.cursor(1))  # round 0 is the genesis beacon: nothing to verify
    problems = verify_chain(info, beacons, batch=batch, rng=rng)
    expected = 1
    for beacon in beacons:
        if beacon.round > expected:
            missing = f"{expected}" if beacon.round == expected + 1 else f"{expected}–{beacon.round - 1}"
            problems.append(Problem(expected, "gap", f"rounds {missing} are missing"))
        expected = beacon.round + 1
    return sorted(problems, key=lambda p: (p.round, p.kind))


def rounds_to_refetch(info: ChainInfo, store: ChainStore, problems: list[Problem]) -> list[int]:
    """The rounds a repair must fetch again: every missing round and every beacon that is wrong."""
    rounds: set[int] = set()
    stored = {b.round for b in store.cursor(1)}
    last = store.last_round()
    rounds.update(r for r in range(1, last + 1) if r not in stored)
    for problem in problems:
        if problem.kind in ("signature", "link"):
            rounds.add(problem.round)
            if problem.kind == "link" and problem.round - 1 >= 1:
                rounds.add(problem.round - 1)  # which side of a broken link is wrong: fetch both
    return sorted(rounds)


def repair(
    info: ChainInfo,
    store: ChainStore,
    source: BeaconSource,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Refetch and replace every bad or missing round from ``source``; return how many were written.

    Every fetched beacon is verified before it touches the store; a source that sends a bad one is
    refused with :class:`InvalidBeacon` (the store is left as it was for that round).
    """
    wanted = rounds_to_refetch(info, store, check_store(info, store))
    return correct_past_beacons(info, store, wanted, source, progress=progress)


def check_past_beacons(info: ChainInfo, store: ChainStore, up_to: int) -> dict[int, str]:
    """drand's ``CheckPastBeacons``: the faulty rounds among ``1..min(up_to, last)``, with the reason.

    Each stored beacon is checked by its signature alone (the genesis round 0 is not checked); a round
    the store cannot give back is faulty too. Rounds above the store's last are not looked at.
    """
    faulty: dict[int, str] = {}
    for round_number in range(1, min(up_to, store.last_round()) + 1):
        try:
            verify_beacon(info, store.get(round_number))
        except (InvalidBeacon, StoreError) as error:
            faulty[round_number] = str(error)
    return faulty


def correct_past_beacons(
    info: ChainInfo,
    store: ChainStore,
    faulty: Iterable[int],
    source: BeaconSource,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """drand's ``CorrectPastBeacons``: fetch each faulty round alone from ``source``, verify it, replace it.

    As drand's, a round that cannot be corrected does not stop the others, and each round gets a second
    try when the first failed ([`ReSync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L304-L336)
    runs ``Sync`` once more after ``ErrFailedAll``). Returns how many were written; when some could not be
    corrected (the source lacks them, sends a bad one, or fails), :class:`InvalidBeacon` says how many
    and why the first failed — after every other round was corrected. Never writes a round that was not
    asked for, nor one that does not verify.
    """
    wanted = list(faulty)
    written, failures = 0, []
    for position, round_number in enumerate(wanted, start=1):
        if progress:
            progress(position, len(wanted))
        error: DrandEduError | None = None
        for _attempt in range(2):  # drand's ReSync: every peer, then once more
            try:
                fetched = next(iter(source.beacons(round_number, round_number)), None)
                if fetched is None or fetched.round != round_number:
                    raise InvalidBeacon(f"round {round_number}: the source does not have it")
                verify_beacon(info, fetched)
            except DrandEduError as failed:
                error = failed
                continue
            store.delete(round_number)
            store.put(fetched)
            written, error = written + 1, None
            break
        if error is not None:
            failures.append(error)
    if failures:
        raise InvalidBeacon(
            f"{len(failures)} of {len(wanted)} faulty rounds could not be corrected "
            f"({written} were); the first: {failures[0]}"
        )
    return written
