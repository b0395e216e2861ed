"""Resharing: move a group key from an old group ``(n, t)`` to a new group ``(n', t')``.

drand reshares whenever nodes join or leave (every DKG after the first epoch is one); kyber runs
it with the same protocol as a fresh DKG (``share/dkg/dkg.go``, ``computeResharingResult``):

* every old node deals its *current share* ``x_i`` as the secret of a fresh polynomial ``g_i`` of
  degree ``t' - 1``, with commitments; holders check, besides the usual, that
  ``g_i(0)·G`` equals the old public share ``i`` (so nobody can deal a made-up secret);
* new node ``j`` receives ``g_i(j+1)`` from each qualified old node ``i`` and interpolates them
  at 0 over the dealers' indices with the *old* threshold:
  ``x'_j = Σ_i λ_i g_i(j+1)`` — a point on ``g = Σ λ_i g_i``, whose constant term
  ``Σ λ_i x_i`` is the old group secret;
* the new public polynomial is interpolated the same way, coefficient by coefficient.

So the group key (and with it the chain's public key) stays the same, while every share is new:
old shares cannot be combined with new ones, and a thief of ``t - 1`` old shares learns nothing
he can use once the group has moved on.

drand's
[`reshareDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L319-L352)
builds this config:
``OldNodes`` from the previous group file (old indices), ``NewNodes`` from the sorted participants,
the old ``Share`` and ``PublicCoeffs``; kyber's
[`computeResharingResult`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L870-L982)
does the interpolation. Leavers
are old nodes: they deal like the others (drand's leaver runs ``executeDKG`` on the execute packet),
get no new share, and answer no complaint — kyber's ``ProcessResponses`` refuses a node only in the
old group, so a wrong share from a leaver costs it its deal (see :mod:`.protocol`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...crypto.bls import keygen
from ...errors import DKGError, InvalidInput
from ...rng import Rng, resolve
from .driver import (
    DEFAULT_LATENCY,
    DEFAULT_PHASE_TIMEOUT,
    DKGOutcome,
    FaultPlan,
    Participant,
    check_threshold,
    execute,
    sorted_by_public_key,
    summarize,
)
from .messages import DKGNode
from .protocol import Config, new_nonce


def run_reshare(
    old: DKGOutcome,
    new_n: int,
    new_threshold: int | None = None,
    *,
    keep: Sequence[int] | None = None,
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
    """Reshare ``old``'s group key to a new group of ``new_n`` nodes with threshold ``new_threshold``.

    ``keep`` lists the old nodes (by old index) that stay; fresh nodes with new long-term keys
    fill the rest of the new group. The default keeps the first ``min(len(QUAL), new_n)`` old
    nodes; ``keep=()`` hands the key to an entirely new group. As in drand, the old nodes keep their
    old indices as dealers (``previous.FinalGroup.DKGNodes()``), and every member of the new group
    gets the rank of its public key among the new group as its new index
    (:func:`~.driver.sorted_by_public_key`). Old nodes that do not stay still deal (they hold the
    shares) and then leave, without answering complaints (as kyber's leavers).

    In ``faults``, dealer faults name *old* indices, response faults *new* indices (the indices
    the bundles carry). Raises :class:`DKGError` if the honest new nodes do not end up with the
    same public polynomial (e.g. fewer than the old threshold of old nodes dealt correctly).
    A new threshold below ``⌊new_n/2⌋+1`` is refused as drand refuses the proposal, unless
    ``allow_insecure_threshold=True`` (:func:`~.driver.check_threshold`).
    """
    if not isinstance(old, DKGOutcome) or not old.ok:
        raise DKGError("resharing needs the outcome of a successful DKG")
    if not isinstance(new_n, int) or new_n < 1:
        raise InvalidInput(f"the new group needs at least one node, got {new_n!r}")
    new_threshold = check_threshold(
        new_threshold, new_n, allow_insecure=allow_insecure_threshold, what="new threshold"
    )
    rng = resolve(rng)
    faults = faults or FaultPlan()
    scheme = old.scheme
    members = [i for i in old.qual if i in old.results]
    keep = list(members[: min(len(members), new_n)] if keep is None else keep)
    if len(set(keep)) != len(keep) or not set(keep) <= set(members):
        raise InvalidInput(f"keep must list distinct old nodes among {members}, got {keep}")
    if len(keep) > new_n:
        raise InvalidInput(f"cannot keep {len(keep)} old nodes in a group of {new_n}")
    faults.check(members, range(new_n))
    nonce = new_nonce(rng) if nonce is None else nonce

    old_nodes = tuple(DKGNode(i, old.keys[i].public) for i in members)
    fresh = [keygen(scheme, rng) for _ in range(new_n - len(keep))]
    keys = sorted_by_public_key([old.keys[i] for i in keep] + fresh)
    new_nodes = tuple(DKGNode(j, k.public) for j, k in enumerate(keys))
    rank = {k.public.to_bytes(): j for j, k in enumerate(keys)}
    new_index_of = {i: rank[old.keys[i].public.to_bytes()] for i in keep}
    fresh_indices = sorted(rank[k.public.to_bytes()] for k in fresh)

    def config(secret: int, share_of: int | None) -> Config:
        return Config(
            scheme,
            secret,
            new_nodes,
            nonce,
            new_threshold,
            old_nodes=old_nodes,
            old_threshold=old.threshold,
            public_coeffs=old.public_poly,
            share=old.results[share_of].key if share_of is not None else None,
            fast_sync=fast_sync,
        )

    participants = []
    for i in members:
        j = new_index_of.get(i)
        label = f"node {j} (old {i})" if j is not None else f"old node {i} (leaving)"
        participants.append(Participant(label, old.keys[i], config(old.keys[i].secret, i), i, j))
    for j in fresh_indices:
        participants.append(Participant(f"node {j} (new)", keys[j], config(keys[j].secret, None), None, j))

    board = execute(
        participants,
        faults,
        rng,
        fast_sync=fast_sync,
        phase_timeout=phase_timeout,
        latency=latency,
        progress=progress,
        description=f"reshare {len(members)}→{new_n}",
    )
    bad_dealers, bad_holders = faults.faulty_dealers(), faults.faulty_holders()
    honest = [
        p.new_index
        for p in participants
        if p.new_index is not None and p.new_index not in bad_holders and p.old_index not in bad_dealers
    ]
    return summarize(
        participants,
        board,
        scheme=scheme,
        threshold=new_threshold,
        nodes=new_nodes,
        honest=honest,
        nonce=nonce,
        check=check,
        old_threshold=old.threshold,
    )
