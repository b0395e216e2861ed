"""Run a whole DKG in one process: ``n`` nodes, a broadcast board, a logical clock and injected faults.

This plays the part of kyber's ``Protocol`` + ``Board`` + ``TimePhaser`` (``share/dkg/protocol.go``)
and of drand's echo broadcast (``internal/dkg/broadcast.go``), without threads or sleeping:

* **clock** — time is counted in ticks (think seconds), from the kickoff at tick 0. As in drand,
  ONE phaser (:class:`TimePhaser`, kyber's ``TimePhaser``) is started at kickoff and fires the deal,
  response, justification and finish phases at the fixed ticks ``0, P, 2P, 3P``, where ``P`` is
  ``phase_timeout`` (drand's ``DefaultDKGPhaseTimeout``, 10 s). A phase's deadline is therefore
  the phaser's next tick, wherever the phase started: a phase entered early is not given a fresh
  ``P``. A message takes ``latency`` ticks to arrive; one arriving after its phase has ended is
  *dropped*, as a node that has moved on no longer reads it. With fast sync (drand's setting) a
  node only moves *forward* early: to the response phase once it holds every old node's deal, to
  the justification phase once it holds every new node's response, and to the end of the
  justification phase only once *every old node* has sent a justification (rare: only dealers
  with complaints against them justify), so a DKG with a complaint normally ends at ``3P``.
* **board** — every bundle is broadcast to every participant. Each recipient first checks the
  Schnorr signature against the key of the node the bundle's index names, and only then stores it
  in its packet set, which keeps one bundle per author and drops an author who sent two different
  ones — the order of kyber's ``Protocol.startFast``, which calls ``verify`` and then
  ``set.Push``. Checking second would let anyone silence an honest dealer: a forged copy of its
  deal (signed by another key) would "conflict" with the genuine one and both would be dropped.
* **faults** — a :class:`FaultPlan` tampers with chosen nodes' outgoing bundles (the nodes' own
  code stays honest, the network copy is what lies): silent dealers, wrong shares to some
  holders, wrong commitments, wrong or missing justifications, late bundles, bad signatures,
  forged copies of an honest dealer's deal, a dealer who, having drawn a complaint, decides
  *after seeing every commitment* whether to answer it (:attr:`FaultPlan.justify`), and a dealer who
  deals last and grinds its polynomial against everyone else's commitments
  (:attr:`FaultPlan.last_dealer`, :attr:`FaultPlan.grind`).
* **indices** — a node's DKG index is the rank of its public key (compressed bytes) among the
  participants, as drand's ``util.SortedByPublicKey`` orders them before building kyber's node
  lists (``internal/dkg/execution.go``, ``setupDKG``), for fresh DKGs and resharings alike.

The Joint-Feldman bias. The DKG kyber runs is Pedersen's "Joint-Feldman" protocol, which Gennaro,
Jarecki, Krawczyk and Rabin (1999) showed does *not* give a uniformly random key. Two levers:

* **choosing QUAL** — a dealer who drew a complaint sees every commitment (hence both candidate
  group keys, with and without its own polynomial) before it decides whether to justify. Justifying
  keeps it in QUAL, staying silent drops it: it picks one of two keys, one bit per such dealer, and
  the complaint is there for all to see. :attr:`FaultPlan.justify` plays it (Exercise 5).
* **grinding, sending last** — bundles travel in clear and every node takes them as they arrive
  (kyber's ``startFast`` pushes each verified deal and moves on once it has all of them); nothing
  makes a dealer commit to its polynomial before it has seen the others'. A dealer that waits for
  every other deal knows ``Σ_{j≠i} A_{j,0}`` and can draw polynomials until the key
  ``Σ_{j≠i} A_{j,0} + a_0·G`` has any k-bit property it likes, in about ``2**k`` tries, then deal
  that one honestly: no complaint, nothing in any log. :attr:`FaultPlan.grind` plays it.

Either way nobody learns the secret (the key is still a sum with other dealers' random, unknown
``f_j(0)``). drand accepts this: the group key only verifies beacons, and a key with a few chosen
bits gives no control over any beacon (each is still a BLS signature no coalition below the
threshold can compute).

:func:`run_dkg` returns a :class:`DKGOutcome` (every node's result, the group key, QUAL, the
message log) when all honest nodes agree, and raises :class:`~drand_edu.errors.DKGError` saying
which honest nodes failed and why otherwise.

drand's and kyber's code, and ours beside it:

* kyber's
  [`startFast`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L153-L272)
  loop: each incoming bundle is
  checked with ``verify`` first and only then pushed into its phase's packet
  [`Push`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L362-L380)
  set (one packet per author; two different
  ones evict the author) — our :func:`execute`'s ``receive`` (``verify_packets``, then
  ``_dedupe``). :func:`execute` drives the phases that ``startFast`` and the phaser drive: kyber's
  [`TimePhaser.Start`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L36-L62)
  sleeps ``P`` between its four signals, and drand's
  [`startDKGExecution`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L173-L238)
  starts one ``NewTimePhaser(TimeBetweenDKGPhases)`` per DKG — our :class:`TimePhaser`. The early
  moves are ``startFast``'s counts (``deals.Len() == oldN``, ``resps.Len() == newN``,
  ``justifs.Len() == oldN``).
* drand's
  [`SortedByPublicKey`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/util/participant_utils.go#L140-L146),
  used by
  [`setupDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L48-L101)
  before
  [`initialDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L280-L317)
  numbers the nodes:
  :func:`sorted_by_public_key`.
* drand's
  [`asGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L240-L278)
  (the group file from QUAL,
  the seed = the group's hash when none is given) and the ``TransitionTime`` of
  [`startDKGExecution`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L173-L238)
  (the genesis time at epoch 1,
  ten rounds ahead later): :meth:`DKGOutcome.to_group`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tqdm.auto import tqdm

from ...crypto import identity, schnorr
from ...crypto.bls import KeyPair, keygen
from ...crypto.groups import Point
from ...crypto.schemes import DEFAULT_SCHEME, Scheme
from ...errors import DKGError, InvalidInput
from ...rng import Rng, random_scalar, resolve
from ..group import DEFAULT_BEACON_ID, Group, Node
from ..poly import PriShare, PubPoly, minimum_threshold
from . import ecies
from .messages import (
    Bundle,
    Deal,
    DealBundle,
    DKGNode,
    Justification,
    JustificationBundle,
    Result,
    scalar_to_bytes,
)
from .protocol import Config, DistKeyGenerator, Phase, new_nonce, verify_packets

#: drand's ``DefaultDKGPhaseTimeout`` (10 s), in ticks of one second.
DEFAULT_PHASE_TIMEOUT = 10
#: Ticks a bundle takes to reach everyone.
DEFAULT_LATENCY = 1
#: how many polynomials a grinding dealer (``FaultPlan.grind``) tries before giving up: enough for a
#: property of about 10 bits (a k-bit property needs 2**k tries on average)
MAX_GRIND_TRIES = 4096

_PHASE_OF_KIND = {"deal": Phase.DEAL, "response": Phase.RESPONSE, "justification": Phase.JUSTIFICATION}


def _index(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a node index is a non-negative integer, got {value!r}")
    return value


def _bundle_phase(value: object) -> Phase:
    phase = Phase(value)
    if phase not in (Phase.DEAL, Phase.RESPONSE, Phase.JUSTIFICATION):
        raise ValueError(f"bundles are sent in the deal, response or justification phase, not {phase}")
    return phase


@dataclass(frozen=True)
class FaultPlan:
    """Which nodes misbehave, and how. Indices are those the bundles carry: dealer indices for
    deal and justification faults, holder indices for response faults (the same in a fresh DKG).

    * ``silent`` — dealers that never broadcast their deal bundle;
    * ``bad_shares`` — ``(dealer, holder)`` pairs: the holder gets a wrong (but well-encrypted) share;
    * ``bad_commitments`` — dealers whose published commitments do not match their shares;
    * ``bad_justifications`` — dealers that reveal wrong shares when answering complaints;
    * ``missing_justifications`` — dealers that do not answer complaints;
    * ``late`` — ``(index, phase)``: that node's bundle of that phase arrives after the deadline;
    * ``bad_signatures`` — ``(index, phase)``: that node's bundle of that phase carries a signature
      that does not verify;
    * ``forged_deals`` — dealers whose deal bundle is *forged* on the way: an attacker who does not
      hold the dealer's key puts a tampered copy, signed with another key, on the board before
      the genuine one. The dealer itself is honest: since signatures are checked before the
      packet set drops conflicting copies, it stays in QUAL;
    * ``justify`` — a callback for the faulty dealers (those the plan names) that must answer
      complaints: it gets a :class:`JustificationChoice` (every commitment the dealer has seen and
      the two group keys it can choose between) and returns True to justify, False to stay silent
      (and be disqualified). Not called for ``missing_justifications`` dealers.
    * ``last_dealer`` and ``grind`` — the other lever on the group key, and one nobody can see:
      dealer ``last_dealer`` deals *last*. Bundles travel in clear and are taken as they arrive, so it
      first reads every other dealer's commitments, then draws polynomial after polynomial until
      ``grind(group_key)`` is True for the group key that its constant term would give (the sum of
      every dealer's ``A_{j,0}``, its own included), and deals that one, honestly: no complaint, no
      eviction, nobody learns the secret, and a k-bit property of the key costs about 2**k tries
      (at most :data:`MAX_GRIND_TRIES`). The event's note says how many it tried.
    """

    silent: frozenset[int] = frozenset()
    bad_shares: frozenset[tuple[int, int]] = frozenset()
    bad_commitments: frozenset[int] = frozenset()
    bad_justifications: frozenset[int] = frozenset()
    missing_justifications: frozenset[int] = frozenset()
    late: frozenset[tuple[int, Phase]] = frozenset()
    bad_signatures: frozenset[tuple[int, Phase]] = frozenset()
    forged_deals: frozenset[int] = frozenset()
    justify: Callable[[JustificationChoice], bool] | None = field(default=None, compare=False)
    last_dealer: int | None = None
    grind: Callable[[Point], bool] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.justify is not None and not callable(self.justify):
            raise InvalidInput("invalid fault plan: justify must be a callable")
        if self.grind is not None and not callable(self.grind):
            raise InvalidInput("invalid fault plan: grind must be a callable")
        if (self.grind is None) != (self.last_dealer is None):
            raise InvalidInput("invalid fault plan: grind and last_dealer go together")
        try:
            names = (
                "silent",
                "bad_commitments",
                "bad_justifications",
                "missing_justifications",
                "forged_deals",
            )
            for name in names:
                object.__setattr__(self, name, frozenset(_index(i) for i in getattr(self, name)))
            object.__setattr__(
                self, "bad_shares", frozenset((_index(d), _index(h)) for d, h in self.bad_shares)
            )
            for name in ("late", "bad_signatures"):
                pairs = frozenset((_index(i), _bundle_phase(p)) for i, p in getattr(self, name))
                object.__setattr__(self, name, pairs)
            if self.last_dealer is not None:
                object.__setattr__(self, "last_dealer", _index(self.last_dealer))
        except (TypeError, ValueError) as err:
            raise InvalidInput(f"invalid fault plan: {err}") from None

    def check(self, dealers: Iterable[int], holders: Iterable[int]) -> None:
        """Raise :class:`InvalidInput` if the plan names a dealer or holder index that does not exist."""
        dealers, holders = set(dealers), set(holders)
        grinder = {self.last_dealer} if self.last_dealer is not None else set()
        unknown_dealers = (self.faulty_dealers() | self.forged_deals | grinder) - dealers
        unknown_holders = ({h for _, h in self.bad_shares} | self.faulty_holders()) - holders
        if unknown_dealers or unknown_holders:
            raise InvalidInput(
                f"fault plan names unknown dealers {sorted(unknown_dealers)} "
                f"or holders {sorted(unknown_holders)}"
            )

    def faulty_dealers(self) -> set[int]:
        """Indices whose deal or justification bundles are tampered with."""
        dealers = set(self.silent | self.bad_commitments)
        dealers |= self.bad_justifications | self.missing_justifications
        dealers |= {d for d, _ in self.bad_shares}
        dealers |= {i for i, p in self.late | self.bad_signatures if p in (Phase.DEAL, Phase.JUSTIFICATION)}
        return dealers

    def faulty_holders(self) -> set[int]:
        """Indices whose response bundles are tampered with."""
        return {i for i, p in self.late | self.bad_signatures if p == Phase.RESPONSE}

    def is_empty(self) -> bool:
        grinds = self.last_dealer is not None
        return not (self.faulty_dealers() or self.faulty_holders() or self.forged_deals or grinds)


@dataclass(frozen=True)
class JustificationChoice:
    """What a dealer who drew complaints knows when it decides whether to justify.

    ``commitments`` holds every dealer's public polynomial as this dealer received it (its own
    included), ``complaints`` the holders who complained about it, ``evicted`` the dealers it
    already knows to be out. :meth:`keys` gives the two group keys it chooses between.
    """

    dealer: int
    commitments: Mapping[int, PubPoly]
    complaints: tuple[int, ...]
    evicted: tuple[int, ...]

    def key(self, justified: bool) -> Point:
        """The group key if this dealer justifies (``True``) or stays silent (``False``).

        The sum of the constant terms ``A_{i,0}`` of the dealers that stay in QUAL; this assumes the
        other dealers with pending complaints answer them (honest dealers always do).
        """
        dealers = [d for d in sorted(self.commitments) if d not in self.evicted]
        if not justified:
            dealers = [d for d in dealers if d != self.dealer]
        if not dealers:
            raise DKGError("no dealer would remain in QUAL")
        total = self.commitments[dealers[0]].commit()
        for d in dealers[1:]:
            total = total + self.commitments[d].commit()
        return total

    def keys(self) -> tuple[Point, Point]:
        """``(key if justified, key if silent)``."""
        return self.key(True), self.key(False)


@dataclass(frozen=True)
class MessageEvent:
    """One broadcast bundle, for logs and plots: who sent what, when, and whether it counted."""

    phase: Phase
    kind: str
    author: int
    sent: int
    arrival: int | None  # None: never sent (a silent dealer, a missing justification)
    size: int
    delivered: bool
    note: str = ""
    #: for a response bundle: the dealers it complains about (empty for all-success or other kinds)
    complaints: tuple[int, ...] = ()


@dataclass
class Participant:
    """One simulated node: its long-term key, its config, its protocol state and how it ended."""

    label: str
    keypair: KeyPair
    config: Config
    old_index: int | None = None
    new_index: int | None = None
    generator: DistKeyGenerator | None = None
    result: Result | None = None
    error: str | None = None

    def __repr__(self) -> str:
        return f"Participant({self.label!r}, old={self.old_index}, new={self.new_index})"


@dataclass(frozen=True, eq=False)
class DKGOutcome:
    """Everything a DKG (or resharing) left behind, per node and for the group.

    ``keys`` holds the new group's long-term key pairs (secrets inside: the repr hides them), so a
    later resharing can run with the same nodes. ``results`` and ``keys`` are indexed by the
    node's index in the (new) group.
    """

    scheme: Scheme
    threshold: int
    nodes: tuple[DKGNode, ...]
    keys: Mapping[int, KeyPair] = field(repr=False)
    results: Mapping[int, Result]
    errors: Mapping[str, str]
    honest: tuple[int, ...]
    public_poly: PubPoly | None
    qual: tuple[int, ...]
    phases: tuple[Phase, ...]
    clock: int
    log: tuple[MessageEvent, ...]
    nonce: bytes
    old_threshold: int | None = None
    #: ``(phase, start tick, end tick)`` of each phase that ran (for figures; a phase may carry no bundle)
    phase_times: tuple[tuple[Phase, int, int], ...] = ()
    #: the phaser's period ``P``: it signalled the phases at ticks 0, P, 2P and 3P
    phase_timeout: int = DEFAULT_PHASE_TIMEOUT

    @property
    def ok(self) -> bool:
        """True when the honest nodes finished and agree."""
        return self.public_poly is not None

    @property
    def group_key(self) -> Point:
        """The distributed public key ``A_0`` (raises :class:`DKGError` if the DKG failed)."""
        if self.public_poly is None:
            raise DKGError("this DKG did not produce a group key: " + "; ".join(self.errors.values()))
        return self.public_poly.commit()

    def share(self, index: int) -> PriShare:
        """Node ``index``'s private share (a secret)."""
        if index not in self.results:
            raise InvalidInput(f"node {index} has no share from this DKG")
        return self.results[index].key.share

    def shares(self) -> list[PriShare]:
        """The honest nodes' shares, by index."""
        return [self.share(i) for i in self.honest if i in self.results]

    def to_group(
        self,
        period: int,
        genesis_time: int,
        *,
        catchup_period: int = 0,
        addresses: Sequence[str] | None = None,
        beacon_id: str = DEFAULT_BEACON_ID,
        genesis_seed: bytes = b"",
        transition_time: int = 0,
    ) -> Group:
        """The group file this DKG produces (drand's ``asGroup``, ``internal/dkg/execution.go``).

        Its nodes are the QUAL members (with their DKG indices and their self-signatures, as
        drand's ``util.ToKeyNode`` copies each participant's ``Signature``), its public key the
        distributed polynomial. A first DKG leaves ``genesis_seed`` empty: the seed is then the group's own
        hash, as drand sets it; a resharing passes the chain's seed and a ``transition_time``.
        ``addresses`` (one per node of the DKG, by index) default to ``127.0.0.1:4444+i``.
        ``catchup_period`` is in whole seconds and defaults to 0, drand's default
        (``--catchup-period``, ``internal/drand-cli/cli.go``): a node behind the clock signs the next
        round as soon as the previous one is in.
        """
        if self.public_poly is None:
            raise DKGError("a failed DKG has no group")
        if addresses is None:
            addresses = [f"127.0.0.1:{4444 + node.index}" for node in self.nodes]
        if len(addresses) != len(self.nodes):
            raise InvalidInput(f"need {len(self.nodes)} addresses, got {len(addresses)}")
        by_index = {node.index: node for node in self.nodes}
        nodes = tuple(
            Node(addresses[i], by_index[i].public.to_bytes(), i, self.signature(i)) for i in self.qual
        )
        group = Group(
            threshold=self.threshold,
            period=period,
            catchup_period=catchup_period,
            nodes=nodes,
            genesis_time=genesis_time,
            transition_time=transition_time or genesis_time,
            genesis_seed=genesis_seed,
            scheme=self.scheme,
            beacon_id=beacon_id,
            public_key=self.public_poly,
        )
        return group if genesis_seed else replace(group, genesis_seed=group.hash())

    def signature(self, index: int) -> bytes:
        """Node ``index``'s self-signature of its identity (:func:`drand_edu.crypto.identity.self_sign`)."""
        if index not in self.keys:
            raise InvalidInput(f"node {index} has no key pair in this outcome")
        return identity.self_sign(self.scheme, self.keys[index].secret)

    @property
    def message_counts(self) -> dict[str, int]:
        """Bundles broadcast per kind (each one reaches every participant)."""
        counts = {"deal": 0, "response": 0, "justification": 0}
        for event in self.log:
            if event.arrival is not None:
                counts[event.kind] += 1
        return counts

    @property
    def messages(self) -> int:
        """Total bundles broadcast."""
        return sum(self.message_counts.values())

    @property
    def bytes_sent(self) -> int:
        """Total size of the broadcast bundles."""
        return sum(e.size for e in self.log if e.arrival is not None)

    def __repr__(self) -> str:
        key = repr(self.public_poly.commit()) if self.public_poly is not None else "failed"
        return (
            f"DKGOutcome(n={len(self.nodes)}, t={self.threshold}, scheme={self.scheme.id!r}, "
            f"qual={list(self.qual)}, key={key}, phases={[str(p) for p in self.phases]}, "
            f"messages={self.messages}, clock={self.clock})"
        )


def sorted_by_public_key(keys: Iterable[KeyPair]) -> list[KeyPair]:
    """Key pairs in drand's DKG order: by the bytes of the compressed public key.

    drand's ``util.SortedByPublicKey`` sorts the proposal's participants (remaining + joining) by
    their marshalled key, and ``initialDKGConfig``/``reshareDKGConfig`` give participant ``k`` of
    that list the DKG index ``k``: the index is the key's rank, whatever order the nodes were
    created or listed in. Same bytes, same order: our group hashes and genesis seeds are drand's.
    """
    return sorted(keys, key=lambda k: k.public.to_bytes())


# -- tampering: the network copy of a faulty node's bundle ----------------------------------------
def _resign(bundle: Bundle, keypair: KeyPair, participant: Participant, rng: Rng) -> Bundle:
    group = participant.config.group
    return bundle.with_signature(schnorr.sign(group, keypair.secret, bundle.hash(), rng))


def _tamper_deal(bundle: DealBundle, p: Participant, faults: FaultPlan, rng: Rng) -> DealBundle:
    group = p.config.group
    dealer = bundle.dealer_index
    deals = list(bundle.deals)
    public = list(bundle.public)
    changed = False
    holders = {h for d, h in faults.bad_shares if d == dealer}
    if holders:
        keys = {n.index: n.public for n in p.config.new_nodes}
        for k, deal in enumerate(deals):
            if deal.share_index in holders:
                wrong = scalar_to_bytes(random_scalar(group.order, rng))
                deals[k] = Deal(deal.share_index, ecies.encrypt(group, keys[deal.share_index], wrong, rng))
                changed = True
    if dealer in faults.bad_commitments:
        public[-1] = (group.generator() * random_scalar(group.order, rng)).to_bytes()
        changed = True
    if not changed:
        return bundle
    tampered = DealBundle(dealer, tuple(deals), tuple(public), bundle.session_id)
    return _resign(tampered, p.keypair, p, rng)


def _tamper_justification(bundle: JustificationBundle, p: Participant, rng: Rng) -> JustificationBundle:
    order = p.config.group.order
    wrong = tuple(Justification(j.share_index, (j.share + 1) % order) for j in bundle.justifications)
    tampered = JustificationBundle(bundle.dealer_index, wrong, bundle.session_id)
    return _resign(tampered, p.keypair, p, rng)


def _forge_signature(bundle: Bundle, p: Participant, rng: Rng) -> Bundle:
    """Signed by a key that is not the author's: every recipient must drop it."""
    group = p.config.group
    return bundle.with_signature(schnorr.sign(group, random_scalar(group.order, rng), bundle.hash(), rng))


def _forge_copy(bundle: DealBundle, p: Participant, rng: Rng) -> DealBundle:
    """A copy of ``bundle`` with other commitments, signed by someone without the dealer's key."""
    group = p.config.group
    public = list(bundle.public)
    public[-1] = (group.generator() * random_scalar(group.order, rng)).to_bytes()
    forged = DealBundle(bundle.dealer_index, bundle.deals, tuple(public), bundle.session_id)
    return _forge_signature(forged, p, rng)


def _dedupe(bundles: Sequence[Bundle]) -> list[Bundle]:
    """kyber's packet ``set``: keep one bundle per author; two different ones from an author → neither.

    Only for bundles whose signature was checked already (see :func:`execute`'s ``receive``).
    """
    kept: dict[int, Bundle] = {}
    bad: set[int] = set()
    for bundle in bundles:
        if bundle.index in bad:
            continue
        previous = kept.get(bundle.index)
        if previous is None:
            kept[bundle.index] = bundle
        elif previous.hash() != bundle.hash():
            del kept[bundle.index]
            bad.add(bundle.index)
    return list(kept.values())


@dataclass(frozen=True)
class _Outgoing:
    """A bundle leaving a node: ``bundle`` None means withheld (a fault); ``note`` says what is odd."""

    kind: str
    author: int
    bundle: Bundle | None
    note: str = ""

    @property
    def complaints(self) -> tuple[int, ...]:
        """The dealers a response bundle complains about (kept in the log, for figures and checks)."""
        responses = getattr(self.bundle, "responses", ())
        return tuple(sorted(r.dealer_index for r in responses if not r.status))


#: The order in which kyber's ``TimePhaser.Start`` signals the phases, one period apart.
PHASER_ORDER = (Phase.DEAL, Phase.RESPONSE, Phase.JUSTIFICATION, Phase.FINISH)


@dataclass(frozen=True)
class TimePhaser:
    """drand's DKG clock: one kyber ``TimePhaser`` started at kickoff for the whole run.

    It signals deal at ``kickoff``, response at ``kickoff + P``, justification at ``kickoff + 2P``
    and finish at ``kickoff + 3P`` (``P`` = ``period``, drand's ``TimeBetweenDKGPhases``), however
    fast the nodes went: fast sync moves a node into the next phase before the signal, and the
    late signal then finds the node already past it and does nothing.
    """

    period: int
    kickoff: int = 0

    def fires_at(self, phase: Phase) -> int:
        """The tick at which the phaser signals ``phase``."""
        return self.kickoff + PHASER_ORDER.index(Phase(phase)) * self.period

    def deadline(self, phase: Phase) -> int:
        """The last tick of ``phase``: when the phaser signals the phase after it."""
        return self.fires_at(phase) + self.period


class Board:
    """The broadcast channel and the clock of one run (the phaser started at tick 0)."""

    def __init__(self, phase_timeout: int, latency: int, fast_sync: bool) -> None:
        if phase_timeout < 1 or latency < 0:
            raise InvalidInput("phase_timeout must be >= 1 tick and latency >= 0 ticks")
        self.phase_timeout = phase_timeout
        self.phaser = TimePhaser(phase_timeout)
        self.latency = latency
        self.fast_sync = fast_sync
        self.clock = 0
        self.log: list[MessageEvent] = []
        self.phases: list[Phase] = []
        self.phase_times: list[tuple[Phase, int, int]] = []

    def run_phase(self, phase: Phase, outgoing: Sequence[_Outgoing], expected: int) -> list[Bundle]:
        """Broadcast the phase's bundles at the current tick; return those delivered before it ends.

        The phase ends when the phaser signals the next one (a fixed tick, not ``start + P``), or
        (fast sync) as soon as ``expected`` bundles are in.
        """
        self.phases.append(phase)
        start, deadline = self.clock, self.phaser.deadline(phase)
        arrivals: list[int | None] = []
        for out in outgoing:
            if out.bundle is None:
                arrivals.append(None)
            elif out.note == "late":
                arrivals.append(deadline + max(self.latency, 1))
            else:
                arrivals.append(start + self.latency)
        on_time = [a for a in arrivals if a is not None and a <= deadline]
        end = deadline
        if self.fast_sync and on_time and len(on_time) >= expected:
            end = max(on_time)  # everyone heard from everyone: move on early
        delivered = []
        for out, arrival in zip(outgoing, arrivals, strict=True):
            ok = arrival is not None and arrival <= end
            note = out.note
            if out.bundle is None:
                note = note or "withheld"
            elif not ok:
                note = note or "arrived after the phase ended"
            if ok:
                delivered.append(out.bundle)
            size = out.bundle.wire_size() if out.bundle is not None else 0
            event = MessageEvent(phase, out.kind, out.author, start, arrival, size, ok, note, out.complaints)
            self.log.append(event)
        self.clock = end
        self.phase_times.append((phase, start, end))
        return delivered


def _grind(
    p: Participant, seen: Sequence[_Outgoing], predicate: Callable[[Point], bool], rng: Rng
) -> _Outgoing:
    """The last dealer's lever: redraw our polynomial until the group key it gives satisfies ``predicate``.

    ``seen`` is what is on the board already: every other dealer's bundle, commitments in clear. The
    candidate key is the sum of their constant terms ``A_{j,0}`` and ours (the key if everyone qualifies).
    """
    group = p.generator.group
    others: dict[int, Point] = {}
    for out in seen:
        if out.bundle is not None and out.kind == "deal" and out.bundle.index not in others:
            others[out.bundle.index] = group.from_bytes(out.bundle.public[0])
    base = group.identity()
    for point in others.values():
        base = base + point
    for tries in range(1, MAX_GRIND_TRIES + 1):
        if tries > 1:
            p.generator = DistKeyGenerator(p.config, rng)  # a fresh polynomial: a fresh constant term
        if predicate(base + p.generator.public_poly().commit()):
            bundle = p.generator.deals()
            return _Outgoing("deal", bundle.index, bundle, f"dealt last, after {tries} polynomials tried")
    raise DKGError(f"grinding gave up after {MAX_GRIND_TRIES} polynomials")


def execute(
    participants: Sequence[Participant],
    faults: FaultPlan,
    rng: Rng,
    *,
    fast_sync: bool,
    phase_timeout: int,
    latency: int,
    progress: bool,
    description: str = "DKG",
) -> Board:
    """Drive ``participants`` through deal → response → (justification) → finish; fill in their results."""
    board = Board(phase_timeout, latency, fast_sync)
    faulty = faults.faulty_dealers()
    for p in participants:
        try:
            p.generator = DistKeyGenerator(p.config, rng)
        except DKGError as err:
            p.error = str(err)
    alive = [p for p in participants if p.generator is not None]
    dealers = [p for p in alive if p.generator.can_issue]
    n_dealers = len(alive[0].generator.old_nodes) if alive else 0
    n_holders = len(alive[0].config.new_nodes) if alive else 0
    bar = tqdm(total=len(dealers) + 3 * len(alive), desc=description, disable=not progress, leave=False)

    def step(p: Participant, action: Callable[[], object]) -> object:
        try:
            return action()
        except DKGError as err:
            p.error = str(err)
            return None
        finally:
            bar.update(1)

    def send(bundle: Bundle, p: Participant, phase: Phase) -> _Outgoing:
        if (bundle.index, phase) in faults.bad_signatures:
            return _Outgoing(bundle.kind, bundle.index, _forge_signature(bundle, p, rng), "bad signature")
        if (bundle.index, phase) in faults.late:
            return _Outgoing(bundle.kind, bundle.index, bundle, "late")
        return _Outgoing(bundle.kind, bundle.index, bundle)

    def receive(p: Participant, bundles: Sequence[Bundle]) -> list[Bundle]:
        # kyber Protocol.startFast: verify the signature, then push into the packet set
        return _dedupe(verify_packets(p.config, bundles, rng))

    def running() -> list[Participant]:
        return [p for p in alive if p.error is None]

    # -- deal phase
    outgoing: list[_Outgoing] = []
    grinder = faults.last_dealer
    for p in dealers:
        if p.generator.oidx == grinder:
            continue  # it deals last, after reading everyone else's bundle
        bundle = step(p, p.generator.deals)
        if bundle is None:
            continue
        if bundle.index in faults.forged_deals:
            forged = _forge_copy(bundle, p, rng)
            outgoing.append(_Outgoing("deal", bundle.index, forged, "forged copy"))
        if bundle.index in faults.silent:
            outgoing.append(_Outgoing("deal", bundle.index, None, "silent dealer"))
        else:
            outgoing.append(send(_tamper_deal(bundle, p, faults, rng), p, Phase.DEAL))
    for p in dealers:
        if p.generator.oidx == grinder and faults.grind is not None:
            ground = step(p, lambda p=p: _grind(p, outgoing, faults.grind, rng))
            if ground is not None:
                outgoing.append(ground)
    deals = board.run_phase(Phase.DEAL, outgoing, n_dealers)

    # -- response phase
    outgoing = []
    for p in running():
        received = receive(p, deals) if p.generator.can_receive else []
        response = step(p, lambda p=p, received=received: p.generator.process_deals(received))
        if response is not None:
            outgoing.append(send(response, p, Phase.RESPONSE))
    responses = board.run_phase(Phase.RESPONSE, outgoing, n_holders)

    outgoing = []
    for p in running():
        if not p.generator.can_receive:
            continue  # a leaver's part ended with its deal: kyber's ProcessResponses refuses it
        received = receive(p, responses)
        answer = step(p, lambda p=p, received=received: p.generator.process_responses(received))
        if answer is None:
            continue
        p.result, justification = answer
        if justification is None:
            continue
        if justification.index in faults.missing_justifications:
            outgoing.append(_Outgoing("justification", justification.index, None, "missing justification"))
            continue
        if faults.justify is not None and justification.index in faulty:
            generator = p.generator
            choice = JustificationChoice(
                dealer=justification.index,
                commitments=dict(generator.all_publics),
                complaints=tuple(j.share_index for j in justification.justifications),
                evicted=tuple(generator.evicted),
            )
            if not faults.justify(choice):
                note = "chose not to justify"
                outgoing.append(_Outgoing("justification", justification.index, None, note))
                continue
        if justification.index in faults.bad_justifications:
            justification = _tamper_justification(justification, p, rng)
        outgoing.append(send(justification, p, Phase.JUSTIFICATION))

    # -- justification phase, only if someone still waits for it
    waiting = [p for p in running() if p.generator.state == Phase.JUSTIFICATION]
    if waiting:
        justifications = board.run_phase(Phase.JUSTIFICATION, outgoing, n_dealers)
        for p in waiting:
            received = receive(p, justifications)
            result = step(p, lambda p=p, received=received: p.generator.process_justifications(received))
            if isinstance(result, Result):
                p.result = result
    bar.update(bar.total - bar.n)
    board.phases.append(Phase.FINISH)
    bar.close()
    return board


def summarize(
    participants: Sequence[Participant],
    board: Board,
    *,
    scheme: Scheme,
    threshold: int,
    nodes: Sequence[DKGNode],
    honest: Iterable[int],
    nonce: bytes,
    check: bool,
    old_threshold: int | None = None,
) -> DKGOutcome:
    """Collect the participants' results; check that the honest ones finished and agree."""
    members = {p.new_index: p for p in participants if p.new_index is not None}
    honest = tuple(sorted(i for i in honest if i in members))
    results = {i: p.result for i, p in members.items() if p.result is not None}
    errors = {p.label: p.error for p in participants if p.error is not None}
    problems = [f"{members[i].label}: {members[i].error or 'no result'}" for i in honest if i not in results]
    reference = results[honest[0]] if honest and honest[0] in results else None
    if reference is not None:
        for i in honest:
            if i in results and not results[i].public_equal(reference):
                problems.append(f"{members[i].label} disagrees with {members[honest[0]].label}")
    if not honest:
        problems.append("no honest node in the new group")
    ok = not problems and reference is not None
    if check and not ok:
        raise DKGError("DKG failed: " + "; ".join(problems))
    return DKGOutcome(
        scheme=scheme,
        threshold=threshold,
        nodes=tuple(nodes),
        keys={i: p.keypair for i, p in members.items()},
        results=results,
        errors=errors,
        honest=honest,
        public_poly=reference.key.commits if ok else None,
        qual=tuple(n.index for n in reference.qual) if ok else (),
        phases=tuple(board.phases),
        phase_times=tuple(board.phase_times),
        phase_timeout=board.phase_timeout,
        clock=board.clock,
        log=tuple(board.log),
        nonce=nonce,
        old_threshold=old_threshold,
    )


def check_threshold(threshold: int | None, n: int, *, allow_insecure: bool, what: str = "threshold") -> int:
    """The threshold for ``n`` nodes (default ``⌊n/2⌋+1``), checked as drand checks a proposal's.

    drand refuses a DKG proposal whose threshold exceeds the node count or falls below
    ``MinimumT(n) = ⌊n/2⌋+1`` in
    [`validateForAllDKGs`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L732-L766)
    (``ErrThresholdHigherThanNodeCount``, ``ErrThresholdTooLow``), the validation every
    proposal goes through (``ValidateProposal``). :func:`run_dkg` and :func:`~.reshare.run_reshare`
    skip the proposal, so their threshold argument is checked here the same way;
    ``allow_insecure`` lets an experiment go below the floor (a minority could then sign, and two
    disjoint halves of the nodes could both run the chain).
    """
    threshold = minimum_threshold(n) if threshold is None else threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= n:
        raise InvalidInput(f"{what} must be in [1, {n}], got {threshold!r}")
    if threshold < minimum_threshold(n) and not allow_insecure:
        raise InvalidInput(
            f"{what} {threshold} is below drand's minimum ⌊n/2⌋+1 = {minimum_threshold(n)} for {n} nodes "
            "(drand refuses such a proposal: ErrThresholdTooLow); pass allow_insecure_threshold=True "
            "to experiment with it"
        )
    return threshold


def run_dkg(
    n: int,
    threshold: int | None = None,
    scheme: Scheme = DEFAULT_SCHEME,
    *,
    rng: Rng | None = None,
    faults: FaultPlan | None = None,
    progress: bool = False,
    fast_sync: bool = True,
    phase_timeout: int = DEFAULT_PHASE_TIMEOUT,
    latency: int = DEFAULT_LATENCY,
    nonce: bytes | None = None,
    check: bool = True,
    allow_insecure_threshold: bool = False,
) -> DKGOutcome:
    """A fresh DKG among ``n`` simulated nodes with threshold ``threshold`` (default ``⌊n/2⌋+1``).

    Every node gets a long-term key pair on the scheme's key group; its index (its label
    ``node i``) is the rank of its public key among the ``n`` (drand's order, see
    :func:`sorted_by_public_key`). Then every node runs kyber's protocol over the simulated
    board. ``faults`` makes some nodes misbehave; the others (the *honest* nodes) must finish
    with the same public polynomial and QUAL, else :class:`DKGError` (unless ``check=False``:
    then the outcome comes back with ``ok == False`` and the errors inside).
    A seeded ``rng`` makes the whole run — keys, polynomials, encryption, signatures — reproducible.
    A threshold below ``⌊n/2⌋+1`` raises :class:`InvalidInput`, as drand refuses such a proposal
    (:func:`check_threshold`), unless ``allow_insecure_threshold=True`` (for experiments).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput(f"a DKG needs at least one node, got {n!r}")
    threshold = check_threshold(threshold, n, allow_insecure=allow_insecure_threshold)
    rng = resolve(rng)
    faults = faults or FaultPlan()
    faults.check(range(n), range(n))
    nonce = new_nonce(rng) if nonce is None else nonce
    keys = sorted_by_public_key([keygen(scheme, rng) for _ in range(n)])
    nodes = tuple(DKGNode(i, k.public) for i, k in enumerate(keys))
    participants = [
        Participant(
            label=f"node {i}",
            keypair=k,
            config=Config(scheme, k.secret, nodes, nonce, threshold, fast_sync=fast_sync),
            old_index=i,
            new_index=i,
        )
        for i, k in enumerate(keys)
    ]
    board = execute(
        participants,
        faults,
        rng,
        fast_sync=fast_sync,
        phase_timeout=phase_timeout,
        latency=latency,
        progress=progress,
        description=f"DKG n={n}",
    )
    faulty = faults.faulty_dealers() | faults.faulty_holders()
    return summarize(
        participants,
        board,
        scheme=scheme,
        threshold=threshold,
        nodes=nodes,
        honest=[i for i in range(n) if i not in faulty],
        nonce=nonce,
        check=check,
    )
