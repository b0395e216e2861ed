"""The life of a DKG in drand v2: propose, accept or reject, execute, complete (or not).

The cryptographic protocol (:mod:`drand_edu.threshold.dkg`) is the middle of a longer story.
Before it, a *leader* proposes terms (who joins, who stays, who leaves, the threshold, a
timeout); the others accept, reject, join or leave; the leader then tells everyone to execute.
After it, each node is complete, or failed. drand v2 keeps this as a small state machine,
``internal/dkg/state_machine.go``; this module mirrors it:

* :class:`Status` — drand's twelve statuses, with their numbers (``Fresh`` = 0 … ``Failed`` = 11);
* :data:`TRANSITIONS` — exactly drand's ``isValidStateChange`` table;
* :class:`DKGState` — drand's ``DBState`` as an immutable value, and :meth:`DKGState.apply`, which
  takes one event (:class:`Propose`, :class:`ReceiveProposal`, :class:`Accept`, …), checks the
  transition and drand's extra rules (only the leader may execute or abort, a leaver cannot
  accept, epochs only go up, every proposal's threshold is at least ``⌊n/2⌋+1`` …) and returns
  the next state, or raises :class:`~drand_edu.errors.DKGError` with drand's error message.

``Aborted``, ``TimedOut`` and ``Failed`` end an epoch (drand's
[`terminalStates`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L64-L68)),
and a new proposal may retry the same epoch from them. Their exits are not all alike
([`isValidStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L670-L701)):
from ``Aborted`` a node can only go to a new proposal (``Proposing``/``Proposed``), as from
``Complete``; from ``TimedOut`` also to ``Aborted`` (the leader's abort may come after our own
timeout); from ``Failed`` also to ``Left`` or ``Aborted`` (an operator whose node did not finish
leaves, or the leader gives up).

drand's code, and ours beside it:

* [`ValidateProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L708-L730)
  and [`validateForAllDKGs`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L732-L766):
  :func:`validate_proposal`, run on every proposal a node makes (``Proposing``) or receives
  (``Proposed``). The threshold must be at least kyber's
  [`MinimumT`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L1093-L1095)
  ``⌊n/2⌋ + 1`` of the remaining + joining nodes, else drand's ``ErrThresholdTooLow``: "the
  threshold is below the minimum required to allow effective secret recovery given the node count".
  (kyber itself only uses ``MinimumT`` as the default of a zero threshold; our simulated
  :func:`~drand_edu.threshold.dkg.run_dkg`, which skips the proposal, applies the same floor to its
  threshold argument and lets an experiment go lower only with ``allow_insecure_threshold=True``.)
* [`validateJoinerSignatures`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L768-L779):
  :func:`validate_joiner_signatures`.

Participants are named by address; their keys and self-signatures (drand's ``Participant``:
address, key, signature) travel beside, in :attr:`ProposalTerms.identities`. When a proposal
carries them, every joiner's self-signature is checked (drand's ``validateJoinerSignatures``), and
a joiner without a valid one is refused with drand's ``ErrInvalidKeyScheme``; a proposal with no
identities at all (the address-only model the tests of this module use) skips that check.

Simplifications: time is a number passed to
:meth:`DKGState.apply` (drand reads the wall clock); the last completed group, share and epoch stay
in the state (drand keeps them in a separate "finished" record of its store), and
:func:`last_finished` rebuilds that record when a proposal follows a terminal state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

from ..crypto import identity
from ..crypto.schemes import DEFAULT_SCHEME, scheme_by_id
from ..errors import DKGError, InvalidPoint, InvalidSignature, UnknownScheme
from .dkg.messages import DistKeyShare
from .poly import minimum_threshold


class Status(IntEnum):
    """drand's ``dkg.Status`` (``internal/dkg/state_machine.go``), same order and numbers."""

    FRESH = 0
    PROPOSED = 1
    PROPOSING = 2
    ACCEPTED = 3
    REJECTED = 4
    ABORTED = 5
    EXECUTING = 6
    COMPLETE = 7
    TIMED_OUT = 8
    JOINED = 9
    LEFT = 10
    FAILED = 11

    def __str__(self) -> str:
        return "TimedOut" if self is Status.TIMED_OUT else self.name.capitalize()


S = Status
#: drand's ``isValidStateChange``: from each status, the statuses a node may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.FRESH: frozenset({S.PROPOSING, S.PROPOSED}),
    S.JOINED: frozenset({S.LEFT, S.EXECUTING, S.ABORTED, S.TIMED_OUT}),
    S.PROPOSING: frozenset({S.EXECUTING, S.ABORTED, S.TIMED_OUT}),
    S.PROPOSED: frozenset({S.ACCEPTED, S.REJECTED, S.JOINED, S.LEFT, S.ABORTED, S.TIMED_OUT}),
    S.ACCEPTED: frozenset({S.EXECUTING, S.ABORTED, S.TIMED_OUT}),
    S.REJECTED: frozenset({S.ABORTED, S.TIMED_OUT}),
    S.EXECUTING: frozenset({S.COMPLETE, S.TIMED_OUT, S.FAILED}),
    S.COMPLETE: frozenset({S.PROPOSING, S.PROPOSED}),
    S.LEFT: frozenset({S.JOINED, S.ABORTED, S.PROPOSED}),
    S.ABORTED: frozenset({S.PROPOSING, S.PROPOSED}),
    S.TIMED_OUT: frozenset({S.PROPOSING, S.PROPOSED, S.ABORTED}),
    S.FAILED: frozenset({S.PROPOSING, S.PROPOSED, S.LEFT, S.ABORTED}),
}
#: drand's ``terminalStates``: an epoch that reached one of these is over without a new key.
TERMINAL: frozenset[Status] = frozenset({S.ABORTED, S.TIMED_OUT, S.FAILED})
#: drand's ``isProposalPhase``: where gossiped acceptances and rejections are recorded.
PROPOSAL_PHASE: frozenset[Status] = frozenset({S.PROPOSING, S.PROPOSED, S.ACCEPTED, S.REJECTED, S.JOINED})


def is_valid_transition(current: Status, next_status: Status) -> bool:
    """drand's ``isValidStateChange(current, next)``."""
    return Status(next_status) in TRANSITIONS[Status(current)]


def _illegal(current: Status, next_status: Status) -> DKGError:
    """drand's ``InvalidStateChange``."""
    return DKGError(f"invalid transition attempt from {current} to {next_status}")


@dataclass(frozen=True)
class GroupInfo:
    """What the lifecycle needs of a finished group file: its members, threshold and genesis."""

    nodes: tuple[str, ...]
    threshold: int
    genesis_time: int
    genesis_seed: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))


#: drand's ``key.ErrInvalidKeyScheme``, what a joiner with a bad key or self-signature gets.
ERR_INVALID_KEY_SCHEME = "the key's scheme may not match the beacon's scheme"


@dataclass(frozen=True)
class Participant:
    """drand's ``Participant`` protobuf: an address, a long-term public key, its self-signature."""

    address: str
    key: bytes
    signature: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", bytes(self.key))
        object.__setattr__(self, "signature", bytes(self.signature))

    def __repr__(self) -> str:
        return f"Participant({self.address!r}, key={self.key.hex()[:12]}…, signed={bool(self.signature)})"


@dataclass(frozen=True)
class ProposalTerms:
    """A leader's proposal (drand's ``ProposalTerms`` protobuf), participants by address."""

    beacon_id: str
    epoch: int
    leader: str
    threshold: int
    timeout: float
    joining: tuple[str, ...] = ()
    remaining: tuple[str, ...] = ()
    leaving: tuple[str, ...] = ()
    scheme_id: str = DEFAULT_SCHEME.id
    genesis_time: int = 0
    genesis_seed: bytes = b""
    beacon_period: int = 30
    #: whole seconds (drand's ``CatchupPeriodSeconds``, a uint32); drand's default is 0
    catchup_period: int = 0
    #: unix time from which a resharing's new group signs (drand's ``TransitionTime``)
    transition_time: int = 0
    #: the participants' keys and self-signatures (drand's ``Participant``s), any order
    identities: tuple[Participant, ...] = ()

    def __post_init__(self) -> None:
        for name in ("joining", "remaining", "leaving"):
            object.__setattr__(self, name, tuple(p for p in getattr(self, name) if p))  # util.NonEmpty
        object.__setattr__(self, "identities", tuple(self.identities))

    def identity(self, address: str) -> Participant | None:
        """The participant at ``address`` (its key and signature), if the terms carry it."""
        for participant in self.identities:
            if participant.address == address:
                return participant
        return None


# -- events: what can happen to a node -------------------------------------------------------------
@dataclass(frozen=True)
class Propose:
    """I am the leader and send these terms to the others (drand ``Proposing``)."""

    terms: ProposalTerms


@dataclass(frozen=True)
class ReceiveProposal:
    """A proposal arrives from ``sender`` (drand ``Proposed``)."""

    terms: ProposalTerms
    sender: str


@dataclass(frozen=True)
class Accept:
    """I accept the proposal (drand ``Accepted``; remainers only)."""


@dataclass(frozen=True)
class Reject:
    """I reject the proposal (drand ``Rejected``; remainers only)."""


@dataclass(frozen=True)
class Join:
    """I, a joiner, take part; after the first epoch I must bring the previous group (drand ``Joined``)."""

    previous_group: GroupInfo | None = None


@dataclass(frozen=True)
class Leave:
    """I, a leaver (or a joiner who changed their mind), leave (drand ``Left``)."""


@dataclass(frozen=True)
class StartExecution:
    """I am the leader and start the execution (drand ``StartExecuting``)."""


@dataclass(frozen=True)
class ReceiveExecute:
    """The leader's order to execute arrives from ``sender`` (drand ``Executing``)."""

    sender: str


@dataclass(frozen=True)
class Complete:
    """The cryptographic DKG finished for me (drand ``Complete``)."""

    final_group: GroupInfo | None
    key_share: DistKeyShare | None


@dataclass(frozen=True)
class TimeOut:
    """The proposal's timeout passed (drand ``TimedOut``)."""


@dataclass(frozen=True)
class StartAbort:
    """I (the leader) abort (drand ``StartAbort``)."""


@dataclass(frozen=True)
class ReceiveAbort:
    """An abort arrives from ``sender``; only the leader may send one (drand ``Aborted``)."""

    sender: str


@dataclass(frozen=True)
class Fail:
    """The execution did not complete for me (drand ``Failed``)."""


@dataclass(frozen=True)
class ReceiveAcceptance:
    """Gossip: ``participant`` accepted (drand ``ReceivedAcceptance``); the status does not change."""

    participant: str
    sender: str


@dataclass(frozen=True)
class ReceiveRejection:
    """Gossip: ``participant`` rejected (drand ``ReceivedRejection``); the status does not change."""

    participant: str
    sender: str


Event = (
    Propose
    | ReceiveProposal
    | Accept
    | Reject
    | Join
    | Leave
    | StartExecution
    | ReceiveExecute
    | Complete
    | TimeOut
    | StartAbort
    | ReceiveAbort
    | Fail
    | ReceiveAcceptance
    | ReceiveRejection
)


@dataclass(frozen=True)
class DKGState:
    """One node's view of the current DKG (drand's ``DBState``), plus who ``me`` is."""

    beacon_id: str
    me: str
    status: Status = Status.FRESH
    epoch: int = 0
    threshold: int = 0
    timeout: float = 0.0
    scheme_id: str = ""
    genesis_time: int = 0
    genesis_seed: bytes = b""
    beacon_period: int = 0
    catchup_period: int = 0
    leader: str | None = None
    remaining: tuple[str, ...] = ()
    joining: tuple[str, ...] = ()
    leaving: tuple[str, ...] = ()
    acceptors: tuple[str, ...] = ()
    rejectors: tuple[str, ...] = ()
    final_group: GroupInfo | None = None
    key_share: DistKeyShare | None = None
    #: the epoch of the last completed DKG (the one ``final_group`` and ``key_share`` come from)
    finished_epoch: int | None = None

    @classmethod
    def fresh(cls, beacon_id: str, me: str) -> DKGState:
        """drand ``NewFreshState``: a node that has never taken part in a DKG of this beacon."""
        return cls(beacon_id=beacon_id, me=me)

    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def timed_out(self, now: float) -> bool:
        """drand ``hasTimedOut``: the timeout is now or in the past."""
        return self.timeout <= now

    def __repr__(self) -> str:
        return (
            f"DKGState({self.me!r}, {self.status}, epoch={self.epoch}, leader={self.leader!r}, "
            f"t={self.threshold}, joining={list(self.joining)}, remaining={list(self.remaining)}, "
            f"leaving={list(self.leaving)})"
        )

    # -- the one entry point -------------------------------------------------------------------
    def apply(self, event: Event, now: float = 0.0) -> DKGState:
        """The state after ``event`` happened at time ``now``; :class:`DKGError` if drand refuses it."""
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise DKGError(f"invalid DKG event {event!r}")
        return handler(self, event, now)

    def _to(self, status: Status, **changes: object) -> DKGState:
        if not is_valid_transition(self.status, status):
            raise _illegal(self.status, status)
        return replace(self, status=status, **changes)

    def _check_time(self, now: float) -> None:
        if self.timed_out(now):
            raise DKGError("timeout has been reached")

    def _from_terms(self, status: Status, terms: ProposalTerms, genesis_seed: bytes) -> DKGState:
        return replace(
            self,
            status=status,
            epoch=terms.epoch,
            threshold=terms.threshold,
            timeout=terms.timeout,
            scheme_id=terms.scheme_id,
            genesis_time=terms.genesis_time,
            genesis_seed=genesis_seed,
            beacon_period=terms.beacon_period,
            catchup_period=terms.catchup_period,
            leader=terms.leader,
            remaining=terms.remaining,
            joining=terms.joining,
            leaving=terms.leaving,
            acceptors=(),
            rejectors=(),
        )


# -- proposal validation (drand ``ValidateProposal`` and friends) ----------------------------------
def validate_proposal(state: DKGState, terms: ProposalTerms, now: float = 0.0) -> None:
    """Raise :class:`DKGError` unless ``terms`` are acceptable from ``state`` (drand ``ValidateProposal``)."""
    if terms is None:
        raise DKGError("proposal terms cannot be empty")
    if state.beacon_id != terms.beacon_id:
        raise DKGError("BeaconID was invalid")
    try:
        scheme = scheme_by_id(terms.scheme_id)
    except UnknownScheme:
        raise DKGError("the scheme proposed does not exist") from None
    if terms.identities:
        validate_joiner_signatures(terms, scheme)
    if terms.timeout < now:
        raise DKGError("timeout has been reached")
    node_count = len(terms.joining) + len(terms.remaining)
    if terms.threshold > node_count:
        raise DKGError("the threshold cannot be higher than the count of remaining + joining nodes")
    if node_count == 0 or terms.threshold < minimum_threshold(node_count):
        raise DKGError(
            "the threshold is below the minimum required to allow effective secret recovery "
            "given the node count"
        )
    _validate_epoch(state, terms)
    if terms.epoch == 1:
        _validate_first_epoch(terms)
        return
    _validate_reshare_terms(state, terms)
    if state.status != Status.FRESH:
        _validate_reshare_for_remainers(state, terms)


def validate_joiner_signatures(terms: ProposalTerms, scheme) -> None:
    """drand's ``validateJoinerSignatures``: every joiner's key must decode on the scheme's key
    group and carry its valid self-signature (:func:`drand_edu.crypto.identity.check_signature`);
    otherwise :class:`DKGError` with drand's ``ErrInvalidKeyScheme``. Remainers and leavers are not
    checked here: they were checked when they joined."""
    for address in terms.joining:
        participant = terms.identity(address)
        if participant is None:
            raise DKGError(f"{ERR_INVALID_KEY_SCHEME}, participant error: no key for {address}")
        try:
            identity.check_signature(scheme, participant.key, participant.signature)
        except (InvalidSignature, InvalidPoint):
            raise DKGError(ERR_INVALID_KEY_SCHEME) from None


def _validate_epoch(state: DKGState, terms: ProposalTerms) -> None:
    if terms.epoch < state.epoch:
        raise DKGError("the epoch provided was invalid")
    # aborted, timed out or failed DKGs can be reattempted at the same epoch
    if terms.epoch == state.epoch and state.status not in TERMINAL:
        raise DKGError("the epoch provided was invalid")
    # leftover state after having left the network: higher epochs are fine
    if terms.epoch > state.epoch + 1 and state.status not in (Status.LEFT, Status.FRESH):
        raise DKGError("the epoch provided was invalid")


def _validate_first_epoch(terms: ProposalTerms) -> None:
    if terms.genesis_seed:
        raise DKGError(
            "the genesis seed is created during the first epoch, so you can't provide it in the proposal"
        )
    if terms.remaining or terms.leaving:
        raise DKGError("participants can only be joiners for the first epoch")
    if terms.leader not in terms.joining:
        raise DKGError("the leader must join in the first epoch")
    if len(terms.joining) < terms.threshold:
        raise DKGError("the threshold cannot be higher than the count of remaining + joining nodes")


def _validate_reshare_terms(state: DKGState, terms: ProposalTerms) -> None:
    if not terms.remaining:
        raise DKGError("cannot propose a network without nodes remaining")
    if terms.leader in terms.joining:
        raise DKGError("you cannot lead a DKG and join at the same time (unless it is epoch 1)")
    if terms.leader in terms.leaving or terms.leader not in terms.remaining:
        raise DKGError("you cannot lead a DKG and leave at the same time")
    if len(terms.remaining) < state.threshold:
        raise DKGError("the new node count cannot be lower than the prior threshold")


def _validate_reshare_for_remainers(state: DKGState, terms: ProposalTerms) -> None:
    if terms.genesis_time != state.genesis_time:
        raise DKGError(
            "genesis time cannot be changed after the initial DKG: "
            f"{terms.genesis_time} != {state.genesis_time}"
        )
    if terms.genesis_seed != state.genesis_seed:
        raise DKGError("genesis seed cannot change after the first epoch")
    previous = set(state.final_group.nodes) if state.final_group is not None else set()
    staying = set(terms.remaining) | set(terms.leaving)
    if not staying <= previous:
        raise DKGError(
            "remaining and leaving nodes contained a node that does not exist in the current epoch "
            "- they must be added as joiners"
        )
    if not previous <= staying:
        raise DKGError(
            "some node(s) in the current epoch are missing from the proposal "
            "- they should be remaining or leaving"
        )
    if len(terms.remaining) < state.threshold:
        raise DKGError("the new node count cannot be lower than the prior threshold")


# -- handlers: one per event, each mirroring the drand method named in its event's docstring --------
def last_finished(state: DKGState) -> DKGState:
    """What a new proposal is applied to: ``state`` itself, unless the current attempt ended in Aborted,
    TimedOut or Failed. Then drand applies the proposal to the *last finished* state instead — the last
    completed DKG, or a fresh state if none completed
    ([`applyPacketToState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L69-L90),
    and for the leader [`Command`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_active.go#L50-L61)),
    so the failed attempt's epoch and threshold do not count in the checks of the next proposal.
    """
    if not state.is_terminal():
        return state
    if state.final_group is None:
        return DKGState.fresh(state.beacon_id, state.me)
    if state.finished_epoch is None:
        return state  # a state built by hand without its finished epoch: nothing better to go on
    group = state.final_group
    return replace(
        state,
        status=Status.COMPLETE,
        epoch=state.finished_epoch,
        threshold=group.threshold,
        genesis_time=group.genesis_time,
        genesis_seed=group.genesis_seed,
    )


def _propose(state: DKGState, event: Propose, now: float) -> DKGState:
    state = last_finished(state)
    terms = event.terms
    if not is_valid_transition(state.status, Status.PROPOSING):
        raise _illegal(state.status, Status.PROPOSING)
    if terms.leader != state.me:
        raise DKGError("cannot make a proposal where you are not the leader")
    validate_proposal(state, terms, now)
    if state.status == Status.FRESH and terms.epoch > 1:
        raise DKGError("the epoch provided was invalid")  # new joiners cannot lead, except at genesis
    return state._from_terms(Status.PROPOSING, terms, state.genesis_seed)


def _receive_proposal(state: DKGState, event: ReceiveProposal, now: float) -> DKGState:
    state = last_finished(state)
    terms = event.terms
    if not is_valid_transition(state.status, Status.PROPOSED):
        raise _illegal(state.status, Status.PROPOSED)
    if terms.leader != event.sender:
        raise DKGError("cannot make a proposal where you are not the leader")
    validate_proposal(state, terms, now)
    if state.me not in terms.joining + terms.remaining + terms.leaving:
        raise DKGError("you must include yourself in a proposal")
    return state._from_terms(Status.PROPOSED, terms, terms.genesis_seed)


def _accept(state: DKGState, event: Accept, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.ACCEPTED):
        raise _illegal(state.status, Status.ACCEPTED)
    state._check_time(now)
    if state.me in state.leaving:
        raise DKGError("you cannot accept a proposal where your node is leaving")
    if state.me in state.joining:
        raise DKGError(
            "you cannot accept a proposal where your node is joining - run the join command instead"
        )
    acceptors = (*state.acceptors, state.me)
    rejectors = tuple(p for p in state.rejectors if p != state.me)
    return state._to(Status.ACCEPTED, acceptors=acceptors, rejectors=rejectors)


def _reject(state: DKGState, event: Reject, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.REJECTED):
        raise _illegal(state.status, Status.REJECTED)
    state._check_time(now)
    if state.me in state.joining:
        raise DKGError("you cannot reject a proposal where your node is joining (just turn your node off)")
    if state.me in state.leaving:
        raise DKGError("you cannot reject a proposal where your node is leaving")
    rejectors = (*state.rejectors, state.me)
    acceptors = tuple(p for p in state.acceptors if p != state.me)
    return state._to(Status.REJECTED, acceptors=acceptors, rejectors=rejectors)


def _join(state: DKGState, event: Join, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.JOINED):
        raise _illegal(state.status, Status.JOINED)
    state._check_time(now)
    if state.me not in state.joining:
        raise DKGError("you cannot join a proposal in which you are not a joiner")
    previous = event.previous_group
    if previous is None:
        if state.epoch != 1:
            raise DKGError("joining after the first epoch requires a previous group file")
    else:
        if previous.genesis_time != state.genesis_time:
            raise DKGError(
                "the genesis time in the group file provided did not match the one from the proposal"
            )
        if previous.genesis_seed != state.genesis_seed:
            raise DKGError("genesis seed cannot change after the first epoch")
    return state._to(Status.JOINED, final_group=previous)


def _leave(state: DKGState, event: Leave, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.LEFT):
        raise _illegal(state.status, Status.LEFT)
    state._check_time(now)
    if state.me not in state.leaving and state.me not in state.joining:
        raise DKGError("you cannot execute leave if you were not included as a leaver in the proposal")
    return state._to(Status.LEFT)


def _start_execution(state: DKGState, event: StartExecution, now: float) -> DKGState:
    state._check_time(now)
    if state.me in state.leaving:
        return _leave(state, Leave(), now)
    if not is_valid_transition(state.status, Status.EXECUTING):
        raise _illegal(state.status, Status.EXECUTING)
    if state.leader != state.me:
        raise DKGError("only the leader can trigger the execution")
    return state._to(Status.EXECUTING)


def _receive_execute(state: DKGState, event: ReceiveExecute, now: float) -> DKGState:
    state._check_time(now)  # first: leavers have their own branch
    if state.me in state.leaving and is_valid_transition(state.status, Status.LEFT):
        return _leave(state, Leave(), now)
    if not is_valid_transition(state.status, Status.EXECUTING):
        raise _illegal(state.status, Status.EXECUTING)
    if state.me not in state.remaining and state.me not in state.joining:
        raise DKGError("you cannot start execution if you are not a remainer or joiner to the DKG")
    if event.sender != state.leader:
        raise DKGError("only the leader can trigger the execution")
    return state._to(Status.EXECUTING)


def _complete(state: DKGState, event: Complete, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.COMPLETE):
        raise _illegal(state.status, Status.COMPLETE)
    state._check_time(now)
    if event.final_group is None:
        raise DKGError("you cannot complete a DKG with a nil final group")
    if event.key_share is None:
        raise DKGError("you cannot complete a DKG with a nil key share")
    return state._to(
        Status.COMPLETE,
        final_group=event.final_group,
        key_share=event.key_share,
        genesis_seed=event.final_group.genesis_seed,
        finished_epoch=state.epoch,
    )


def _time_out(state: DKGState, event: TimeOut, now: float) -> DKGState:
    return state._to(Status.TIMED_OUT)


def _start_abort(state: DKGState, event: StartAbort, now: float) -> DKGState:
    return state._to(Status.ABORTED)


def _receive_abort(state: DKGState, event: ReceiveAbort, now: float) -> DKGState:
    if not is_valid_transition(state.status, Status.ABORTED):
        raise _illegal(state.status, Status.ABORTED)
    if event.sender != state.leader:
        raise DKGError("only the leader can remotely abort the DKG")
    return state._to(Status.ABORTED)


def _fail(state: DKGState, event: Fail, now: float) -> DKGState:
    return state._to(Status.FAILED)


def _receive_acceptance(state: DKGState, event: ReceiveAcceptance, now: float) -> DKGState:
    if state.status not in PROPOSAL_PHASE:
        raise DKGError("received acceptance but not during proposal phase")
    if event.participant not in state.remaining:
        raise DKGError("somebody unknown tried to accept the proposal")
    if event.participant in state.acceptors:
        raise DKGError("this participant already accepted the proposal")
    if event.sender != event.participant:
        raise DKGError("the node that signed this message is not the one claiming be accepting")
    return replace(
        state,
        acceptors=(*state.acceptors, event.participant),
        rejectors=tuple(p for p in state.rejectors if p != event.participant),
    )


def _receive_rejection(state: DKGState, event: ReceiveRejection, now: float) -> DKGState:
    if state.status not in PROPOSAL_PHASE:
        raise DKGError("received rejection but not during proposal phase")
    if event.participant not in state.remaining:
        raise DKGError("somebody unknown tried to reject the proposal")
    if event.participant in state.rejectors:
        raise DKGError("this participant already rejected the proposal")
    if event.sender != event.participant:
        raise DKGError("the node that signed this message is not the one claiming be rejecting")
    return replace(
        state,
        acceptors=tuple(p for p in state.acceptors if p != event.participant),
        rejectors=(*state.rejectors, event.participant),
    )


_HANDLERS = {
    Propose: _propose,
    ReceiveProposal: _receive_proposal,
    Accept: _accept,
    Reject: _reject,
    Join: _join,
    Leave: _leave,
    StartExecution: _start_execution,
    ReceiveExecute: _receive_execute,
    Complete: _complete,
    TimeOut: _time_out,
    StartAbort: _start_abort,
    ReceiveAbort: _receive_abort,
    Fail: _fail,
    ReceiveAcceptance: _receive_acceptance,
    ReceiveRejection: _receive_rejection,
}
