"""drand v2's DKG state machine (internal/dkg/state_machine.go): legal and illegal transitions, rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from drand_edu.crypto import G1, use_backend
from drand_edu.errors import DKGError
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import DistKeyShare, run_dkg
from drand_edu.threshold.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    Accept,
    Complete,
    DKGState,
    Fail,
    GroupInfo,
    Join,
    Leave,
    ProposalTerms,
    Propose,
    ReceiveAbort,
    ReceiveAcceptance,
    ReceiveExecute,
    ReceiveProposal,
    ReceiveRejection,
    Reject,
    StartAbort,
    StartExecution,
    Status,
    TimeOut,
    is_valid_transition,
)
from drand_edu.threshold.poly import PriPoly

ME, LEADER, OTHER = "me:443", "leader:443", "other:443"
SEED = b"genesis seed"
GROUP = GroupInfo((ME, LEADER, OTHER), 2, 1000, SEED)

#: drand's isValidStateChange, read from internal/dkg/state_machine.go (drand v2)
DRAND_TABLE = {
    "Fresh": {"Proposing", "Proposed"},
    "Joined": {"Left", "Executing", "Aborted", "TimedOut"},
    "Proposing": {"Executing", "Aborted", "TimedOut"},
    "Proposed": {"Accepted", "Rejected", "Joined", "Left", "Aborted", "TimedOut"},
    "Accepted": {"Executing", "Aborted", "TimedOut"},
    "Rejected": {"Aborted", "TimedOut"},
    "Executing": {"Complete", "TimedOut", "Failed"},
    "Complete": {"Proposing", "Proposed"},
    "Left": {"Joined", "Aborted", "Proposed"},
    "Aborted": {"Proposing", "Proposed"},
    "TimedOut": {"Proposing", "Proposed", "Aborted"},
    "Failed": {"Proposing", "Proposed", "Left", "Aborted"},
}
LEGAL = [(a, b) for a in Status for b in Status if is_valid_transition(a, b)]
ILLEGAL = [(a, b) for a in Status for b in Status if b != Status.FRESH and not is_valid_transition(a, b)]


@pytest.fixture(scope="module")
def key_share() -> DistKeyShare:
    with use_backend("arkworks"):
        poly = PriPoly.random(2, rng=seeded_rng(1))
        return DistKeyShare(poly.commit(G1), poly.eval(0))


def state_in(status: Status, target: Status) -> DKGState:
    """A state in ``status`` whose fields suit an event leading to ``target``."""
    joining: tuple[str, ...] = ()
    remaining = (ME, LEADER, OTHER)
    leaving: tuple[str, ...] = ()
    epoch = 0 if status == Status.FRESH else 2
    if target == Status.JOINED:
        joining, remaining, epoch = (ME,), (LEADER, OTHER), 1
    elif target == Status.LEFT:
        leaving, remaining = (ME,), (LEADER, OTHER)
    return replace(
        DKGState.fresh("default", ME),
        status=status,
        epoch=epoch,
        threshold=2,
        timeout=100.0,
        leader=LEADER,
        remaining=remaining if status != Status.FRESH else (),
        joining=joining,
        leaving=leaving,
        genesis_time=1000 if status != Status.FRESH else 0,
        genesis_seed=SEED if status != Status.FRESH else b"",
        final_group=GROUP if status != Status.FRESH else None,
    )


def terms_for(state: DKGState, leader: str) -> ProposalTerms:
    if state.status == Status.FRESH:  # genesis: everyone joins, the leader too
        others = sorted({ME, LEADER, OTHER} - {leader})
        return ProposalTerms("default", 1, leader, 2, 100.0, joining=(leader, *others))
    return ProposalTerms(
        "default",
        state.epoch + 1,
        leader,
        2,
        100.0,
        remaining=(ME, LEADER, OTHER),
        genesis_time=1000,
        genesis_seed=SEED,
    )


def event_for(state: DKGState, target: Status, key_share: DistKeyShare):
    return {
        Status.PROPOSING: lambda: Propose(terms_for(state, ME)),
        Status.PROPOSED: lambda: ReceiveProposal(terms_for(state, LEADER), LEADER),
        Status.ACCEPTED: Accept,
        Status.REJECTED: Reject,
        Status.JOINED: Join,
        Status.LEFT: Leave,
        Status.EXECUTING: lambda: ReceiveExecute(LEADER),
        Status.COMPLETE: lambda: Complete(GROUP, key_share),
        Status.TIMED_OUT: TimeOut,
        Status.ABORTED: StartAbort,
        Status.FAILED: Fail,
    }[target]()


def test_statuses_and_table_are_drands() -> None:
    assert [s.value for s in Status] == list(range(12))
    assert [str(s) for s in Status] == [
        "Fresh", "Proposed", "Proposing", "Accepted", "Rejected", "Aborted",
        "Executing", "Complete", "TimedOut", "Joined", "Left", "Failed",
    ]  # fmt: skip
    assert {str(a): {str(b) for b in bs} for a, bs in TRANSITIONS.items()} == DRAND_TABLE
    assert {str(s) for s in TERMINAL} == {"Aborted", "TimedOut", "Failed"}
    assert len(LEGAL) == 37


@pytest.mark.parametrize(("start", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_every_legal_transition(start: Status, target: Status, key_share: DistKeyShare) -> None:
    state = state_in(start, target)
    after = state.apply(event_for(state, target, key_share), now=1.0)
    assert after.status == target
    assert state.status == start  # values are immutable: the old state is untouched


@pytest.mark.parametrize(("start", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transitions_raise(start: Status, target: Status, key_share: DistKeyShare) -> None:
    state = state_in(start, target)
    with pytest.raises(DKGError, match=f"invalid transition attempt from {start} to {target}"):
        state.apply(event_for(state, target, key_share), now=1.0)


def test_a_whole_first_epoch_then_a_reshare() -> None:
    with use_backend("arkworks"):
        outcome = run_dkg(3, 2, rng=seeded_rng(3))
    terms = ProposalTerms("default", 1, LEADER, 2, 100.0, joining=(LEADER, ME, OTHER), genesis_time=1000)
    leader = DKGState.fresh("default", LEADER).apply(Propose(terms))
    me = DKGState.fresh("default", ME).apply(ReceiveProposal(terms, LEADER))
    assert (leader.status, me.status) == (Status.PROPOSING, Status.PROPOSED)
    me = me.apply(Join())
    leader = leader.apply(StartExecution())
    me = me.apply(ReceiveExecute(LEADER))
    assert (leader.status, me.status) == (Status.EXECUTING, Status.EXECUTING)
    group = GroupInfo((LEADER, ME, OTHER), 2, 1000, SEED)
    me = me.apply(Complete(group, outcome.results[1].key), now=5.0)
    assert me.status == Status.COMPLETE and me.genesis_seed == SEED and me.key_share is outcome.results[1].key

    # epoch 2: OTHER leaves, NEW joins; I stay and accept
    terms2 = ProposalTerms(
        "default",
        2,
        LEADER,
        2,
        200.0,
        remaining=(LEADER, ME),
        leaving=(OTHER,),
        joining=("new:443",),
        genesis_time=1000,
        genesis_seed=SEED,
    )
    me2 = me.apply(ReceiveProposal(terms2, LEADER), now=10.0)
    me2 = me2.apply(ReceiveAcceptance(LEADER, LEADER)).apply(Accept())
    assert me2.status == Status.ACCEPTED and set(me2.acceptors) == {LEADER, ME}
    assert me2.apply(ReceiveExecute(LEADER), now=20.0).status == Status.EXECUTING
    # the leaver moves to Left when told to execute
    other = replace(me, me=OTHER).apply(ReceiveProposal(terms2, LEADER), now=10.0)
    assert other.apply(ReceiveExecute(LEADER), now=20.0).status == Status.LEFT


def test_rules_beyond_the_table(key_share: DistKeyShare) -> None:
    executing = state_in(Status.ACCEPTED, Status.EXECUTING)
    with pytest.raises(DKGError, match="only the leader can trigger"):
        executing.apply(ReceiveExecute(OTHER))
    with pytest.raises(DKGError, match="only the leader can trigger"):
        executing.apply(StartExecution())  # I am not the leader
    with pytest.raises(DKGError, match="only the leader can remotely abort"):
        executing.apply(ReceiveAbort(OTHER))
    assert executing.apply(ReceiveAbort(LEADER)).status == Status.ABORTED
    with pytest.raises(DKGError, match="timeout has been reached"):
        state_in(Status.PROPOSED, Status.ACCEPTED).apply(Accept(), now=100.0)
    leaver = state_in(Status.PROPOSED, Status.LEFT)
    with pytest.raises(DKGError, match="leaving"):
        leaver.apply(Accept())
    with pytest.raises(DKGError, match="leaving"):
        leaver.apply(Reject())
    joiner = state_in(Status.PROPOSED, Status.JOINED)
    with pytest.raises(DKGError, match="join command"):
        joiner.apply(Accept())
    with pytest.raises(DKGError, match="you cannot join a proposal"):
        state_in(Status.PROPOSED, Status.ACCEPTED).apply(Join())
    with pytest.raises(DKGError, match="requires a previous group file"):
        replace(joiner, epoch=3).apply(Join())
    with pytest.raises(DKGError, match="genesis seed cannot change"):
        replace(joiner, epoch=3).apply(Join(replace(GROUP, genesis_seed=b"other")))
    assert replace(joiner, epoch=3).apply(Join(GROUP)).final_group == GROUP
    with pytest.raises(DKGError, match="nil key share"):
        state_in(Status.EXECUTING, Status.COMPLETE).apply(Complete(GROUP, None))
    with pytest.raises(DKGError, match="nil final group"):
        state_in(Status.EXECUTING, Status.COMPLETE).apply(Complete(None, key_share))


def test_proposal_validation() -> None:
    fresh = DKGState.fresh("default", ME)
    good = ProposalTerms("default", 1, ME, 2, 100.0, joining=(ME, LEADER, OTHER))
    assert fresh.apply(Propose(good)).status == Status.PROPOSING
    cases = {
        "not the leader": replace(good, leader=LEADER),
        "BeaconID": replace(good, beacon_id="other"),
        "scheme": replace(good, scheme_id="nope"),
        "higher than the count": replace(good, threshold=4),
        "below the minimum": replace(good, threshold=1),
        "genesis seed is created": replace(good, genesis_seed=b"x"),
        "only be joiners": replace(good, remaining=("x:443",), threshold=3),
        "timeout has been reached": replace(good, timeout=-1.0),
    }
    for message, terms in cases.items():
        with pytest.raises(DKGError, match=message):
            fresh.apply(Propose(terms))
    with pytest.raises(DKGError, match="the leader must join"):
        fresh.apply(ReceiveProposal(replace(good, leader=LEADER, joining=(ME, OTHER, "x")), LEADER))
    with pytest.raises(DKGError, match="not the leader"):
        fresh.apply(ReceiveProposal(replace(good, leader=LEADER), OTHER))  # sender is not the leader
    with pytest.raises(DKGError, match="include yourself"):
        fresh.apply(ReceiveProposal(replace(good, leader=LEADER, joining=(LEADER, OTHER)), LEADER))
    with pytest.raises(DKGError, match="epoch"):
        fresh.apply(Propose(replace(good, epoch=2, joining=(), remaining=(ME, LEADER))))

    complete = state_in(Status.COMPLETE, Status.PROPOSING)
    reshare = ProposalTerms(
        "default", 3, ME, 2, 100.0, remaining=(ME, LEADER, OTHER), genesis_time=1000, genesis_seed=SEED
    )
    assert complete.apply(Propose(reshare)).status == Status.PROPOSING
    reshare_cases = {
        "epoch": replace(reshare, epoch=2),
        "genesis time cannot be changed": replace(reshare, genesis_time=999),
        "genesis seed cannot change": replace(reshare, genesis_seed=b"x"),
        "missing from the proposal": replace(reshare, remaining=(ME, LEADER)),
        "does not exist in the current epoch": replace(
            reshare, remaining=(ME, LEADER, OTHER, "x"), threshold=3
        ),
        "lead a DKG and leave": replace(reshare, remaining=(LEADER, OTHER), leaving=(ME,)),
        "without nodes remaining": replace(reshare, remaining=(), joining=(ME, LEADER)),
    }
    for message, terms in reshare_cases.items():
        with pytest.raises(DKGError, match=message):
            complete.apply(Propose(terms))
    # a timed-out epoch may be retried with the same epoch number, a complete one may not
    timed_out = replace(complete, status=Status.TIMED_OUT, epoch=3)
    assert timed_out.apply(Propose(reshare)).epoch == 3
    with pytest.raises(DKGError, match="epoch"):
        replace(complete, epoch=3).apply(Propose(reshare))


def test_gossiped_acceptances_and_rejections() -> None:
    proposed = state_in(Status.PROPOSED, Status.ACCEPTED)
    after = proposed.apply(ReceiveAcceptance(OTHER, OTHER))
    assert after.status == Status.PROPOSED and after.acceptors == (OTHER,)
    after = after.apply(ReceiveRejection(OTHER, OTHER))
    assert after.acceptors == () and after.rejectors == (OTHER,)
    with pytest.raises(DKGError, match="already rejected"):
        after.apply(ReceiveRejection(OTHER, OTHER))
    with pytest.raises(DKGError, match="already accepted"):
        proposed.apply(ReceiveAcceptance(OTHER, OTHER)).apply(ReceiveAcceptance(OTHER, OTHER))
    with pytest.raises(DKGError, match="unknown"):
        proposed.apply(ReceiveAcceptance("stranger", "stranger"))
    with pytest.raises(DKGError, match="not the one claiming"):
        proposed.apply(ReceiveAcceptance(OTHER, LEADER))
    with pytest.raises(DKGError, match="not during proposal phase"):
        state_in(Status.EXECUTING, Status.COMPLETE).apply(ReceiveAcceptance(OTHER, OTHER))
    with pytest.raises(DKGError, match="invalid DKG event"):
        proposed.apply("accept")  # type: ignore[arg-type]
    assert not proposed.is_terminal() and proposed.apply(TimeOut()).is_terminal()


def test_terminal_states_exits_are_drands() -> None:
    # drand isValidStateChange: Aborted only to a new proposal; TimedOut also to Aborted;
    # Failed also to Left and Aborted
    from drand_edu.threshold import lifecycle

    s = lifecycle.Status
    assert lifecycle.TERMINAL == {s.ABORTED, s.TIMED_OUT, s.FAILED}
    assert lifecycle.TRANSITIONS[s.ABORTED] == {s.PROPOSING, s.PROPOSED}
    assert lifecycle.TRANSITIONS[s.TIMED_OUT] == {s.PROPOSING, s.PROPOSED, s.ABORTED}
    assert lifecycle.TRANSITIONS[s.FAILED] == {s.PROPOSING, s.PROPOSED, s.LEFT, s.ABORTED}


def test_minimum_t_is_enforced_on_every_proposal_made_or_received() -> None:
    # drand validateForAllDKGs: threshold < MinimumT(remaining + joining) -> ErrThresholdTooLow
    import pytest

    from drand_edu.errors import DKGError
    from drand_edu.threshold.lifecycle import DKGState, ProposalTerms, Propose, ReceiveProposal

    low = ProposalTerms("default", 1, "a", 2, 100.0, joining=("a", "b", "c", "d"))
    for state, event in (
        (DKGState.fresh("default", "a"), Propose(low)),
        (DKGState.fresh("default", "b"), ReceiveProposal(low, "a")),
    ):
        with pytest.raises(DKGError, match="below the minimum required to allow effective secret recovery"):
            state.apply(event)
    ok = ProposalTerms("default", 1, "a", 3, 100.0, joining=("a", "b", "c", "d"))
    assert DKGState.fresh("default", "b").apply(ReceiveProposal(ok, "a")).threshold == 3


def test_a_proposal_after_a_failed_attempt_is_applied_to_the_last_finished_state() -> None:
    # drand's applyPacketToState and Command: after Aborted, TimedOut or Failed the proposal is applied to
    # the last completed DKG (or a fresh state), so the failed attempt's epoch and threshold do not count
    with use_backend("arkworks"):
        outcome = run_dkg(3, 2, rng=seeded_rng(3))
    terms = ProposalTerms("default", 1, LEADER, 2, 100.0, joining=(LEADER, ME, OTHER), genesis_time=1000)
    me = DKGState.fresh("default", ME).apply(ReceiveProposal(terms, LEADER)).apply(Join())
    me = me.apply(ReceiveExecute(LEADER)).apply(Complete(GroupInfo((LEADER, ME, OTHER), 2, 1000, SEED),
                                                         outcome.results[1].key))  # fmt: skip
    assert (me.status, me.epoch, me.finished_epoch) == (Status.COMPLETE, 1, 1)

    def reshare(epoch: int, threshold: int, joining: tuple[str, ...]) -> ProposalTerms:
        return ProposalTerms("default", epoch, LEADER, threshold, 200.0, remaining=(LEADER, ME, OTHER),
                             joining=joining, genesis_time=1000, genesis_seed=SEED)  # fmt: skip

    # epoch 2 proposed with t = 4 of 5, then aborted by the leader, or failed in its execution
    tried = me.apply(ReceiveProposal(reshare(2, 4, ("a:443", "b:443")), LEADER), now=1.0)
    aborted = tried.apply(ReceiveAbort(LEADER), now=2.0)
    failed = tried.apply(Accept(), now=2.0).apply(ReceiveExecute(LEADER), now=3.0).apply(Fail(), now=4.0)
    for ended in (aborted, failed):
        assert ended.status in TERMINAL and (ended.epoch, ended.threshold) == (2, 4)
        # epoch 3 is two steps after the last finished epoch 1: refused, as drand refuses it
        with pytest.raises(DKGError, match="the epoch provided was invalid"):
            ended.apply(ReceiveProposal(reshare(3, 2, ()), LEADER), now=5.0)
        # epoch 2 again, keeping 3 of the group of t = 2: the finished group's threshold counts, not 4
        again = ended.apply(ReceiveProposal(reshare(2, 2, ()), LEADER), now=5.0)
        assert (again.status, again.epoch, again.threshold) == (Status.PROPOSED, 2, 2)
        assert again.finished_epoch == 1
    # a first DKG that failed: the next proposal starts from a fresh state
    first = DKGState.fresh("default", ME).apply(ReceiveProposal(terms, LEADER)).apply(ReceiveAbort(LEADER))
    assert first.apply(ReceiveProposal(terms, LEADER)).status == Status.PROPOSED
