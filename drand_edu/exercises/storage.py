"""Exercise checkers for notebook 07 (storage and sync).

Each checker builds its own fresh chain (a random key, random rounds) and compares the learner's answer
with what the library's stores and sync really do, so an answer passes by being right, not by matching
a value printed in the notebook.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon
from ..crypto import bls
from ..crypto.schemes import scheme_by_id
from ..errors import StoreError
from ..node.sync import BatchSync
from ..store.memory import MemoryStore
from ..store.sqlite import SQLiteStore
from ..store.stack import BeaconAlreadyStored, new_chain_store
from .common import Verdict, nudge_if_stub, register_hints, report, safely

__all__ = ["check_already_stored", "check_find_gaps", "check_sneaky_chunk", "check_trimmed_loss"]


def _chained_chain(rounds: int) -> tuple[ChainInfo, list[Beacon]]:
    """A fresh chained chain (random key and genesis seed) and its beacons of rounds 1..``rounds``."""
    scheme = scheme_by_id("pedersen-bls-chained")
    keys = bls.keygen(scheme)
    info = ChainInfo(
        public_key=keys.public.to_bytes(), period=30, genesis_time=1_600_000_000,
        genesis_seed=secrets.token_bytes(32), scheme=scheme,
    )  # fmt: skip
    beacons, previous = [], info.genesis_seed
    for round_number in range(1, rounds + 1):
        signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, previous))
        beacons.append(Beacon(round_number, signature, previous))
        previous = signature
    return info, beacons


def _as_rounds(answer: Any) -> set[int] | None:
    """A learner's set of rounds (set, list, tuple, range; ints or digit strings) as a set, or None."""
    if isinstance(answer, int | str | bytes) or not isinstance(answer, Iterable):
        return None
    rounds = set()
    for item in answer:
        if isinstance(item, bool):
            return None
        try:
            rounds.add(int(item))
        except (TypeError, ValueError):
            return None
    return rounds


# -- Exercise 1 (Explore): what a trimmed store loses ---------------------------------------------

TRIMMED_DELETED = 17  # the round the exercise deletes from a store of rounds 1..40
TRIMMED_ROUNDS = 40

register_hints(
    "trimmed_loss",
    "Try every round from 1 to 40 on each store (explore_trimmed, explore_full): "
    "is_valid_beacon(info, store.get(r)), and count a StoreError (a row that is gone) as lost too.",
    "A trimmed row holds a signature and nothing else. When you read round r, where does its "
    "previous_signature come from, and what happens to that when row r − 1 is gone?",
    "The deleted round is lost in both stores. In the trimmed store the round after it is lost too: its "
    "previous signature was rebuilt from the deleted row, so it comes back without one and fails to verify. "
    "The full store keeps each round's previous signature in its own row.",
)


def _lost_rounds(store: SQLiteStore, info: ChainInfo, last: int) -> set[int]:
    """The rounds 1..``last`` a store can no longer give back as a beacon that verifies."""
    lost = set()
    for round_number in range(1, last + 1):
        try:
            if not is_valid_beacon(info, store.get(round_number)):
                lost.add(round_number)
        except StoreError:
            lost.add(round_number)
    return lost


def check_trimmed_loss(lost_trimmed: Any, lost_untrimmed: Any) -> Verdict:
    """Which rounds of 1..40 a trimmed and a full store can no longer serve after round 17 is deleted.

    The truth is measured, not remembered: the checker deletes the round from two real stores of a fresh
    chain (of the same length) and tries every round.
    """
    if nudge_if_stub(lost_trimmed, "trimmed_loss") or nudge_if_stub(lost_untrimmed, "trimmed_loss"):
        return Verdict(False)

    def check() -> bool:
        trimmed, untrimmed = _as_rounds(lost_trimmed), _as_rounds(lost_untrimmed)
        if trimmed is None or untrimmed is None:
            return report(False, "give each answer as a set (or list) of round numbers, e.g. {3, 4}")
        info, beacons = _chained_chain(TRIMMED_ROUNDS)
        truth = {}
        for name, mode in (("trimmed", True), ("untrimmed", False)):
            store = SQLiteStore(":memory:", trimmed=mode, genesis_seed=info.genesis_seed)
            store.put_many(beacons)
            store.delete(TRIMMED_DELETED)
            truth[name] = _lost_rounds(store, info, TRIMMED_ROUNDS)
            store.close()
        if TRIMMED_DELETED not in trimmed | untrimmed:
            return report(
                False, f"round {TRIMMED_DELETED} itself is gone from both stores: is it in your sets?"
            )
        if untrimmed != truth["untrimmed"]:
            extra = sorted(untrimmed - truth["untrimmed"])
            return report(
                False,
                f"the full (untrimmed) store still serves rounds {extra[:5]} as valid beacons: try them"
                if extra
                else "the full store loses a round you did not list: try get() on each round",
            )
        if trimmed != truth["trimmed"]:
            if trimmed < truth["trimmed"]:
                why = (
                    "the trimmed store loses more than the deleted row: a trimmed row holds the signature "
                    "alone, and a read rebuilds round r's previous signature from row r − 1 — try get() "
                    "on the rounds after it"
                )
            else:
                why = (
                    f"the trimmed store still serves rounds {sorted(trimmed - truth['trimmed'])[:5]} as "
                    "valid beacons: a missing row breaks only what is rebuilt from it"
                )
            return report(False, why)
        return report(
            True,
            praise="the trimmed store loses the deleted round and the one after it, whose previous "
            "signature it rebuilt from the deleted row; the full store loses only the deleted round. That "
            "is why a trimmed store needs a chain without gaps",
        )

    return safely(check, "checking your sets failed")


# -- Exercise 2 (Implement): the rounds a sync must fetch -----------------------------------------

register_hints(
    "find_gaps",
    "Think of every round from 1 to head: which of them are not in `rounds`? Then group consecutive "
    "missing rounds into runs.",
    "Mind the edges: `rounds` may be unsorted, repeat a round or contain round 0 (the genesis, never "
    "missing); a run can start at round 1 and a run can end at head (the tail the node has not got yet); "
    "with no rounds at all everything from 1 to head is missing.",
    "present = set(rounds); walk r = 1 … head; open a run at the first missing r, close it as (start, r − 1) "
    "at the next present r, and close a run still open at the end as (start, head).",
)


def _expected_gaps(rounds: Sequence[int], head: int) -> list[tuple[int, int]]:
    present, gaps, start = set(rounds), [], None
    for r in range(1, head + 1):
        if r not in present and start is None:
            start = r
        elif r in present and start is not None:
            gaps.append((start, r - 1))
            start = None
    if start is not None:
        gaps.append((start, head))
    return gaps


def _as_runs(answer: Any) -> list[tuple[int, int]] | None:
    try:
        runs = [tuple(int(x) for x in run) for run in answer]
    except (TypeError, ValueError):
        return None
    return runs if all(len(run) == 2 for run in runs) else None


def check_find_gaps(my_gaps: Callable[[Sequence[int], int], Any] | None) -> Verdict:
    """``my_gaps(rounds, head)``: the missing runs ``(first, last)`` of rounds 1..head, in order."""
    if nudge_if_stub(my_gaps, "find_gaps"):
        return Verdict(False)

    def check() -> bool:
        pick = secrets.SystemRandom()
        big = sorted(pick.sample(range(1, 3000), 1900))
        cases: list[tuple[str, list[int], int]] = [
            ("a store without gaps, up to date", [0, 1, 2, 3, 4], 4),
            ("a store that is behind (rounds 1-3, head 7)", [1, 2, 3], 7),
            ("a store missing its first rounds", [3, 4, 5], 5),
            ("[1, 4, 5, 9] with head 9", [1, 4, 5, 9], 9),
            ("an empty store, head 6", [], 6),
            ("an empty store before genesis (head 0)", [], 0),
            ("rounds given out of order, with repeats", [9, 2, 2, 5, 1, 9, 6], 12),
            ("1,900 random rounds below 3,000, head 3,500", pick.sample(big, len(big)), 3500),
        ]
        for where, rounds, head in cases:
            want = _expected_gaps(rounds, head)
            got = _as_runs(my_gaps(list(rounds), head))
            if got is None:
                return report(False, f"for {where} your answer is not a list of (first, last) pairs")
            if got != want:
                return report(
                    False,
                    f"for {where} you found {got[:3]}{'…' if len(got) > 3 else ''}: "
                    f"{_gap_mistake(got, want, head)}",
                )
        return report(
            True,
            praise="every missing run, from round 1 to the head and including the tail, whatever the order "
            "of the rounds: exactly the ranges a sync has to fetch",
        )

    return safely(check, "my_gaps failed")


def _gap_mistake(got: list[tuple[int, int]], want: list[tuple[int, int]], head: int) -> str:
    """What is wrong with a list of runs, said without giving the runs."""
    if sorted(got) == want:
        return "the right runs, but not in order"
    if want and want[-1][1] == head and got == want[:-1]:
        return "the rounds after the last stored one, up to head, are missing too"
    if want and want[0][0] == 1 and got == want[1:]:
        return "the rounds before the first stored one (from round 1) are missing too"
    if [(a, b - 1) for a, b in got] == want or [(a, b + 1) for a, b in got] == want:
        return "off by one at the end of each run: (first, last) are both missing rounds"
    if got and got[0][0] == 0:
        return "round 0 is the genesis beacon, which every store has: a sync never fetches it"
    return "list each run of missing rounds between 1 and head as (first, last), in order"


# -- Exercise 3 (Break): valid signatures are not enough ------------------------------------------

SNEAKY_MIN_LENGTH = 3

register_hints(
    "sneaky_chunk",
    "Reordering, skipping or repeating rounds does not count (the append layer refuses those without any "
    "thought). Your chunk must be rounds 2, 3, 4, … in order, each verifying on its own and each linking to "
    "the one before it in the chunk. What, then, can still differ from the honest chain?",
    "On a chained chain a beacon's signature covers its own previous_signature, so a beacon verifies "
    "whatever previous signature it carries, as long as it was signed over it. You hold the group's secret "
    "key (keys.secret), as a threshold of colluding nodes would: you can sign any message.",
    "Start from any 96 bytes p (not chain[0].signature): round 2 = Beacon(2, sign(digest(2, p)), p), then "
    "round 3 signed over digest(3, round 2's signature) with that signature as its previous, and so on: a "
    "fork that is consistent in itself.",
)


def _verify_beacon_as_drand(info: ChainInfo, beacon: Beacon) -> bool:
    """drand's ``VerifyBeacon``: the signature over the scheme's digest, nothing more.

    On a chained scheme drand's digest writes the previous signature only when there is one, so a beacon
    signed over ``sha256(round)`` with an empty previous signature verifies in drand
    (https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L68-L71,
    `VerifyBeacon`; `DigestFunc`:
    https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L109-L117);
    our ``verify_beacon`` refuses it before any pairing. A fork that starts there is one drand accepts
    beacon by beacon, so it counts here.
    """
    if beacon.round < 1:
        return False
    return bls.verify(info.scheme, info.public_key_point(), beacon.message(info.scheme), beacon.signature)


class _ListSource:
    """A peer that serves a fixed list of beacons (what a lying peer sends)."""

    def __init__(self, beacons: Sequence[Beacon]) -> None:
        self._beacons = {b.round: b for b in beacons}

    def beacons(self, start: int, end: int) -> list[Beacon]:
        return [self._beacons[r] for r in range(start, end + 1) if r in self._beacons]


def check_sneaky_chunk(info: ChainInfo, beacons: Sequence[Beacon], chunk: Sequence[Beacon] | None) -> Verdict:
    """``chunk``: a fork a sync must refuse although every beacon in it has a valid signature.

    What counts as a break (for a node whose last beacon is ``beacons[0]``, round 1): at least three
    beacons, rounds 2, 3, 4, … in order (no gap, reorder or repeat: those are refused without thought),
    every beacon valid on its own (as drand's ``VerifyBeacon`` checks it), every beacon after the first
    linking to the one
    before it in the chunk — and still the node's store stack refuses it.
    """
    if nudge_if_stub(chunk, "sneaky_chunk"):
        return Verdict(False)

    def check() -> bool:
        try:
            chunk_list = list(chunk)
        except TypeError:
            return report(False, "chunk must be a list of Beacon")
        if not all(isinstance(b, Beacon) for b in chunk_list):
            return report(False, "chunk must be a list of Beacon")
        if len(chunk_list) < SNEAKY_MIN_LENGTH:
            return report(
                False, f"a chunk of at least {SNEAKY_MIN_LENGTH} beacons, please: a chain, not a lone beacon"
            )
        rounds = [b.round for b in chunk_list]
        if rounds != list(range(2, 2 + len(chunk_list))):
            return report(
                False,
                f"your rounds are {rounds[:6]}: a gap, a reorder or a repeat is refused by the append layer "
                "and does not count. Use rounds 2, 3, 4, … in order",
            )
        invalid = [b.round for b in chunk_list if not _verify_beacon_as_drand(info, b)]
        if invalid:
            return report(
                False,
                f"round {invalid[0]} does not verify on its own (drand's VerifyBeacon checks it against "
                "the chain's group public key, over the round and the previous signature it carries): "
                "a beacon signed with any other key, or edited after signing, is refused before the "
                "store is asked",
            )
        unlinked = [b.round for a, b in itertools.pairwise(chunk_list) if b.previous_signature != a.signature]
        if unlinked:
            return report(
                False,
                f"round {unlinked[0]} does not link to the round before it in your chunk: a "
                "chunk that is not a chain in itself is refused without thought",
            )
        store = new_chain_store(info, MemoryStore())
        store.put(beacons[0])
        refusal = None
        for beacon in chunk_list:
            try:
                store.put(beacon)
            except BeaconAlreadyStored:
                continue
            except StoreError as refused:
                refusal = refused
                break
        if refusal is None:
            return report(
                False, "the store stack stores this chunk: it is the honest continuation of the chain"
            )
        synced = MemoryStore()
        synced.put(beacons[0])
        batch = BatchSync(info, synced, [_ListSource(chunk_list)], chunk=len(chunk_list)).sync(
            len(chunk_list) + 1
        )
        also = " BatchSync drops the peer too." if batch.rejected and batch.stored == 0 else ""
        return report(
            True,
            praise=f"a fork of {len(chunk_list)} beacons, each signed and linked to the one before it, "
            "refused: "
            f"{refusal}.{also} Only the first link, to the node's own last beacon, ties a chunk to its chain",
        )

    return safely(check, "checking your chunk failed")


# -- Exercise 4 (Connect): drand's tryNode, when a synced beacon is already stored ------------------
# tryNode's store.Put error branch, at the pinned commit:
# https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L490-L501
# `if errors.Is(err, ErrBeaconAlreadyStored) { ...; return beacon.Round == upTo }` — and upTo == 0
# means "follow forever" (SendSyncRequest's comment, L113-L116), so that case never counts as done.

register_hints(
    "already_stored",
    "Open tryNode (internal/chain/beacon/sync_manager.go) at the linked lines and find what it does when "
    "s.store.Put returns an error.",
    "One error is treated apart from the others: errors.Is(err, ErrBeaconAlreadyStored). Read the return "
    "statement in that branch, and remember what tryNode's true and false mean (its comment, above it).",
    "That branch returns `beacon.Round == upTo`: write def done(round_number, up_to): return the same "
    "comparison (with up_to == 0, following forever, it is never done).",
)


def check_already_stored(my_done: Callable[[int, int], Any] | None) -> Verdict:
    """``my_done(round_number, up_to)``: what drand's ``tryNode`` returns when ``Put`` answers
    "already stored"."""
    if nudge_if_stub(my_done, "already_stored"):
        return Verdict(False)

    def check() -> bool:
        cases = [(5, 5), (4, 5), (6, 5), (1, 0), (7, 0), (1, 1), (2, 1)]
        for _ in range(20):
            up_to = secrets.randbelow(10**6)
            cases.append((max(1, up_to + secrets.choice((-2, -1, 0, 0, 1, 2))), up_to))
        for round_number, up_to in cases:
            got = my_done(round_number, up_to)
            if not isinstance(got, bool):
                return report(False, f"return True or False (you returned {got!r}): tryNode returns a bool")
            if got != (round_number == up_to):
                said = "done" if got else "not done"
                if up_to == 0:
                    why = "up_to 0 means: follow the chain forever, so no round ever ends that sync"
                elif got:
                    why = (
                        "a round already stored means the aggregator stored it first, not that the store "
                        "reached up_to: calling that done would end the sync with the node still behind"
                    )
                else:
                    why = "that round is the one the sync was asked for: the target is reached"
                return report(
                    False,
                    f"for a beacon of round {round_number} and up_to {up_to} you said {said}: {why}. "
                    "Read the return statement of that branch again",
                )
        return report(
            True,
            praise="tryNode returns beacon.Round == upTo: a race with the aggregator ends the sync with this "
            "peer, and counts as success only if the beacon already stored was the very round asked for",
        )

    return safely(check, "my_done failed")
