"""Pedersen's distributed key generation (and resharing), one node's side, after kyber's ``share/dkg/dkg.go``.

Every dealer picks a secret polynomial ``f_i`` of degree ``t-1`` and deals ``f_i(j+1)`` to
holder ``j``, encrypted to ``j``'s long-term key, with public commitments to ``f_i``. The group
secret is ``Σ f_i(0)`` over the *qualified* dealers, node ``j``'s share is ``Σ f_i(j+1)``, and the
group's public polynomial is the sum of the commitments: nobody ever knows the secret.

One run has three phases (:class:`Phase`), ended by the signals of ONE kyber ``TimePhaser`` that
drand starts at kickoff: at fixed offsets P, 2P and 3P from it, P being ``DefaultDKGPhaseTimeout``
= 10 s (``internal/core/constants.go``); fast sync only moves a node on earlier (the driver,
:mod:`.driver`, runs that clock):

1. **deal** — each dealer broadcasts a :class:`~.messages.DealBundle`
   (:meth:`DistKeyGenerator.deals`);
2. **response** — each holder decrypts its shares, checks them against the commitments and
   broadcasts complaints (and, with *fast sync*, its successes too)
   (:meth:`DistKeyGenerator.process_deals`);
3. **justification** — a dealer with complaints publishes the disputed shares in clear
   (:meth:`DistKeyGenerator.process_responses`); anyone can check them against the commitments
   (:meth:`DistKeyGenerator.process_justifications`).

If nobody complained, every node finishes at the end of the response phase. The rules
(kyber's, reproduced here):

* a deal whose share does not match its dealer's commitments, or that is missing → complaint;
* a bundle with a wrong session id, a wrong number of commitments, a share index outside the
  group, or a second bundle from the same dealer → the dealer is *evicted* at once;
* a dealer with at least ``t`` complaints is evicted (its polynomial is now public anyway);
* a complaint answered by a valid justification is resolved; an invalid or missing one leaves
  the dealer disqualified;
* QUAL = dealers not evicted whose every share is accounted for; fewer than ``t`` of them (the
  old threshold in a resharing) → :class:`~drand_edu.errors.DKGError`.

**Resharing** (same code, kyber's design): old nodes deal their *current share* as the secret of
a new polynomial (``f_i(0) = x_i``); a new node interpolates the shares it received, indexed by
dealer, at 0 (Lagrange, old threshold) and the public polynomial coefficient by coefficient. The
group key ``Σ λ_i x_i · G`` does not change; every share does.

**Fast sync** (``Config.fast_sync``, kyber ``FastSync``; drand sets it): holders also send
success responses, so a node can move on as soon as it has heard from everyone instead of
waiting for the timeout; a holder that sends no response at all is then evicted.

Where we differ from kyber, on purpose: shares are checked in one batch per holder (random
linear combination, one multi-scalar multiplication; a failed batch falls back to one check per
dealer); a fresh DKG whose QUAL ends below the threshold is refused (kyber checks this only in
resharing).

**Leavers** (a resharing's nodes only in the old group), as in kyber and drand: they *deal* — they
hold old shares (``can_issue``) — and get no new share (not ``can_receive``): :meth:`process_deals`
just moves them on, and :meth:`process_responses` refuses them, as kyber's
[`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L560-L566)
does, so a leaver never justifies: a complaint against its deal disqualifies that deal. drand runs a
leaver this way: on the leader's execute packet the leaver's state moves to ``Left``
([`Executing`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L510-L519)),
yet [`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L21-L67)
still calls ``executeDKG``, whose
[`reshareDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L319-L352)
puts it in ``OldNodes`` with its old share, so it deals to the remaining and joining nodes. A leaver
that is offline simply deals nothing (the others then need ``OldThreshold`` deals without it).

kyber's code, function by function (``share/dkg/dkg.go``):
[`NewDistKeyHandler`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L192-L337)
→ :class:`DistKeyGenerator`;
[`Deals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L339-L380)
→ :meth:`DistKeyGenerator.deals`;
[`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L386-L548)
→ :meth:`DistKeyGenerator.process_deals`
(the checks in the same order: dealer known, session id, number of commitments, a second bundle);
[`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L560-L718)
→ :meth:`DistKeyGenerator.process_responses`;
[`ProcessJustifications`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L725-L852)
→
:meth:`DistKeyGenerator.process_justifications`;
[`computeDKGResult`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L984-L1036)
and
[`computeResharingResult`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L870-L982)
→ ``_dkg_result`` and
``_resharing_result``;
[`checkIfEvicted`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L1045-L1073)
→
``_check_if_evicted``;
[`VerifyPacketSignature`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L255-L297)
→
:func:`verify_packet_signature`.

Not a uniformly random key: this is the Joint-Feldman DKG, and a dealer who drew a complaint
chooses, after seeing every commitment, whether to justify — so between two group keys (Gennaro,
Jarecki, Krawczyk, Rabin 1999). See :mod:`.driver` (``FaultPlan.justify``) for why drand accepts it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from ...crypto import schnorr
from ...crypto.groups import CurveGroup, Point
from ...crypto.schemes import Scheme
from ...errors import DKGError, InvalidPoint, InvalidShare, NotEnoughShares
from ...rng import Rng, random_bytes, random_scalar, resolve
from ..poly import PriPoly, PriShare, PubPoly, PubShare, minimum_threshold, recover_commit, recover_secret
from . import ecies
from .messages import (
    COMPLAINT,
    NONCE_LENGTH,
    SCALAR_SIZE,
    SUCCESS,
    Bundle,
    Deal,
    DealBundle,
    DistKeyShare,
    DKGNode,
    Justification,
    JustificationBundle,
    Response,
    ResponseBundle,
    Result,
    scalar_to_bytes,
)

logger = logging.getLogger(__name__)

#: Bits of the random weights of the batch share check (a bad share slips through with ~2^-64).
BATCH_WEIGHT_BITS = 64


class Phase(IntEnum):
    """kyber's ``dkg.Phase``: where a node is in the protocol."""

    INIT = 0
    DEAL = 1
    RESPONSE = 2
    JUSTIFICATION = 3
    FINISH = 4

    def __str__(self) -> str:
        return ("init", "deal", "response", "justification", "finished")[self.value]


def new_nonce(rng: Rng | None = None) -> bytes:
    """A fresh 32-byte session id (kyber ``GetNonce``): it must never repeat across runs."""
    return random_bytes(NONCE_LENGTH, rng)


def nonce_for_epoch(epoch: int) -> bytes:
    """drand's session id for a DKG epoch: ``sha256(epoch as uint32 big-endian)``.

    drand ``internal/dkg/execution.go`` (``nonceFor``): every epoch gets its own nonce, so
    packets of an earlier DKG cannot be replayed into the next one.
    """
    if not isinstance(epoch, int) or not 0 <= epoch < 2**32:
        raise DKGError(f"epoch must fit in a uint32, got {epoch!r}")
    return hashlib.sha256(epoch.to_bytes(4, "big")).digest()


@dataclass(frozen=True)
class Config:
    """Everything one node needs to run a DKG or a resharing (kyber ``dkg.Config``).

    Fresh DKG: ``scheme``, ``longterm``, ``new_nodes``, ``nonce`` (and ``threshold``).
    Resharing: also ``old_nodes`` and ``old_threshold``; a member of the old group passes its
    ``share`` (its old :class:`~.messages.DistKeyShare`), a newcomer passes ``public_coeffs``
    (the old group's public polynomial).

    ``threshold`` 0 means kyber's default, :func:`~drand_edu.threshold.poly.minimum_threshold`.
    kyber's ``Auth`` is fixed here: Schnorr on the scheme's key group, as drand's ``initialDKGConfig``
    builds it (``schnorr.NewScheme(suite)``; the scheme's ``DKGAuthScheme`` field is never read).
    Timeouts are not part of the config: whoever drives the phases decides when each ends
    (:mod:`.driver`, drand's ``TimeBetweenDKGPhases``).
    """

    scheme: Scheme
    longterm: int = field(repr=False)
    new_nodes: tuple[DKGNode, ...]
    nonce: bytes
    threshold: int = 0
    old_nodes: tuple[DKGNode, ...] = ()
    old_threshold: int = 0
    public_coeffs: PubPoly | None = None
    share: DistKeyShare | None = field(default=None, repr=False)
    fast_sync: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "new_nodes", tuple(self.new_nodes))
        object.__setattr__(self, "old_nodes", tuple(self.old_nodes))
        if self.threshold == 0 and self.new_nodes:
            object.__setattr__(self, "threshold", minimum_threshold(len(self.new_nodes)))

    @property
    def group(self) -> CurveGroup:
        """The key group: long-term keys, commitments and the group key all live here."""
        return self.scheme.key_group

    @property
    def is_resharing(self) -> bool:
        return self.share is not None or self.public_coeffs is not None

    def dealers(self) -> tuple[DKGNode, ...]:
        """Who deals: the old group in a resharing, everyone in a fresh DKG."""
        return self.old_nodes if self.old_nodes else self.new_nodes

    def __repr__(self) -> str:
        kind = "reshare" if self.is_resharing else "dkg"
        return (
            f"Config({kind}, scheme={self.scheme.id!r}, n={len(self.new_nodes)}, t={self.threshold}, "
            f"old_n={len(self.old_nodes)}, fast_sync={self.fast_sync}, longterm=<hidden>)"
        )


def _find_pub(nodes: Iterable[DKGNode], public: Point) -> int | None:
    for node in nodes:
        if node.public == public:
            return node.index
    return None


def _find_index(nodes: Iterable[DKGNode], index: int) -> Point | None:
    for node in nodes:
        if node.index == index:
            return node.public
    return None


def _check_duplicates(config: Config) -> None:
    """kyber ``Config.CheckForDuplicates``: an index may appear once per list."""
    for name, nodes in (("old", config.old_nodes), ("new", config.new_nodes)):
        indices = [n.index for n in nodes]
        if len(set(indices)) != len(indices):
            raise DKGError(f"found duplicate index in {name} nodes list")


def eval_commitments(commits: Sequence[Point], index: int) -> Point:
    """``f(index + 1)·G`` from the commitments, by Horner's rule in the group.

    Same value as :meth:`PubPoly.eval`; since ``x = index + 1`` is a small integer, the ``t``
    multiplications by ``x`` are cheap (a few doublings each), cheaper here than one MSM with the
    full-size scalars ``x^k mod r``.
    """
    x = index + 1
    acc = commits[-1]
    for commit in reversed(commits[:-1]):
        acc = acc * x + commit
    return acc


# -- packet authentication (kyber ``VerifyPacketSignature``) --------------------------------------
def packet_signer(config: Config, packet: Bundle) -> Point | None:
    """The long-term key that must have signed ``packet``: a dealer's or a holder's, by index."""
    if isinstance(packet, ResponseBundle):
        return _find_index(config.new_nodes, packet.share_index)
    if isinstance(packet, DealBundle | JustificationBundle):
        return _find_index(config.dealers(), packet.dealer_index)
    return None


def verify_packet_signature(config: Config, packet: Bundle) -> bool:
    """True when ``packet`` is signed by the node its index names (Schnorr over ``packet.hash()``)."""
    public = packet_signer(config, packet)
    if public is None:
        return False
    return schnorr.verify(config.group, public, packet.hash(), packet.signature)


def verify_packets(config: Config, packets: Sequence[Bundle], rng: Rng | None = None) -> list[Bundle]:
    """The packets whose signature verifies, in order: one batch check, one by one only if it fails."""
    signed = [(p, packet_signer(config, p)) for p in packets]
    known = [(p, pub) for p, pub in signed if pub is not None]
    items = [(pub, p.hash(), p.signature) for p, pub in known]
    if schnorr.batch_verify(config.group, items, rng):
        return [p for p, _ in known]
    return [p for p, pub in known if schnorr.verify(config.group, pub, p.hash(), p.signature)]


def _kyber_poly(threshold: int, secret: int | None, stream: Rng, order: int) -> PriPoly:
    """The dealer's polynomial drawn as kyber draws it (``NewPriPoly``): ``f(0)`` first unless given.

    Each coefficient is one :func:`~drand_edu.rng.random_scalar`, in ``[1, r)`` like kyber's
    ``Scalar.Pick``; :meth:`PriPoly.random` draws differently (and draws ``f(0)`` even when it is given),
    which is why the default path, with its seeded notebooks, keeps it.
    """
    first = secret % order if secret is not None else random_scalar(order, stream)
    return PriPoly((first, *(random_scalar(order, stream) for _ in range(threshold - 1))), order)


class StatusMatrix:
    """kyber's ``StatusMatrix``: for every dealer (row) and holder (column), success or complaint."""

    def __init__(self, dealers: Sequence[DKGNode], holders: Sequence[DKGNode], status: bool) -> None:
        self.rows: dict[int, dict[int, bool]] = {d.index: {h.index: status for h in holders} for d in dealers}

    def set(self, dealer: int, holder: int, status: bool) -> None:
        self.rows[dealer][holder] = status

    def set_all(self, dealer: int, status: bool) -> None:
        for holder in self.rows[dealer]:
            self.rows[dealer][holder] = status

    def get(self, dealer: int, holder: int) -> bool:
        return self.rows[dealer][holder]

    def statuses_for_share(self, holder: int) -> dict[int, bool]:
        return {dealer: row[holder] for dealer, row in self.rows.items()}

    def all_true(self, dealer: int) -> bool:
        return all(self.rows[dealer].values())

    def complete_success(self) -> bool:
        return all(self.all_true(d) for d in self.rows)

    def complaints(self, dealer: int) -> int:
        return sum(1 for s in self.rows[dealer].values() if s is COMPLAINT)

    def __repr__(self) -> str:
        lines = []
        for dealer in sorted(self.rows):
            row = self.rows[dealer]
            lines.append(f"dealer {dealer}: " + " ".join("ok" if row[h] else "no" for h in sorted(row)))
        return "\n".join(lines)


class DistKeyGenerator:
    """One node's run of the DKG or resharing protocol (kyber ``DistKeyGenerator``).

    Call, in order: :meth:`deals` (dealers only), :meth:`process_deals`,
    :meth:`process_responses`, :meth:`process_justifications` (only if the previous step did
    not finish). Every step raises :class:`~drand_edu.errors.DKGError` when this node cannot
    finish (evicted, too few valid deals...). ``events`` records why dealers or holders were
    evicted, in plain words.

    ``rng`` is the randomness (secure default). ``stream``, when given, supplies instead what kyber
    draws, in kyber's order: the polynomial (``f(0)`` then the other coefficients), one ECIES
    ephemeral key per deal, one Schnorr nonce per signed bundle. With a
    :class:`~.kyber_stream.KyberStream` this node's messages are kyber's, byte for byte
    (``tests/test_ref_kyber_dkg.py``); that is for tests and teaching, never for keys.
    """

    def __init__(self, config: Config, rng: Rng | None = None, stream: Rng | None = None) -> None:
        if not config.new_nodes and not config.old_nodes:
            raise DKGError("dkg: can't run with empty node list")
        if not isinstance(config.nonce, bytes) or len(config.nonce) != NONCE_LENGTH:
            raise DKGError("dkg: invalid nonce length")
        if not isinstance(config.longterm, int) or not 0 < config.longterm < config.group.order:
            raise DKGError("dkg: the long-term secret must be an integer in [1, r)")
        if config.is_resharing:
            if not config.old_nodes:
                raise DKGError("dkg: resharing config needs old nodes list")
            if config.old_threshold == 0:
                raise DKGError("dkg: resharing case needs old threshold field")
        if not 1 <= config.threshold <= len(config.new_nodes):
            raise DKGError(f"dkg: threshold {config.threshold} must be in [1, {len(config.new_nodes)}]")
        self.config = config
        self.group = config.group
        self._rng = resolve(rng)
        # what kyber draws (the polynomial, ECIES ephemeral keys, Schnorr nonces) comes from ``stream``;
        # the batch checks' weights, which kyber does not draw, always from ``rng``
        self._stream = self._rng if stream is None else stream
        self.events: list[str] = []
        self.public = self.group.generator() * config.longterm
        self.old_nodes = config.old_nodes
        oidx = _find_pub(config.old_nodes, self.public)
        nidx = _find_pub(config.new_nodes, self.public)
        if oidx is None and nidx is None:
            raise DKGError("dkg: public key not found in old list or new list")
        self.is_resharing = config.is_resharing
        self.new_present = nidx is not None
        self.can_receive = self.new_present
        self.can_issue = False
        self.new_threshold = config.threshold
        self.old_threshold = 0
        secret: int | None = None
        if not self.is_resharing and self.new_present:
            # fresh DKG: everyone deals; the old list is the new list
            self.old_nodes = config.new_nodes
            oidx = nidx
            self.can_issue = True
        elif config.share is not None:
            if oidx is None:
                raise DKGError("dkg: only a member of the old group can reshare a share")
            if config.share.share.index != oidx:
                raise DKGError(f"dkg: old share has index {config.share.share.index}, old list says {oidx}")
            secret = config.share.share.value
            self.can_issue = True
        _check_duplicates(config)
        self.oidx = oidx if oidx is not None else -1
        self.nidx = nidx if nidx is not None else -1
        self._dealer_indices = {n.index for n in self.old_nodes}
        self._holder_indices = {n.index for n in config.new_nodes}
        if stream is None:
            self._dpriv = PriPoly.random(config.threshold, secret, self._rng, modulus=self.group.order)
        else:
            self._dpriv = _kyber_poly(config.threshold, secret, stream, self.group.order)
        self._dpub = self._dpriv.commit(self.group) if self.can_issue else None
        self._old_pub: PubPoly | None = None
        if self.is_resharing and self.new_present:
            old = config.public_coeffs if config.public_coeffs is not None else config.share.commits
            if old.group is not self.group:
                raise DKGError(f"dkg: the old public polynomial must be on {self.group.name}")
            self._old_pub = old
            self.old_threshold = old.threshold
        if self._old_pub is not None and config.old_threshold != self.old_threshold:
            raise DKGError("dkg: old threshold differs from the length of the old public polynomial")
        if config.fast_sync:
            # every share is a complaint until its holder says otherwise
            self.statuses = StatusMatrix(self.old_nodes, config.new_nodes, COMPLAINT)
        else:
            # only complaints are sent: everything is fine unless someone complains...
            self.statuses = StatusMatrix(self.old_nodes, config.new_nodes, SUCCESS)
            if self.can_receive:
                # ...except the shares *we* expect: missing or bad ones make our complaints
                for node in self.old_nodes:
                    self.statuses.set(node.index, self.nidx, COMPLAINT)
        self.valid_shares: dict[int, int] = {}
        self.all_publics: dict[int, PubPoly] = {}
        self.evicted: list[int] = []
        self.evicted_holders: list[int] = []
        self.state = Phase.INIT

    def __repr__(self) -> str:
        return (
            f"DistKeyGenerator(old_index={self.oidx}, new_index={self.nidx}, state={self.state}, "
            f"can_issue={self.can_issue}, can_receive={self.can_receive})"
        )

    # -- helpers ---------------------------------------------------------------------------------
    def _note(self, message: str) -> None:
        self.events.append(message)
        logger.debug("dkg node %s/%s: %s", self.oidx, self.nidx, message)

    def _evict(self, dealer: int, why: str) -> None:
        if dealer not in self.evicted:
            self.evicted.append(dealer)
        self._note(f"dealer {dealer} evicted: {why}")

    def _evict_holder(self, holder: int, why: str) -> None:
        if holder not in self.evicted_holders:
            self.evicted_holders.append(holder)
        self._note(f"holder {holder} evicted: {why}")

    def _sign(self, bundle: Bundle) -> Bundle:
        signature = schnorr.sign(self.group, self.config.longterm, bundle.hash(), self._stream)
        return bundle.with_signature(signature)

    def _check_if_evicted(self, phase: Phase) -> None:
        """kyber ``checkIfEvicted``: stop if every honest node has thrown us out."""
        if self.is_resharing and phase == Phase.RESPONSE:
            if not self.can_receive:
                return
            evicted, me = self.evicted_holders, self.nidx
        else:
            if not self.can_issue:
                return
            evicted, me = self.evicted, self.oidx
        if me in evicted:
            raise DKGError(f"our node is evicted from list of qualified participants (at {phase} phase)")

    def _valid_deals(self, candidates: list[tuple[int, int, PubPoly]]) -> list[tuple[int, int]]:
        """``(dealer, share)`` pairs whose share lies on the dealer's commitments.

        Batch: with random weights ``ρ_i``, ``(Σ ρ_i s_i)·G == Σ ρ_i f_i(x)·G`` (one MSM). If it
        fails, check each deal alone to find the bad ones.
        """
        if not candidates:
            return []
        g = self.group.generator()
        evaluations = [eval_commitments(poly.commits, self.nidx) for _, _, poly in candidates]
        weights = [1 + self._rng.getrandbits(BATCH_WEIGHT_BITS) for _ in candidates]
        order = self.group.order
        total = sum(w * s for w, (_, s, _) in zip(weights, candidates, strict=True)) % order
        if self.group.msm([*evaluations, g], [*weights, -total % order]).is_identity():
            return [(dealer, share) for dealer, share, _ in candidates]
        return [
            (dealer, share)
            for (dealer, share, _), expected in zip(candidates, evaluations, strict=True)
            if g * share == expected
        ]

    # -- phase 1: deals --------------------------------------------------------------------------
    def deals(self) -> DealBundle:
        """This dealer's :class:`DealBundle`: one encrypted share per holder but itself (kyber ``Deals``)."""
        if not self.can_issue:
            raise DKGError("new members can't issue deals")
        if self.state != Phase.INIT:
            raise DKGError(f"dkg not in the initial state, can't produce deals: {self.state}")
        deals = []
        for node in self.config.new_nodes:
            share = self._dpriv.eval(node.index).value
            if self.can_receive and node.index == self.nidx:
                # we keep our own share, and trust it: we are not malicious
                self.valid_shares[self.oidx] = share
                self.all_publics[self.oidx] = self._dpub
                self.statuses.set(self.oidx, self.nidx, SUCCESS)
                continue
            cipher = ecies.encrypt(self.group, node.public, scalar_to_bytes(share), self._stream)
            deals.append(Deal(node.index, cipher))
        self.state = Phase.DEAL
        bundle = DealBundle(self.oidx, tuple(deals), tuple(self._dpub.to_bytes_list()), self.config.nonce)
        return self._sign(bundle)

    def public_poly(self) -> PubPoly:
        """Our dealer polynomial's commitments (what our deal bundle will publish); a dealer only."""
        if self._dpub is None:
            raise DKGError("only a dealer has a polynomial")
        return self._dpub

    def process_deals(self, bundles: Sequence[DealBundle | None]) -> ResponseBundle | None:
        """Check the deals meant for us; return our responses, or None if there is nothing to say."""
        if self.can_issue and self.state != Phase.DEAL:
            raise DKGError(f"processdeals can only be called after producing shares - state {self.state}")
        if self.can_receive and not self.can_issue and self.state != Phase.INIT:
            raise DKGError(f"processdeals can only be called once for a new member - state {self.state}")
        if not self.can_receive:
            # a node only in the old group moves on silently
            self.state = Phase.RESPONSE
            return None
        config = self.config
        seen: set[int] = set()
        candidates: list[tuple[int, int, PubPoly]] = []
        for bundle in bundles:
            if bundle is None:
                continue
            dealer = bundle.dealer_index
            if self.can_issue and dealer == self.oidx:
                continue  # our own deal
            if dealer not in self._dealer_indices:
                self._note(f"deal from dealer {dealer}, not in the old nodes: ignored")
                continue
            if bundle.session_id != config.nonce:
                self._evict(dealer, "deal with invalid session ID")
                continue
            if len(bundle.public) != config.threshold:
                count = len(bundle.public)
                self._evict(dealer, f"deal with {count} commitments, threshold is {config.threshold}")
                continue
            if dealer in seen:
                self._evict(dealer, "deal bundle already seen")
                continue
            try:
                poly = bundle.public_poly(self.group)
            except InvalidPoint as err:
                self._evict(dealer, f"deal commitments do not decode ({err})")
                continue
            seen.add(dealer)
            self.all_publics[dealer] = poly
            for deal in bundle.deals:
                if deal.share_index not in self._holder_indices:
                    self._evict(dealer, f"deal for unknown share holder {deal.share_index}")
                    break
                if deal.share_index != self.nidx:
                    continue  # not ours to read
                try:
                    plain = ecies.decrypt(self.group, config.longterm, deal.encrypted_share)
                except InvalidShare as err:
                    self._note(f"deal from dealer {dealer}: {err}")
                    continue
                share = int.from_bytes(plain, "big")
                if len(plain) != SCALAR_SIZE or share >= self.group.order:
                    self._note(f"deal from dealer {dealer}: share is not a 32-byte scalar")
                    continue
                if self.is_resharing and eval_commitments(self._old_pub.commits, dealer) != poly.commit():
                    # the dealer must reshare *its* old share: f_i(0)·G == old public share i
                    self._note(f"deal from dealer {dealer}: constant term is not its old public share")
                    continue
                candidates.append((dealer, share, poly))
        for dealer, share in self._valid_deals(candidates):
            self.statuses.set(dealer, self.nidx, SUCCESS)
            self.valid_shares[dealer] = share
        for dealer, *_ in candidates:
            if dealer not in self.valid_shares:
                self._note(f"deal from dealer {dealer}: share does not match the commitments")

        # a node in both lists is trusted with the share it deals to itself
        holder_of_key = {node.public.to_bytes(): node.index for node in config.new_nodes}
        for dealer in self.old_nodes:
            holder = holder_of_key.get(dealer.public.to_bytes())
            if holder is not None:
                self.statuses.set(dealer.index, holder, SUCCESS)

        mine = self.statuses.statuses_for_share(self.nidx)
        responses = []
        for node in self.old_nodes:
            if node.index in self.evicted:
                continue  # every honest node evicts it too: no need to complain
            if mine[node.index]:
                if config.fast_sync:
                    responses.append(Response(node.index, SUCCESS))
            else:
                responses.append(Response(node.index, COMPLAINT))
                self._note(f"complaint towards dealer {node.index}")
        self.state = Phase.RESPONSE
        if not responses:
            return None
        return self._sign(ResponseBundle(self.nidx, tuple(responses), config.nonce))

    # -- phase 2: responses ----------------------------------------------------------------------
    def process_responses(
        self, bundles: Sequence[ResponseBundle | None]
    ) -> tuple[Result | None, JustificationBundle | None]:
        """Read everyone's responses (kyber ``ProcessResponses``).

        Returns ``(result, None)`` when there is no complaint at all (the DKG is over),
        ``(None, justifications)`` when this dealer must answer complaints, ``(None, None)``
        otherwise (wait for the justification phase).
        """
        if not self.can_receive:
            # kyber refuses a node only in the old group here whatever its phase (its first check fails
            # after process_deals, its second one before): a leaver deals, and its part ends there —
            # it never answers a complaint, so a complaint against its deal disqualifies that deal
            if self.state != Phase.DEAL:
                raise DKGError("leaving node can process responses only after creating shares")
            raise DKGError(f"can only process responses after processing shares - current state {self.state}")
        if self.state != Phase.RESPONSE:
            raise DKGError(f"can only process responses after processing shares - current state {self.state}")
        config = self.config
        if not config.fast_sync and not bundles and self.can_receive and self.statuses.complete_success():
            result = self._compute_result()
            self._check_if_evicted(Phase.RESPONSE)
            return result, None

        authors: set[int] = set()
        found_complaint = False
        for bundle in bundles:
            if bundle is None:
                continue
            holder = bundle.share_index
            if self.can_receive and holder == self.nidx:
                continue  # our own
            if holder not in self._holder_indices:
                self._note(f"response from unknown holder {holder}: ignored")
                continue
            if bundle.session_id != config.nonce:
                self._evict_holder(holder, "response with invalid session ID")
                continue
            for response in bundle.responses:
                if response.dealer_index not in self._dealer_indices:
                    self._evict_holder(holder, f"response about unknown dealer {response.dealer_index}")
                    continue
                if not config.fast_sync and response.status is SUCCESS:
                    self._evict_holder(holder, "success response outside fast sync mode")
                    continue
                self.statuses.set(response.dealer_index, holder, response.status)
                if response.status is COMPLAINT:
                    found_complaint = True
                authors.add(holder)

        if config.fast_sync:
            # every holder must have spoken; on a broadcast channel honest ones always have
            for node in config.new_nodes:
                if self.can_receive and node.index == self.nidx:
                    continue
                if node.index not in authors and node.index not in self.evicted_holders:
                    self._evict_holder(node.index, "no response seen (fast sync)")

        if not found_complaint and self.statuses.complete_success():
            self.state = Phase.FINISH
            result = self._compute_result() if self.can_receive else None
            self._check_if_evicted(Phase.RESPONSE)
            return result, None

        # t complaints: the dealer's polynomial can be rebuilt from the revealed shares, out it goes
        for node in self.old_nodes:
            if self.statuses.complaints(node.index) >= config.threshold and node.index not in self.evicted:
                self._evict(node.index, f"{self.statuses.complaints(node.index)} complaints (threshold)")
        self.state = Phase.JUSTIFICATION
        if not self.can_issue:
            self._check_if_evicted(Phase.RESPONSE)
            return None, None

        justifications = []
        for holder, status in self.statuses.rows[self.oidx].items():
            if status is not COMPLAINT:
                continue
            justifications.append(Justification(holder, self._dpriv.eval(holder).value))
            self.statuses.set(self.oidx, holder, SUCCESS)
            self._note(f"producing a justification for holder {holder}")
        self._check_if_evicted(Phase.RESPONSE)
        if not justifications:
            return None, None
        return None, self._sign(JustificationBundle(self.oidx, tuple(justifications), config.nonce))

    # -- phase 3: justifications -----------------------------------------------------------------
    def process_justifications(self, bundles: Sequence[JustificationBundle | None]) -> Result | None:
        """Check the revealed shares and compute the result (kyber ``ProcessJustifications``).

        Returns None for a node that only leaves (it gets no new share).
        """
        if not self.can_receive:
            return None
        if self.state != Phase.JUSTIFICATION:
            raise DKGError(f"can only process justifications after processing responses - state {self.state}")
        seen: set[int] = set()
        g = self.group.generator()
        for bundle in bundles:
            if bundle is None:
                continue
            dealer = bundle.dealer_index
            if dealer in seen:
                self._evict(dealer, "two justification bundles")
                continue
            if self.can_issue and dealer == self.oidx:
                continue  # our own
            if dealer not in self._dealer_indices:
                self._note(f"justification from unknown dealer {dealer}: ignored")
                continue
            if dealer in self.evicted:
                self._note(f"justification from already evicted dealer {dealer}: ignored")
                continue
            if bundle.session_id != self.config.nonce:
                self._evict(dealer, "justification with invalid session ID")
                continue
            seen.add(dealer)
            for justification in bundle.justifications:
                holder = justification.share_index
                if holder not in self._holder_indices:
                    self._evict(dealer, f"justification for unknown holder {holder}")
                    continue
                poly = self.all_publics.get(dealer)
                if poly is None:
                    self._evict(dealer, "justification but no public polynomial from the deal phase")
                    break
                share = justification.share
                if not isinstance(share, int) or not 0 <= share < self.group.order:
                    self._evict(dealer, f"justification for holder {holder} is not a scalar")
                    continue
                if g * share != eval_commitments(poly.commits, holder):
                    self._evict(dealer, f"justification for holder {holder} does not match the commitments")
                    continue
                if self.is_resharing and eval_commitments(self._old_pub.commits, dealer) != poly.commit():
                    self._evict(dealer, "old share commit not equal to public commit")
                    continue
                self.statuses.set(dealer, holder, SUCCESS)
                if holder == self.nidx:
                    self.valid_shares[dealer] = share
                    self._note(f"our share from dealer {dealer} came by justification")

        self._check_if_evicted(Phase.JUSTIFICATION)
        all_good = sum(
            1 for n in self.old_nodes if n.index not in self.evicted and self.statuses.all_true(n.index)
        )
        target = self.config.old_threshold if self.is_resharing else self.config.threshold
        if all_good < target:
            self.state = Phase.FINISH
            raise DKGError(f"process-justifications: only {all_good}/{target} valid deals - dkg abort")
        return self._compute_result()

    # -- the result ------------------------------------------------------------------------------
    def _compute_result(self) -> Result:
        self.state = Phase.FINISH
        for dealer in self.evicted:
            self.statuses.set_all(dealer, COMPLAINT)
        return self._resharing_result() if self.is_resharing else self._dkg_result()

    def _dkg_result(self) -> Result:
        """Sum of the qualified dealers' shares and commitments (kyber ``computeDKGResult``)."""
        total = 0
        polys: list[PubPoly] = []
        qual = []
        for node in self.old_nodes:
            if not self.statuses.all_true(node.index) or node.index in self.evicted_holders:
                continue
            if node.index not in self.valid_shares or node.index not in self.all_publics:
                raise DKGError(f"BUG: share or public polynomial of dealer {node.index} not found")
            total = (total + self.valid_shares[node.index]) % self.group.order
            polys.append(self.all_publics[node.index])
            qual.append(node)
        if not qual or len(qual) < self.config.threshold:
            raise DKGError(f"dkg: only {len(qual)} qualified dealers, threshold is {self.config.threshold}")
        public = polys[0]
        for poly in polys[1:]:
            public = public.add(poly)  # Σ of the commitments, coefficient by coefficient
        return Result(tuple(qual), DistKeyShare(public, PriShare(self.nidx, total)))

    def _resharing_result(self) -> Result:
        """Interpolate the dealers' shares and commitments at 0 (kyber ``computeResharingResult``)."""
        shares, coefficients = [], {}
        for node in self.old_nodes:
            if not self.statuses.all_true(node.index):
                continue
            if node.index not in self.valid_shares or node.index not in self.all_publics:
                raise DKGError(f"BUG: share or public polynomial of dealer {node.index} not found")
            shares.append(PriShare(node.index, self.valid_shares[node.index]))
            coefficients[node.index] = self.all_publics[node.index].commits
        try:
            # the new share is the old polynomial's "share of shares": old threshold, dealer indices
            value = recover_secret(shares, self.old_threshold, self.group.order)
            commits = tuple(
                recover_commit(
                    self.group,
                    [PubShare(dealer, coeffs[k]) for dealer, coeffs in coefficients.items()],
                    self.old_threshold,
                )
                for k in range(self.new_threshold)
            )
        except NotEnoughShares as err:
            raise DKGError(f"dkg: not enough valid deals to reshare: {err}") from None
        public = PubPoly(self.group, commits)
        private = PriShare(self.nidx, value)
        if not public.check(private):
            raise DKGError("dkg: share does not correspond to public polynomial")
        bad_dealers = [n.public for n in self.old_nodes if not self.statuses.all_true(n.index)]
        qual = tuple(
            node
            for node in self.config.new_nodes
            if node.public not in bad_dealers and node.index not in self.evicted_holders
        )
        if len(qual) < self.config.threshold:
            raise DKGError(f"dkg: too many uncompliant new participants {len(qual)}/{self.config.threshold}")
        return Result(qual, DistKeyShare(public, private))
