"""The vault: what a running chain signs and verifies with, in memory (drand's ``crypto/vault``).

drand's [`Vault`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/vault/vault.go#L19-L34)
holds four things for one beacon process: the node's current share, the group's public polynomial
(to verify the partials of others), the chain info (to verify the recovered beacon) and the group
(its threshold, its nodes). The beacon handler builds it once, in
[`NewHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L67-L97),
from the group and share the node loaded from its key folder; at each round it signs through
[`SignPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/vault/vault.go#L66-L71).
After a resharing the vault is not rebuilt but refilled:
[`SetInfo`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/vault/vault.go#L80-L88)
puts in the new share and group (and so the new polynomial) while the chain info stays: a resharing
keeps the group key, so the chain is the same. drand calls it from
[`TransitionNewGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L315-L344)
once the last round before the transition is stored.

Our :class:`Vault` is the same holder: :class:`~drand_edu.node.beacon_process.BeaconProcess` signs
with :meth:`Vault.sign_partial` and verifies with :attr:`Vault.public_poly`;
:class:`~drand_edu.node.service.NodeService` calls :meth:`Vault.set_info` at a resharing's
transition time. The key *folder* on disk is something else: drand's file store, our
:class:`~drand_edu.node.key_store.FileStore`, which the vault is filled from.
"""

from __future__ import annotations

import threading

from ..chain.info import ChainInfo
from ..crypto.schemes import Scheme
from ..errors import ChainMismatch
from ..threshold.group import Group
from ..threshold.poly import PriShare, PubPoly
from ..threshold.tbls import sign_partial


class Vault:
    """A node's current share, public polynomial, chain info and group; signs its partials.

    Thread safe, like drand's: the share and group are read and swapped under one lock."""

    def __init__(self, group: Group, share: PriShare, info: ChainInfo | None = None) -> None:
        self._lock = threading.Lock()
        self._info = ChainInfo.from_group(group) if info is None else info
        self._group = group
        self._share = share

    # -- what it holds --------------------------------------------------------------------------
    @property
    def info(self) -> ChainInfo:
        """The chain info: constant for the vault's life (a resharing keeps the chain)."""
        return self._info

    @property
    def scheme(self) -> Scheme:
        return self._info.scheme

    @property
    def group(self) -> Group:
        with self._lock:
            return self._group

    @property
    def share(self) -> PriShare:
        with self._lock:
            return self._share

    @property
    def public_poly(self) -> PubPoly:
        """The current group's public polynomial: verifies each node's partial."""
        with self._lock:
            return self._group.public_key

    @property
    def threshold(self) -> int:
        with self._lock:
            return self._group.threshold

    @property
    def index(self) -> int:
        """This node's share index (drand's ``Index``)."""
        with self._lock:
            return self._share.index

    # -- what it does ---------------------------------------------------------------------------
    def sign_partial(self, message: bytes) -> bytes:
        """This node's partial signature on ``message`` with the current share."""
        with self._lock:
            share = self._share
        return sign_partial(self.scheme, share, message)

    def set_info(self, group: Group, share: PriShare) -> None:
        """Swap in a resharing's new group and share (drand's ``SetInfo``), keeping the chain info.

        A group of another chain (another group key, period or genesis) is refused: a resharing
        changes who holds the key, never the chain."""
        if ChainInfo.from_group(group).hash() != self._info.hash():
            raise ChainMismatch("set_info: the new group belongs to another chain than this vault's")
        with self._lock:
            self._group, self._share = group, share

    def __repr__(self) -> str:
        return (
            f"Vault({self.scheme.id}, chain {self._info.hash_hex[:8]}…, share=#{self.index}, "
            f"t={self.threshold} of {len(self.group)}, secrets hidden)"
        )

    __str__ = __repr__
