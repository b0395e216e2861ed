"""DKG under faults: within tolerance the honest nodes agree (and the culprit is out when it should be);
beyond it, DKGError says why."""

from __future__ import annotations

from typing import ClassVar

import pytest

from drand_edu.crypto import G1, use_backend
from drand_edu.errors import DKGError, InvalidInput
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import FaultPlan, Phase, run_dkg
from drand_edu.threshold.poly import recover_secret

N, T = 5, 3


@pytest.fixture(autouse=True)
def fast_backend():
    with use_backend("arkworks"):
        yield


def check_agreement(outcome) -> None:
    """Every honest node has the same public polynomial and QUAL, and the key is the secret's commit."""
    honest = outcome.honest
    assert honest, "there must be honest nodes"
    reference = outcome.results[honest[0]]
    for i in honest:
        assert outcome.results[i].public_equal(reference)
        assert outcome.public_poly.check(outcome.share(i))
    assert len(outcome.qual) >= outcome.threshold
    secret = recover_secret(outcome.shares(), outcome.threshold)
    assert G1.generator() * secret == outcome.group_key


def run(faults: FaultPlan, seed: int = 1, **kwargs):
    outcome = run_dkg(N, T, rng=seeded_rng(seed), faults=faults, **kwargs)
    check_agreement(outcome)
    return outcome


def test_silent_dealer_is_excluded() -> None:
    outcome = run(FaultPlan(silent={1}))
    assert outcome.qual == (0, 2, 3, 4)
    assert outcome.honest == (0, 2, 3, 4)
    # the deal phase waited for its timeout, the others (fast sync) moved on once all had arrived
    assert outcome.phases == (Phase.DEAL, Phase.RESPONSE, Phase.JUSTIFICATION, Phase.FINISH)
    # one phaser from kickoff: the deal phase waits for its signal at P = 10; the responses are all in at
    # 11; the justification phase then waits for the phaser's finish signal at 3P = 30, not 11 + P
    assert outcome.clock == 30
    assert [(str(p), start, end) for p, start, end in outcome.phase_times] == [
        ("deal", 0, 10), ("response", 10, 11), ("justification", 11, 30)
    ]  # fmt: skip
    withheld = [e for e in outcome.log if not e.delivered]
    assert [(e.kind, e.author, e.note) for e in withheld] == [("deal", 1, "silent dealer")]
    assert outcome.message_counts["deal"] == N - 1


def test_bad_share_is_justified_and_the_dealer_stays() -> None:
    outcome = run(FaultPlan(bad_shares={(2, 4)}))
    assert outcome.qual == tuple(range(N))
    assert Phase.JUSTIFICATION in outcome.phases
    assert outcome.message_counts["justification"] == 1
    assert outcome.public_poly.check(outcome.share(4))  # holder 4 got the right share in clear
    # kyber startFast finishes early only at justifs.Len() == oldN: one justification out of five
    # leaves every node waiting for the phaser's finish signal at 3P (not "justification start + P")
    assert outcome.clock == 3 * 10


def test_the_justification_phase_ends_early_only_when_every_old_node_justified() -> None:
    every_dealer = FaultPlan(bad_shares={(d, (d + 1) % N) for d in range(N)})  # one complaint each
    outcome = run_dkg(N, T, rng=seeded_rng(1), faults=every_dealer, check=False)  # nobody is "honest"
    results = list(outcome.results.values())
    assert len(results) == N and all(r.public_equal(results[0]) for r in results)
    assert len(results[0].qual) == N and outcome.message_counts["justification"] == N
    assert outcome.clock == 3  # deals at 1, responses at 2, the N-th justification at 3: fast sync
    all_but_one = run_dkg(
        N, T, rng=seeded_rng(1), faults=FaultPlan(bad_shares={(d, (d + 1) % N) for d in range(N - 1)})
    )
    assert all_but_one.ok and all_but_one.message_counts["justification"] == N - 1
    assert all_but_one.clock == 30  # N-1 justifications: wait for the phaser


def test_one_phaser_fires_at_fixed_offsets_from_kickoff() -> None:
    from drand_edu.threshold.dkg import TimePhaser

    phaser = TimePhaser(7)
    assert [phaser.fires_at(p) for p in (Phase.DEAL, Phase.RESPONSE, Phase.JUSTIFICATION, Phase.FINISH)] == [
        0, 7, 14, 21
    ]  # fmt: skip
    assert phaser.deadline(Phase.RESPONSE) == 14
    # a late response costs the response phase the wait until 2P, and the eviction a justification
    # phase that lasts until 3P, whatever time the earlier phases took
    outcome = run(FaultPlan(late={(1, Phase.RESPONSE)}), phase_timeout=7)
    assert [(str(p), start, end) for p, start, end in outcome.phase_times] == [
        ("deal", 0, 1), ("response", 1, 14), ("justification", 14, 21)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [{"missing_justifications": {2}}, {"bad_justifications": {2}}],
    ids=["missing", "invalid"],
)
def test_bad_share_without_a_valid_justification_disqualifies(extra) -> None:
    outcome = run(FaultPlan(bad_shares={(2, 4)}, **extra))
    assert 2 not in outcome.qual and outcome.qual == (0, 1, 3, 4)


def test_bad_shares_to_threshold_holders_disqualify_even_if_justified() -> None:
    # t complaints: the dealer's polynomial would be public after justification, kyber evicts it at once
    outcome = run(FaultPlan(bad_shares={(0, 1), (0, 2), (0, 3)}))
    assert 0 not in outcome.qual


def test_bad_commitments_disqualify() -> None:
    outcome = run(FaultPlan(bad_commitments={3}))
    assert 3 not in outcome.qual and len(outcome.qual) == N - 1


def test_late_deal_is_dropped_and_the_dealer_excluded() -> None:
    outcome = run(FaultPlan(late={(4, Phase.DEAL)}))
    assert 4 not in outcome.qual
    late = [e for e in outcome.log if e.note == "late"]
    assert len(late) == 1 and not late[0].delivered and late[0].arrival > 10
    assert outcome.clock > 10  # the deal phase ran to its timeout


def test_late_response_evicts_the_holder_in_fast_sync() -> None:
    outcome = run(FaultPlan(late={(1, Phase.RESPONSE)}))
    assert 1 not in outcome.qual
    # every dealer had to publish the share it dealt to the silent holder
    assert outcome.message_counts["justification"] == N - 1


@pytest.mark.parametrize("phase", [Phase.DEAL, Phase.RESPONSE])
def test_bundle_with_a_bad_signature_is_ignored(phase) -> None:
    outcome = run(FaultPlan(bad_signatures={(0, phase)}))
    assert 0 not in outcome.qual
    assert outcome.qual == (1, 2, 3, 4)


def test_justification_with_a_bad_signature_counts_as_missing() -> None:
    outcome = run(FaultPlan(bad_shares={(3, 0)}, bad_signatures={(3, Phase.JUSTIFICATION)}))
    assert 3 not in outcome.qual


def test_several_faults_at_once_within_tolerance() -> None:
    faults = FaultPlan(silent=[0], bad_commitments=[1], bad_shares=[(2, 5)], missing_justifications=[2])
    outcome = run_dkg(7, 4, rng=seeded_rng(8), faults=faults)
    check_agreement(outcome)
    assert outcome.qual == (3, 4, 5, 6)


def test_without_fast_sync_complaints_still_work() -> None:
    outcome = run(FaultPlan(bad_shares={(1, 0)}, missing_justifications={1}), fast_sync=False)
    assert outcome.qual == (0, 2, 3, 4)
    assert outcome.message_counts["response"] == 1  # only the complaint is sent


def test_beyond_tolerance_raises_a_clear_error() -> None:
    faults = FaultPlan(silent={0, 1, 2})  # only 2 dealers left, threshold 3
    with pytest.raises(DKGError, match=r"only 2/3 valid deals"):
        run_dkg(N, T, rng=seeded_rng(1), faults=faults)
    outcome = run_dkg(N, T, rng=seeded_rng(1), faults=faults, check=False)
    assert not outcome.ok and outcome.public_poly is None
    assert set(outcome.errors) >= {"node 3", "node 4"}
    with pytest.raises(DKGError):
        _ = outcome.group_key


def test_too_many_bad_commitments_raise() -> None:
    with pytest.raises(DKGError, match="valid deals"):
        run_dkg(N, T, rng=seeded_rng(2), faults=FaultPlan(bad_commitments={0, 1, 2}))


def test_fault_plan_normalises_and_classifies() -> None:
    plan = FaultPlan(
        silent=[1], bad_shares=[(2, 3)], late=[(4, 2)], bad_signatures=[(0, Phase.JUSTIFICATION)]
    )
    assert plan.silent == frozenset({1}) and plan.late == frozenset({(4, Phase.RESPONSE)})
    assert plan.faulty_dealers() == {0, 1, 2} and plan.faulty_holders() == {4}
    assert FaultPlan().is_empty() and not plan.is_empty()


def test_fault_plan_rejects_bad_input() -> None:
    for bad in ({"silent": [-1]}, {"silent": ["a"]}, {"late": [(1, 9)]}, {"late": [(1, Phase.FINISH)]}):
        with pytest.raises(InvalidInput):
            FaultPlan(**bad)
    with pytest.raises(InvalidInput, match="unknown dealers"):
        run_dkg(N, T, rng=seeded_rng(1), faults=FaultPlan(silent={N}))
    with pytest.raises(InvalidInput, match="holders"):
        run_dkg(N, T, rng=seeded_rng(1), faults=FaultPlan(bad_shares={(0, N)}))


def test_forged_copy_of_an_honest_deal_does_not_silence_its_dealer() -> None:
    # kyber verifies a packet's signature before its packet set drops conflicting copies: the forged
    # copy (signed by another key) is dropped, the genuine deal counts, the dealer stays in QUAL
    outcome = run(FaultPlan(forged_deals={2}))
    assert outcome.qual == tuple(range(N)) and 2 in outcome.honest
    forged = [e for e in outcome.log if e.note == "forged copy"]
    assert [(e.kind, e.author) for e in forged] == [("deal", 2)]


def test_forged_copy_plan_is_checked() -> None:
    with pytest.raises(InvalidInput):
        FaultPlan(forged_deals={-1})
    with pytest.raises(InvalidInput):
        run_dkg(3, 2, rng=seeded_rng(1), faults=FaultPlan(forged_deals={7}))


def test_indices_are_ranks_of_the_public_keys() -> None:
    # drand util.SortedByPublicKey: DKG index k is the k-th public key in byte order
    outcome = run_dkg(N, T, rng=seeded_rng(3))
    publics = [n.public.to_bytes() for n in outcome.nodes]
    assert publics == sorted(publics)
    assert [n.index for n in outcome.nodes] == list(range(N))
    assert [outcome.keys[i].public.to_bytes() for i in range(N)] == publics


class TestJointFeldmanBias:
    """A dealer who drew a complaint picks the group key: justify (in QUAL) or not (out)."""

    PLAN: ClassVar[dict] = {"bad_shares": {(0, 3)}}

    def run_choosing(self, chooser, seed: int = 7):
        seen = []

        def justify(choice):
            seen.append(choice)
            return chooser(choice)

        outcome = run(FaultPlan(**self.PLAN, justify=justify), seed=seed)
        assert len(seen) == 1 and seen[0].dealer == 0 and seen[0].complaints == (3,)
        return outcome, seen[0]

    def test_both_keys_are_reachable_and_honest_nodes_agree(self) -> None:
        justified, choice = self.run_choosing(lambda c: True)
        silent, choice2 = self.run_choosing(lambda c: False)
        assert 0 in justified.qual and 0 not in silent.qual
        assert justified.group_key != silent.group_key
        # the dealer knew both keys before choosing, from the commitments alone
        assert choice.keys() == (justified.group_key, silent.group_key)
        assert choice2.keys() == choice.keys()

    def test_steer_to_the_key_whose_bytes_sort_first(self) -> None:
        def smaller(choice) -> bool:
            with_me, without_me = choice.keys()
            return with_me.to_bytes() < without_me.to_bytes()

        outcome, choice = self.run_choosing(smaller)
        assert outcome.group_key.to_bytes() == min(k.to_bytes() for k in choice.keys())

    def test_honest_dealers_are_not_asked(self) -> None:
        calls = []
        run(FaultPlan(justify=lambda c: calls.append(c) or True), seed=7)
        assert calls == []

    def test_justify_must_be_callable(self) -> None:
        with pytest.raises(InvalidInput):
            FaultPlan(justify=3)
