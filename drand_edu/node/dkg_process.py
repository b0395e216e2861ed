"""A node's DKG over a real network: drand's DKG process (``internal/dkg/dkg_process.go``, ``execution.go``).

Session 4 ran a whole DKG inside one Python process. Here each node runs its own part, and the only
things that cross between nodes are :class:`~drand_edu.net.messages.DKGPacket`\\ s. Two layers:

1. **The lifecycle** (:mod:`drand_edu.threshold.lifecycle`): the leader *proposes* terms (who joins,
   who remains, who leaves, threshold, period, a timeout); the others *join* (new nodes) or
   *accept*/*reject* (members of the current group); the leader orders *execute*. Operator commands
   (``drand-edu dkg ...``, through the control port) and packets from peers are both events of the
   one state machine, so a node never does what drand would refuse.
2. **The execution**: the Pedersen protocol of :mod:`drand_edu.threshold.dkg.protocol`, phase by
   phase: deal → response → (justification). A phase ends when every expected bundle has arrived
   (drand's "fast sync") or when the phaser started at kickoff signals the next one: at 10, 20 and
   30 s after it (drand's ``DefaultDKGPhaseTimeout``, 10 s, one ``TimePhaser`` per DKG).
   Bundles that arrive early (a fast node's response while we still wait for deals) are kept for
   their phase. Bundles whose Schnorr signature does not verify are dropped on arrival.

**What a stranger can make a node keep is bounded** (issue 23). A refused packet leaves one line in
the DKG log, and nothing else: the log keeps the last :data:`LOG_LINES` lines of at most
:data:`NOTE_CHARS` characters (a 3.9 MB ``sender`` is cut to :data:`SENDER_CHARS`). A bundle that comes
before our execution started is kept only while a proposal is active, only when a participant of
that proposal signed it (:func:`~drand_edu.net.dkg_packets.verify_bundle_packet`), and only the first
of each kind from each participant; the kept ones go when the proposal ends (executed, aborted,
timed out, failed or replaced). drand keeps none at all: its
[`BroadcastDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L159-L177)
refuses a bundle while no execution runs.

Like drand, participants are ordered by public key (``util.SortedByPublicKey``) to get their DKG
indices, the session id is ``sha256(epoch)`` so an old epoch's packets cannot be replayed, and each
node builds the group file itself from the proposal and its result: the same bytes everywhere.

Every packet is signed by its sender as drand's ``actions_signing.go`` does (BLS, the scheme's
``AuthScheme``, over the packet and the proposal terms: :func:`~drand_edu.net.dkg_packets.sign_packet`).
A proposal, acceptance, rejection, execution order or abort counts only once its signature verifies
under the sender's key *as the proposal lists it* (drand's ``verifyMessage``, after applying the
packet to the state machine, before keeping the new state); the sender address a packet declares only
says which participant to look up. Bundles are checked by their own Schnorr signatures. Joiners'
self-signatures are checked on every proposal (``validateJoinerSignatures``) and, beyond drand, a
resharing proposal must give the current members the keys our group file has.

Simplified here: packets go straight to every participant (drand re-gossips them), and the DKG state
lives in memory; only the epoch of the last completed DKG is saved (``dkg.json``), next to the key
store (drand's file store).

drand's code, and ours:
[`applyPacketToState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L69-L116)
(apply, then ``verifyMessage`` against the next state's terms, then save) →
``DKGProcess._receive_lifecycle``;
[`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L21-L67)
(an execute packet starts ``executeDKG`` whatever the new state, a leaver's included) →
``DKGProcess._receive``;
[`setupDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L48-L101)
→ ``_Execution``;
[`asGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L240-L278)
→ ``_Execution._complete``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ..chain.info import ChainInfo
from ..crypto.schemes import scheme_by_id
from ..errors import DKGError, InvalidInput
from ..hexbytes import from_hex
from ..net.dkg_packets import (
    BUNDLE_PACKETS,
    LIFECYCLE_PACKETS,
    bundle_from_json,
    bundle_to_json,
    sign_packet,
    terms_from_json,
    terms_to_json,
    verify_bundle_packet,
    verify_packet,
)
from ..net.http_transport import fetch_identity
from ..net.messages import DKGPacket, Message
from ..rng import Rng
from ..threshold.dkg.driver import PHASER_ORDER
from ..threshold.dkg.messages import Bundle, DistKeyShare, DKGNode
from ..threshold.dkg.protocol import Config, DistKeyGenerator, Phase, nonce_for_epoch, verify_packets
from ..threshold.group import Group, Node
from ..threshold.lifecycle import (
    Accept,
    Complete,
    DKGState,
    Event,
    GroupInfo,
    Join,
    Participant,
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
)
from ..threshold.lifecycle import (
    Fail as FailEvent,
)
from .key_store import FileStore, KeyStoreError

#: drand's ``DefaultDKGPhaseTimeout``: the longest a phase waits for missing bundles.
PHASE_TIMEOUT = 10.0
#: How long a proposal stays open by default (drand's ``--timeout`` default is one day; a class is shorter).
PROPOSAL_TIMEOUT = 300.0
EPOCH_FILE = "dkg.json"
#: lines the DKG log keeps (``dkg status`` shows the last 12 of them)
LOG_LINES = 200
#: characters of one log line, at most
NOTE_CHARS = 300
#: characters of a packet's self-declared sender that a log line quotes
SENDER_CHARS = 80
#: the states in which a proposal is under way (early bundles may be kept for its execution)
_ACTIVE = frozenset({Status.PROPOSING, Status.PROPOSED, Status.ACCEPTED, Status.JOINED, Status.EXECUTING,
                     Status.LEFT})  # fmt: skip
#: drand's proposal numbers are ``uint32`` (``Threshold``, ``PeriodSeconds``, ``CatchupPeriodSeconds``)
UINT32_MAX = 2**32 - 1
#: the longest Go ``time.Duration`` (2^63 - 1 ns, about 292 years): drand's ``--timeout`` and
#: ``--genesis-delay`` are Go durations, so nothing longer can reach one of its proposals
MAX_DURATION = (2**63 - 1) / 1e9


def whole_number(value: object, what: str, *, low: int, high: int = UINT32_MAX) -> int:
    """``value`` as a whole number in ``low … high``, else :class:`InvalidInput` naming ``what``.

    drand's CLI converts with ``uint32(...)`` (``parseInitialProposal``): a period of 2^33 s wraps
    to 0 there; ours refuses it at the command, before any DKG starts."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}, got {value!r}"[:200])
    return int(number)


def duration(value: object, what: str, *, positive: bool = False) -> float:
    """``value`` seconds, finite, ``>= 0`` (``> 0`` if ``positive``) and no longer than a Go duration."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number < 0 or number > MAX_DURATION or (
        positive and number == 0
    ):
        least = "more than 0" if positive else "at least 0"
        raise InvalidInput(f"{what} must be {least} seconds and at most {MAX_DURATION:.0f} (a Go duration), "
                           f"got {value!r}"[:200])  # fmt: skip
    return float(number)


def _read_epoch(epoch_file: Path) -> int:
    """The epoch of the last finished DKG, from the node folder (1 when the file is not there yet).

    A damaged file is the operator's to fix, so it is refused with the file's name, not a traceback.
    """
    if not epoch_file.exists():
        return 1
    try:
        epoch = json.loads(epoch_file.read_bytes()[:4096])["epoch"]
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise KeyStoreError(f"{epoch_file}: not a DKG epoch file ({type(exc).__name__})") from None
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not 1 <= epoch < 2**32:
        raise KeyStoreError(f"{epoch_file}: epoch must be a whole number from 1 (got {epoch!r})")
    return epoch


class Transport(Protocol):
    """What the DKG needs of a network (:class:`~drand_edu.net.http_transport.HttpNetwork` has it)."""

    def now(self) -> float: ...
    def schedule(self, at: float, action: Callable[[], None]) -> None: ...
    def send_to(self, address: str, message: Message) -> None: ...


class DKGProcess:
    """One node's DKGs, epoch after epoch: its lifecycle state and, while executing, the protocol run."""

    def __init__(
        self,
        key_store: FileStore,
        folder: str | Path,
        transport: Transport,
        *,
        phase_timeout: float = PHASE_TIMEOUT,
        on_complete: Callable[[FileStore], None] | None = None,
        on_leave: Callable[[int], None] | None = None,
        identity_of: Callable[[str], dict] = fetch_identity,
        rng: Rng | None = None,
    ) -> None:
        if not key_store.address:
            raise InvalidInput(
                "the key pair has no address: generate it with 'drand-edu generate-keypair ADDRESS'"
            )
        self.key_store = key_store
        self.folder = Path(folder)
        self.transport = transport
        self.phase_timeout = phase_timeout
        self.on_complete = on_complete
        self.on_leave = on_leave
        self.identity_of = identity_of  # how the leader learns a participant's key (GET /identity)
        self.rng = rng
        self.address = key_store.address
        self.terms: ProposalTerms | None = None
        #: participant address → long-term public key (bytes), from the proposal
        self.keys: dict[str, bytes] = {}
        self.log: list[str] = []
        # operator commands arrive on the control thread, packets on the event thread: one lock for both
        self._lock = threading.RLock()
        self._execution: _Execution | None = None
        #: bundles that came before our execution started, by (kind, participant): the first of each, and a
        #: second *different* one if it comes (the execution's packet set then evicts that author)
        self._early: dict[tuple[str, str], list[Bundle]] = {}
        self._previous_group: Group | None = key_store.group
        self.state = self._restored_state()

    # -- status -----------------------------------------------------------------------------------
    def _restored_state(self) -> DKGState:
        state = DKGState.fresh(self.key_store.beacon_id, self.address)
        group, share = self.key_store.group, self.key_store.share
        if group is None or share is None:
            return state
        epoch = _read_epoch(self.key_store.folder(self.folder) / EPOCH_FILE)
        return replace(
            state,
            status=Status.COMPLETE,
            epoch=epoch,
            threshold=group.threshold,
            scheme_id=group.scheme.id,
            genesis_time=group.genesis_time,
            genesis_seed=group.get_genesis_seed(),
            beacon_period=group.period,
            final_group=_group_info(group),
            key_share=DistKeyShare(group.public_key, share),
            finished_epoch=epoch,
        )

    def status(self) -> dict:
        """What ``drand-edu dkg status`` prints: the state, the terms, the phase, the last events."""
        with self._lock:
            s = self.state
            return {
                "address": self.address, "status": str(s.status), "epoch": s.epoch, "leader": s.leader,
                "threshold": s.threshold, "joining": list(s.joining), "remaining": list(s.remaining),
                "leaving": list(s.leaving), "acceptors": list(s.acceptors), "rejectors": list(s.rejectors),
                "genesis_time": s.genesis_time,
                "phase": str(self._execution.phase) if self._execution else None,
                "log": self.log[-12:],  # each line at most NOTE_CHARS long
            }  # fmt: skip

    def _note(self, text: str) -> None:
        """One line in the DKG log: truncated to :data:`NOTE_CHARS`, the oldest dropped past
        :data:`LOG_LINES` (what a flood of refused packets can make a node keep is bounded)."""
        now = self.transport.now()
        line = f"{time.strftime('%H:%M:%S', time.localtime(now))}.{int(now % 1 * 10)} {text}"
        self.log.append(line if len(line) <= NOTE_CHARS else line[: NOTE_CHARS - 1] + "…")
        del self.log[:-LOG_LINES]

    # -- operator commands (through the control port) ------------------------------------------------
    def propose_initial(
        self,
        joiners: list[str],
        threshold: int,
        period: int,
        *,
        scheme_id: str | None = None,
        genesis_delay: float = 10.0,
        timeout: float = PROPOSAL_TIMEOUT,
        catchup_period: float = 0,
    ) -> ProposalTerms:
        """``drand dkg init``: lead the first DKG of a chain, with this node and ``joiners``.

        ``catchup_period`` is in whole seconds, 0 by default, as drand's proposals carry it
        (``CatchupPeriodSeconds``, a uint32; the CLI's default is ``0s``). Every number is checked
        before anything changes (:func:`whole_number`, :func:`duration`): a bad one is refused with
        :class:`InvalidInput` and the node stays as it was.
        """
        threshold = whole_number(threshold, "the threshold", low=1)
        period = whole_number(period, "the period (seconds)", low=1)
        catchup_period = whole_number(catchup_period or 0, "the catch-up period (seconds)", low=0)
        genesis_delay = duration(genesis_delay, "the genesis delay")
        timeout = duration(timeout, "the timeout", positive=True)
        if scheme_id is not None and scheme_id != self.key_store.scheme.id:
            raise InvalidInput(
                f"this node's key pair is for {self.key_store.scheme.id}: a {scheme_id} chain needs key "
                f"pairs made with 'generate-keypair --scheme {scheme_id}'"
            )
        joining = [self.address] + [a for a in dict.fromkeys(joiners) if a != self.address]
        identities = self._identities(joining)
        now = self.transport.now()
        terms = ProposalTerms(
            beacon_id=self.key_store.beacon_id, epoch=1, leader=self.address, threshold=threshold,
            timeout=now + timeout, joining=tuple(joining), scheme_id=self.key_store.scheme.id,
            genesis_time=int(now + genesis_delay), beacon_period=period,
            catchup_period=catchup_period, identities=tuple(identities.values()),
        )  # fmt: skip
        return self._propose(terms)

    def propose_reshare(
        self,
        joiners: list[str],
        remainers: list[str],
        leavers: list[str],
        threshold: int,
        *,
        timeout: float = PROPOSAL_TIMEOUT,
        transition_delay: float = 30.0,
    ) -> ProposalTerms:
        """``drand dkg reshare``: lead a resharing of the current group's key to a new set of nodes."""
        threshold = whole_number(threshold, "the threshold", low=1)
        timeout = duration(timeout, "the timeout", positive=True)
        transition_delay = duration(transition_delay, "the transition delay")
        group = self.key_store.group
        if group is None:
            raise DKGError("no group yet: run an initial DKG first (drand-edu dkg init)")
        remaining = list(dict.fromkeys([self.address, *remainers]))
        members = {n.address: Participant(n.address, n.public_key, n.signature) for n in group.nodes}
        identities = members | self._identities(joiners)
        info = ChainInfo.from_group(group)
        now = self.transport.now()
        transition_round = info.round_at(now + transition_delay) + 1
        terms = ProposalTerms(
            beacon_id=self.key_store.beacon_id, epoch=self.state.epoch + 1, leader=self.address,
            threshold=threshold, timeout=now + timeout, joining=tuple(joiners), remaining=tuple(remaining),
            leaving=tuple(leavers), scheme_id=group.scheme.id, genesis_time=group.genesis_time,
            genesis_seed=group.get_genesis_seed(), beacon_period=group.period,
            catchup_period=group.catchup_period, transition_time=info.time_of_round(transition_round),
            identities=tuple(p for a, p in identities.items() if a in {*joiners, *remaining, *leavers}),
        )  # fmt: skip
        return self._propose(terms)

    def _identities(self, addresses: list[str]) -> dict[str, Participant]:
        """Every participant's key and self-signature: ours from the key store, others' from the node.

        Like drand's leader, we put the signature in the proposal as the node gave it; every receiver
        checks the joiners' (:func:`~drand_edu.threshold.lifecycle.validate_joiner_signatures`), and so
        does the leader's own state machine before it sends anything.
        """
        identities = {}
        for address in addresses:
            if address == self.address:
                mine = self.key_store
                identities[address] = Participant(address, mine.public_key, mine.signature)
                continue
            answer = self.identity_of(address)
            if answer["scheme"] != self.key_store.scheme.id:
                raise InvalidInput(
                    f"{address} has a {answer['scheme']} key, this node {self.key_store.scheme.id}"
                )
            key = from_hex(answer["key"], what=f"key of {address}")
            signature = from_hex(answer.get("signature", ""), what=f"signature of {address}")
            identities[address] = Participant(address, key, signature)
        return identities

    def _propose(self, terms: ProposalTerms) -> ProposalTerms:
        """Check the proposal with the state machine and sign it, and only then keep the new state and
        send it: a proposal refused on the way leaves the node as it was (not ``Proposing``)."""
        with self._lock:
            next_state = self.state.apply(Propose(terms), self.transport.now())
            message = self._signed("proposal", {"terms": terms_to_json(terms)}, terms)
            self.state = next_state
            self.terms, self.keys = terms, {p.address: p.key for p in terms.identities}
            self._note(f"proposed epoch {terms.epoch} to {len(self._participants()) - 1} nodes")
            self._send_all(message)
            self._schedule_timeout(terms)
            return terms

    def join(self, previous_group: Group | None = None) -> None:
        """``drand dkg join``: take part as a new node (after epoch 1, bring the current group file)."""
        with self._lock:
            info = _group_info(previous_group) if previous_group is not None else None
            self.state = self.state.apply(Join(info), self.transport.now())
            self._previous_group = previous_group
            self._note("joined")

    def accept(self) -> None:
        """``drand dkg accept``: a member of the current group agrees to the proposal."""
        with self._lock:
            self._announce(Accept(), "accept", "accepted", {"acceptor": self.address})

    def reject(self) -> None:
        """``drand dkg reject``."""
        with self._lock:
            self._announce(Reject(), "reject", "rejected", {"rejector": self.address})

    def abort(self) -> None:
        """``drand dkg abort``: the leader calls the current proposal off, everywhere."""
        with self._lock:
            if self.state.leader != self.address:
                raise DKGError("only the leader can abort the DKG")
            self._announce(StartAbort(), "abort", "aborted", {"reason": "aborted by the leader"})
            self._execution = None
            self._drop_bundles()

    def nuke(self) -> Status:
        """``drand dkg nuke``: forget this beacon's DKG state; the way out of a squatted or orphaned DKG.

        drand's [`NukeDKGStateCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_repair.go#L17-L43)
        asks "y/n", then deletes the beacon's current and finished DKG records from the DKG database
        ([`NukeState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/store.go#L248-L257));
        the key folder (key pair, share, group file) is not touched. It is the remedy for a node
        stuck in a proposal nobody will finish: drand's ``Process.Packet`` applies the first
        well-signed proposal from anyone, and nothing in drand moves a ``Proposed`` or ``Joined``
        node on when the proposal's timeout passes (its ``TimedOut`` transition is never taken
        outside its tests; a timed-out proposal only refuses every further step), so such a node
        refuses every other leader's proposal until it is nuked.

        drand nukes a node that is switched off (its DKG state is in a database file the daemon
        holds); ours lives in this process's memory, so the control port nukes it in place. The
        result is what drand's node has after the nuke and a restart, where the daemon rebuilds the
        finished DKG from the group file and share
        ([`LoadBeaconFromStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L356-L403)):
        ``Complete`` if this node holds a share, else ``Fresh``. Any execution is dropped, and so are
        the proposal, its timeout and the bundles kept for it. Returns the new status.
        """
        with self._lock:
            before = self.state.status
            self._execution = None
            self._drop_bundles()
            self.terms, self.keys = None, {}
            self._previous_group = self.key_store.group
            self.state = self._restored_state()
            self._note(f"nuked the DKG state ({before}): now {self.state.status}")
            return self.state.status

    def execute(self) -> None:
        """``drand dkg execute``: the leader starts the execution everywhere."""
        with self._lock:
            self._announce(StartExecution(), "execute", "ordered execution", {"time": self.transport.now()})
            self._start_execution()

    def _announce(self, event: Event, packet: str, what: str, body: dict) -> None:
        """Apply our own command to the state machine, then tell every participant (signed)."""
        self.state = self.state.apply(event, self.transport.now())
        self._broadcast(packet, body)
        self._note(what)

    # -- packets from peers --------------------------------------------------------------------------
    def receive(self, packet: DKGPacket) -> None:
        """Apply one packet; a packet that drand would refuse is logged and dropped, never raised."""
        with self._lock:
            what = f"{str(packet.packet)[:20]} from {str(packet.sender)[:SENDER_CHARS]}"
            try:
                self._receive(packet)
            except (DKGError, InvalidInput) as error:
                self._note(f"refused {what}: {str(error)[:NOTE_CHARS]}")
            except (KeyError, TypeError, ValueError, AttributeError) as error:  # a body of the wrong shape
                self._note(f"refused {what}: malformed ({repr(error)[:NOTE_CHARS]})")

    def _receive(self, packet: DKGPacket) -> None:
        now = self.transport.now()
        if packet.beacon_id != self.key_store.beacon_id:
            raise DKGError(f"packet for beacon {str(packet.beacon_id)[:64]!r}")
        if packet.packet in LIFECYCLE_PACKETS:
            self._receive_lifecycle(packet, now)
        elif packet.packet in BUNDLE_PACKETS:
            # authenticated by its own Schnorr signature (checked on arrival in the execution)
            bundle = bundle_from_json(packet.packet, packet.body)  # malformed: refused on arrival
            if self._execution is None:
                self._keep_early(packet, bundle, now)
            else:
                self._execution.receive(bundle)
        else:
            raise DKGError(f"unknown DKG packet {packet.packet!r}")

    def _keep_early(self, packet: DKGPacket, bundle: Bundle, now: float) -> None:
        """Keep a bundle for the execution to come: only while a proposal is active, only from one of
        its participants (the packet's signature proves which), one of each kind from each (two that differ).

        drand's
        [`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L21-L67)
        hands a bundle straight to ``BroadcastDKG``, which refuses it while no execution runs; we keep
        these few, so that a fast node's deal is not lost, and nothing else.
        """
        terms = self.terms
        if terms is None or self.state.status not in _ACTIVE or terms.timeout <= now:
            raise DKGError("no DKG under way: a bundle is not kept")
        key = (packet.packet, packet.sender)
        kept = self._early.get(key, [])
        if len(kept) >= 2 or any(other.hash() == bundle.hash() for other in kept):
            return  # a copy, or a third version: two already prove the author equivocated
        verify_bundle_packet(self.key_store.scheme, packet, terms)
        self._early[key] = [*kept, bundle]

    def _drop_bundles(self) -> None:
        """The proposal is over (or replaced): nothing kept for an execution that will not come."""
        self._early.clear()

    def _receive_lifecycle(self, packet: DKGPacket, now: float) -> None:
        """drand's ``applyPacketToState``: apply the packet, check its signature against the next
        state's terms (``verifyMessage``), and only then keep the new state."""
        terms, body = self.terms, packet.body
        if packet.packet == "proposal":
            terms = terms_from_json(body["terms"])
            self._check_proposal_keys(terms)
            event: Event = ReceiveProposal(terms, packet.sender)
        elif packet.packet == "accept":
            event = ReceiveAcceptance(str(body["acceptor"]), packet.sender)
        elif packet.packet == "reject":
            event = ReceiveRejection(str(body["rejector"]), packet.sender)
        elif packet.packet == "execute":
            event = ReceiveExecute(packet.sender)
        else:
            event = ReceiveAbort(packet.sender)
        if terms is None:
            raise DKGError(f"a {packet.packet} packet, but there is no proposal")
        next_state = self.state.apply(event, now)
        verify_packet(self.key_store.scheme, packet, terms)
        self.state = next_state
        if packet.packet == "proposal":
            self.terms, self.keys = terms, {p.address: p.key for p in terms.identities}
            self._drop_bundles()
            self._schedule_timeout(terms)
            self._note(f"received a proposal for epoch {terms.epoch} from {packet.sender}")
        elif packet.packet in ("accept", "reject"):
            self._note(f"{packet.sender} {packet.packet}ed")
        elif packet.packet == "execute":
            self._note(f"{packet.sender} ordered execution")
            if self.state.status == Status.LEFT:
                if self.on_leave and self.terms is not None:
                    self.on_leave(self.terms.transition_time)
                # drand's leaver still runs executeDKG on the execute packet (actions_passive.go):
                # it holds a share of the old group, so it deals (and answers complaints), then stops
                if self.key_store.share is not None and self._previous_group is not None:
                    self._start_execution()
                return
            self._start_execution()
        else:
            self._execution = None
            self._drop_bundles()
            self._note(f"{packet.sender} aborted the DKG")

    def _check_proposal_keys(self, terms: ProposalTerms) -> None:
        """Our own key in the proposal, our scheme, and (beyond drand) the keys of the current group's
        members as our group file has them: a proposal cannot swap a remainer's key for another."""
        keys = {p.address: p.key for p in terms.identities}
        if keys.get(self.address) != self.key_store.public_key:
            raise DKGError("the proposal does not carry this node's public key")
        if terms.scheme_id != self.key_store.scheme.id:
            raise DKGError(f"the proposal is for {terms.scheme_id}, our key for {self.key_store.scheme.id}")
        group = self._previous_group
        if group is not None and terms.epoch > 1:
            for node in group.nodes:
                if node.address in keys and keys[node.address] != node.public_key:
                    raise DKGError(f"the proposal gives {node.address} another key than our group file")

    # -- helpers -----------------------------------------------------------------------------------
    def _participants(self) -> list[str]:
        s = self.state
        return list(dict.fromkeys([*s.joining, *s.remaining, *s.leaving]))

    def _broadcast(self, packet: str, body: dict) -> None:
        """Send a packet to every other participant, signed as drand's ``signMessage`` does."""
        assert self.terms is not None  # every packet belongs to a proposal
        self._send_all(self._signed(packet, body, self.terms))

    def _signed(self, packet: str, body: dict, terms: ProposalTerms) -> DKGPacket:
        message = DKGPacket(self.address, packet, body, self.key_store.beacon_id)
        return sign_packet(self.key_store.scheme, self.key_store.secret_key, message, terms)

    def _send_all(self, message: DKGPacket) -> None:
        for address in self._participants():
            if address != self.address:
                self.transport.send_to(address, message)

    def _schedule_timeout(self, terms: ProposalTerms) -> None:
        def check() -> None:
            with self._lock:
                if (
                    self.terms is terms
                    and self.state.status not in (Status.COMPLETE, Status.LEFT)
                    and (not self.state.is_terminal())
                ):
                    self.state = self.state.apply(TimeOut(), self.transport.now())
                    self._execution = None
                    self._drop_bundles()
                    self._note("timed out")

        self.transport.schedule(terms.timeout, check)

    def _start_execution(self) -> None:
        terms = self.terms
        assert terms is not None
        execution = self._execution = _Execution(self, terms)
        early, self._early = [b for kept in self._early.values() for b in kept], {}
        for bundle in early:
            execution.receive(bundle)
        execution._advance(force=False)  # our own deal may have completed the phase

    def _finish(self, group: Group, share_key: DistKeyShare) -> None:
        """The execution succeeded: save the share and the group file, tell the node."""
        self.state = self.state.apply(Complete(_group_info(group), share_key), self.transport.now())
        self.key_store = self.key_store.with_share(share_key.share, group)
        self._previous_group = group  # the group the next resharing starts from
        self.key_store.save(self.folder)
        epoch_file = self.key_store.folder(self.folder) / EPOCH_FILE
        epoch_file.write_text(json.dumps({"epoch": self.state.epoch}) + "\n")
        self._execution = None
        self._note(
            f"complete: share #{share_key.share.index} of a group of {len(group)}, t = {group.threshold}"
        )
        if self.on_complete is not None:
            self.on_complete(self.key_store)

    def _fail(self, why: str) -> None:
        self._note(f"failed: {why}")
        self._execution = None
        self._drop_bundles()
        if self.state.status == Status.EXECUTING:
            self.state = self.state.apply(FailEvent(), self.transport.now())


class _Execution:
    """One run of the Pedersen protocol for one node, phase by phase, on the transport's clock."""

    def __init__(self, process: DKGProcess, terms: ProposalTerms) -> None:
        self.process = process
        self.terms = terms
        self.scheme = scheme_by_id(terms.scheme_id)
        key_group = self.scheme.key_group
        # drand util.SortedByPublicKey: the DKG index of a new node is its rank by public key
        members = sorted([*terms.remaining, *terms.joining], key=lambda a: process.keys[a])
        self.address_of_key = {process.keys[a]: a for a in members}
        new_nodes = tuple(DKGNode(i, key_group.from_bytes(process.keys[a])) for i, a in enumerate(members))
        previous = process._previous_group if terms.epoch > 1 else None
        old_nodes: tuple[DKGNode, ...] = ()
        share = None
        keys = process.key_store
        if previous is not None:
            old_nodes = tuple(DKGNode(n.index, key_group.from_bytes(n.public_key)) for n in previous.nodes)
            self.address_of_key |= {n.public_key: n.address for n in previous.nodes}
            if keys.share is not None and previous.find(keys.public_key) is not None:
                share = DistKeyShare(previous.public_key, keys.share)
        self.config = Config(
            self.scheme, keys.secret_key, new_nodes, nonce_for_epoch(terms.epoch), terms.threshold,
            old_nodes=old_nodes, old_threshold=previous.threshold if previous else 0,
            public_coeffs=previous.public_key if previous else None, share=share, fast_sync=True,
        )  # fmt: skip
        dealers = old_nodes or new_nodes
        # every old node deals, leavers included (kyber: canIssue for any holder of an old share)
        self.expected = {
            "deal": len(dealers),
            "response": len(new_nodes),
            "justification": len(dealers),
        }
        self.received: dict[str, dict[int, Bundle]] = {kind: {} for kind in BUNDLE_PACKETS}
        #: authors caught sending two different signed bundles of one kind: evicted for good (kyber's set)
        self.equivocators: dict[str, set[int]] = {kind: set() for kind in BUNDLE_PACKETS}
        self.phase = Phase.DEAL
        #: when this node's phaser started: it signals response, justification and finish at +P, +2P, +3P
        self.kickoff = process.transport.now()
        self.generator = DistKeyGenerator(self.config, process.rng)
        process._note(f"executing epoch {terms.epoch}: {len(new_nodes)} nodes, t = {terms.threshold}")
        if self.generator.can_issue:
            self._send(self.generator.deals())
        self._arm_deadline()

    def _send(self, bundle: Bundle | None) -> None:
        """Broadcast our bundle; it counts for us too (the caller's loop sees it)."""
        if bundle is None:
            return
        self.process._broadcast(bundle.kind, bundle_to_json(bundle))
        self.received[bundle.kind][bundle.index] = bundle

    def _arm_deadline(self) -> None:
        """Wake up when the phaser signals the phase after this one: at a fixed offset from kickoff.

        drand starts one kyber ``TimePhaser`` per DKG (``startDKGExecution``): a phase entered early by
        fast sync ends at the same tick as if it had started on time (see
        :class:`~drand_edu.threshold.dkg.driver.TimePhaser`).
        """
        phase = self.phase
        deadline = self.kickoff + (PHASER_ORDER.index(phase) + 1) * self.process.phase_timeout

        def expire() -> None:
            with self.process._lock:
                if self.process._execution is self and self.phase == phase:
                    self._advance(force=True)

        self.process.transport.schedule(deadline, expire)

    def receive(self, bundle: Bundle) -> None:
        """One signed bundle from a peer, kept as kyber's packet set ``Push`` keeps it: a copy of a bundle
        already held is ignored; a *different* bundle signed by the same author is equivocation, and the
        author is evicted for good, its first bundle dropped too (every node that sees both agrees)."""
        kind = bundle.kind
        if bundle.index in self.equivocators[kind]:
            return
        previous = self.received[kind].get(bundle.index)
        if previous is not None and previous.hash() == bundle.hash():
            return  # the same bundle again
        if not verify_packets(self.config, [bundle]):
            self.process._note(f"dropped a {kind} bundle of {bundle.index}: bad signature")
            return
        if previous is not None:
            del self.received[kind][bundle.index]
            self.equivocators[kind].add(bundle.index)
            self.process._note(f"evicted {kind} author {bundle.index}: two different signed bundles")
            return
        self.received[kind][bundle.index] = bundle
        self._advance(force=False)

    def _advance(self, *, force: bool) -> None:
        """Move to the next phase when all expected bundles are in (or the phase timed out)."""
        try:
            while self.process._execution is self:
                kind = _PACKET_OF_PHASE[self.phase]
                if not force and len(self.received[kind]) < self.expected[kind]:
                    return
                force = False
                bundles = list(self.received[kind].values())
                if self.phase == Phase.DEAL:
                    self.phase = Phase.RESPONSE
                    self._arm_deadline()
                    self._send(self.generator.process_deals(bundles))  # it skips its own deal
                    if not self.generator.can_receive:
                        # a leaver's part ends with its deal: kyber's ProcessResponses refuses a node
                        # only in the old group, so it never justifies (drand's leaver alike)
                        return self._leave()
                elif self.phase == Phase.RESPONSE:
                    result, justification = self.generator.process_responses(bundles)
                    if result is not None:
                        return self._complete(result)
                    self.phase = Phase.JUSTIFICATION
                    self._arm_deadline()
                    self._send(justification)
                    if len(self.received["justification"]) < self.expected["justification"]:
                        return  # complaints are rare: wait for the deadline or every dealer
                else:
                    result = self.generator.process_justifications(bundles)
                    if result is None:
                        raise DKGError("no share for this node")
                    return self._complete(result)
        except DKGError as error:
            self.process._fail(str(error))

    def _leave(self) -> None:
        """A leaver's part is over once it dealt its old share (it answers no complaint, as in kyber)."""
        self.phase = Phase.FINISH
        self.process._execution = None
        self.process._note("dealt our old share as a leaver: done")

    def _complete(self, result) -> None:
        terms = self.terms

        def node(n: DKGNode) -> Node:
            address = self.address_of_key[n.public.to_bytes()]
            participant = terms.identity(address)
            signature = participant.signature if participant is not None else b""
            return Node(address, n.public.to_bytes(), n.index, signature)  # drand's ToKeyNode keeps it

        nodes = tuple(node(n) for n in result.qual)
        reshare = terms.epoch > 1
        previous = self.process._previous_group
        if reshare and previous is not None and result.key.commits.commit() != previous.public_key.commit():
            raise DKGError("the resharing produced another group key: refusing it")
        group = Group(
            threshold=terms.threshold, period=terms.beacon_period, catchup_period=terms.catchup_period,
            nodes=nodes, genesis_time=terms.genesis_time,
            transition_time=terms.transition_time if reshare else terms.genesis_time,
            genesis_seed=terms.genesis_seed if reshare else b"", scheme=self.scheme,
            beacon_id=terms.beacon_id, public_key=result.key.commits,
        )  # fmt: skip
        if not reshare:
            group = replace(group, genesis_seed=group.hash())  # drand: the first group's hash seeds the chain
        self.phase = Phase.FINISH
        self.process._finish(group, result.key)


_PACKET_OF_PHASE = {Phase.DEAL: "deal", Phase.RESPONSE: "response", Phase.JUSTIFICATION: "justification"}


def _group_info(group: Group) -> GroupInfo:
    return GroupInfo(tuple(n.address for n in group.nodes), group.threshold, group.genesis_time,
                     group.get_genesis_seed())  # fmt: skip
