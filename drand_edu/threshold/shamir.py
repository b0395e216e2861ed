"""Shamir secret sharing with Feldman commitments (verifiable secret sharing).

A dealer who knows a secret ``s`` picks a random polynomial ``f`` of degree ``t - 1`` with
``f(0) = s`` and hands share ``i`` = ``f(i + 1)`` to node ``i`` (kyber's index convention, see
:mod:`drand_edu.threshold.poly`). Any ``t`` shares give back ``s``; fewer give nothing.

Plain Shamir trusts the dealer. Feldman's VSS (1987) publishes the commitments
``A_k = a_k · G`` as well: node ``i`` checks ``f(i+1) · G == Σ A_k (i+1)^k`` and so knows its share
lies on the *same* polynomial as everyone else's, without learning anything but ``s · G``. This is
the check every node runs on the deals of drand's DKG (kyber ``share/vss``, ``share/dkg``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..crypto.groups import G1, CurveGroup
from ..errors import InvalidInput, InvalidShare
from ..rng import Rng
from .poly import PriPoly, PriShare, PubPoly, recover_secret


def split(
    secret: int, n: int, t: int, *, group: CurveGroup = G1, rng: Rng | None = None
) -> tuple[list[PriShare], PubPoly]:
    """Split ``secret`` into ``n`` shares, any ``t`` of which recover it.

    Returns the shares (indices ``0 … n-1``) and the Feldman commitments to the polynomial in
    ``group`` (use the scheme's key group when the secret is a signing key).
    """
    if not isinstance(secret, int) or isinstance(secret, bool):
        raise InvalidInput(f"the secret must be an integer, got {type(secret).__name__}")
    if not isinstance(n, int) or not isinstance(t, int) or not 1 <= t <= n:
        raise InvalidInput(f"need 1 <= t <= n, got t={t!r}, n={n!r}")
    poly = PriPoly.random(t, secret=secret % group.order, rng=rng, modulus=group.order)
    return poly.shares(n), poly.commit(group)


def recover(shares: Sequence[PriShare], t: int, *, group: CurveGroup = G1) -> int:
    """The secret from any ``t`` shares (raises :class:`NotEnoughShares` with fewer); ``group`` gives
    the field (the order of the group the secret was split for)."""
    return recover_secret(shares, t, group.order)


def check_share_or_raise(share: PriShare, commitments: PubPoly) -> None:
    """Raise :class:`InvalidShare` unless ``share`` lies on the committed polynomial (Feldman's check)."""
    if not isinstance(share, PriShare):
        raise InvalidShare(f"expected a PriShare, got {type(share).__name__}")
    if not isinstance(share.index, int) or share.index < 0:
        raise InvalidShare(f"share index must be a non-negative integer, got {share.index!r}")
    if not isinstance(share.value, int) or not 0 <= share.value < commitments.group.order:
        raise InvalidShare(f"share {share.index}: value is not a scalar mod r")
    if not commitments.check(share):
        x = share.index + 1
        raise InvalidShare(f"share {share.index} does not match the commitments: f({x})·G ≠ Σ A_k·{x}^k")


def verify_share(share: PriShare, commitments: PubPoly) -> bool:
    """True when ``share`` is consistent with the dealer's public commitments."""
    try:
        check_share_or_raise(share, commitments)
    except InvalidShare:
        return False
    return True
