"""How far one dealer can bias the group key, and the leavers of a resharing (notebook 04, sections 7-8).

Two levers (issue 21): a dealer that drew a complaint chooses QUAL by answering it or not
(``FaultPlan.justify``, Exercise 5), and a dealer that deals *last* grinds its polynomial against every
other dealer's commitments, which travel in clear, until the group key has the property it wants
(``FaultPlan.last_dealer`` / ``grind``) — with no complaint at all.
"""

from __future__ import annotations

import pytest

from drand_edu.errors import DKGError, InvalidInput
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import FaultPlan, driver, run_dkg, run_reshare


def low_bits_zero(bits: int):
    return lambda key: key.to_bytes()[-1] % (1 << bits) == 0


@pytest.mark.parametrize("seed", ["grind-a", "grind-b", "grind-c", "grind-d"])
def test_the_last_dealer_forces_six_bits_of_the_group_key_unseen(seed: str) -> None:
    outcome = run_dkg(5, 3, rng=seeded_rng(seed), faults=FaultPlan(last_dealer=4, grind=low_bits_zero(6)))
    # the property holds on the key every node ended with (1 chance in 64 per seed without grinding)
    assert outcome.group_key.to_bytes()[-1] % 64 == 0
    assert all(r.key.commits.commit() == outcome.group_key for r in outcome.results.values())
    # and nothing showed: every dealer in QUAL, no complaint, fast sync's two ticks
    assert outcome.qual == (0, 1, 2, 3, 4)
    assert not any(event.complaints for event in outcome.log)
    assert outcome.clock == run_dkg(5, 3, rng=seeded_rng(seed)).clock
    (deal,) = [e for e in outcome.log if e.kind == "deal" and e.author == 4]
    assert deal.delivered and deal.note.startswith("dealt last, after ")


def test_grinding_tries_as_many_polynomials_as_the_property_needs() -> None:
    tried = []
    for seed in range(6):
        outcome = run_dkg(
            5, 3, rng=seeded_rng(f"count-{seed}"), faults=FaultPlan(last_dealer=0, grind=low_bits_zero(5))
        )
        (deal,) = [e for e in outcome.log if e.kind == "deal" and e.author == 0]
        tried.append(int(deal.note.split()[3]))
    assert all(n >= 1 for n in tried) and max(tried) > 1  # a redraw happened: not the first polynomial


def test_grinding_gives_up_when_the_property_cannot_be_met(monkeypatch) -> None:
    monkeypatch.setattr(driver, "MAX_GRIND_TRIES", 5)
    with pytest.raises(DKGError, match="grinding gave up after 5"):
        run_dkg(5, 3, rng=seeded_rng("never"), faults=FaultPlan(last_dealer=1, grind=lambda key: False))


@pytest.mark.parametrize(
    "plan",
    [
        {"grind": low_bits_zero(1)},  # no dealer named
        {"last_dealer": 2},  # no property
        {"last_dealer": 2, "grind": "zero bits"},  # not a callable
    ],
)
def test_a_grinding_plan_must_be_whole(plan: dict) -> None:
    with pytest.raises(InvalidInput, match="invalid fault plan"):
        FaultPlan(**plan)


def test_the_grinder_must_be_a_dealer() -> None:
    with pytest.raises(InvalidInput, match="unknown dealers"):
        run_dkg(5, 3, rng=seeded_rng(1), faults=FaultPlan(last_dealer=7, grind=low_bits_zero(1)))


def test_a_leaver_deals_and_never_answers_a_complaint() -> None:
    # kyber's ProcessResponses refuses a node only in the old group: a wrong share from a leaver draws a
    # complaint nobody answers, its deal drops out, and the stayers' deals still carry the same key
    old = run_dkg(5, 3, rng=seeded_rng("leaver-old"))
    reshared = run_reshare(old, 4, 3, keep=[0, 1, 2, 3], rng=seeded_rng("leaver-new"),
                           faults=FaultPlan(bad_shares={(4, 0)}))  # fmt: skip
    assert reshared.group_key == old.group_key
    assert any(4 in event.complaints for event in reshared.log if event.kind == "response")
    assert not [event for event in reshared.log if event.kind == "justification" and event.author == 4]
    assert "old node 4 (leaving)" not in reshared.errors  # its part ended with the deal: no failure
