"""drand's ``CorrectPastBeacons`` and ``ReSync`` as :func:`~drand_edu.store.check.correct_past_beacons`: each
faulty round fetched alone, verified, written into the backend; a round that cannot be corrected does not
stop the others, and each round gets a second try (``ReSync`` runs ``Sync`` once more after every peer
failed)."""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon
from drand_edu.errors import ClientError, InvalidBeacon
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, check_past_beacons, correct_past_beacons


@pytest.fixture(scope="module")
def chain():
    net = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng("correct-past-beacons"))
    net.advance(3 * 11 + 0.5)  # rounds 1..12
    return net.info, list(net.processes[0].store.cursor(1, 12))


def _damaged(beacons, bad: list[int]) -> MemoryStore:
    """A store of ``beacons`` whose rounds ``bad`` carry another round's signature."""
    store = MemoryStore()
    for beacon in beacons:
        wrong = Beacon(beacon.round, beacons[0].signature, beacon.previous_signature)
        store.put(wrong if beacon.round in bad else beacon)
    return store


class Missing:
    """A peer that lacks some rounds."""

    def __init__(self, beacons, lacks: set[int]) -> None:
        self.by_round = {b.round: b for b in beacons if b.round not in lacks}

    def beacons(self, start: int, end: int) -> list[Beacon]:
        return [self.by_round[r] for r in range(start, end + 1) if r in self.by_round]


class FailsOnce(Missing):
    """A peer whose first answer for each round is a failure (a dropped connection, say)."""

    def __init__(self, beacons) -> None:
        super().__init__(beacons, set())
        self.asked: list[int] = []

    def beacons(self, start: int, end: int) -> list[Beacon]:
        self.asked.append(start)
        if self.asked.count(start) == 1:
            raise ClientError(f"round {start}: connection reset")
        return super().beacons(start, end)


def test_a_round_that_cannot_be_corrected_does_not_stop_the_others(chain) -> None:
    """CorrectPastBeacons collects the errors and goes on: rounds 3 and 9 are corrected although the source
    lacks round 6, which stays faulty and is named in the one error raised at the end."""
    info, beacons = chain
    store = _damaged(beacons, [3, 6, 9])
    faulty = sorted(check_past_beacons(info, store, 12))
    assert faulty == [3, 6, 9]
    expected = r"1 of 3 faulty rounds could not be corrected \(2 were\).*round 6"
    with pytest.raises(InvalidBeacon, match=expected):
        correct_past_beacons(info, store, faulty, Missing(beacons, {6}))
    assert store.get(3) == beacons[2] and store.get(9) == beacons[8]
    assert sorted(check_past_beacons(info, store, 12)) == [6]


def test_each_round_gets_a_second_try(chain) -> None:
    """ReSync runs Sync once more when every peer failed: a source that fails once per round still
    corrects every round, and is asked exactly twice for each."""
    info, beacons = chain
    store = _damaged(beacons, [2, 7])
    source = FailsOnce(beacons)
    assert correct_past_beacons(info, store, [2, 7], source) == 2
    assert source.asked == [2, 2, 7, 7]
    assert check_past_beacons(info, store, 12) == {}


def test_a_lying_source_writes_nothing(chain) -> None:
    info, beacons = chain
    store = _damaged(beacons, [4])
    liar = Missing([Beacon(4, beacons[7].signature, beacons[2].signature)], set())
    with pytest.raises(InvalidBeacon, match="1 of 1"):
        correct_past_beacons(info, store, [4], liar)
    assert store.get(4).signature == beacons[0].signature  # the damaged row, untouched
