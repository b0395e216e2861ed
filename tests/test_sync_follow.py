"""``sync --follow`` as drand's ``StartFollowChain``: the chain info from the sync nodes, the chain hash
required to check it, the stack a follower writes through, and what happens when every peer fails; and a
running node's sync streams, cut at one deadline per request.

Every peer here is a server on 127.0.0.1 that serves our own ``/sync`` and ``/info`` code
(:func:`~drand_edu.node.sync_http.sync_answer`, :func:`~drand_edu.node.sync_http.info_answer`) over the
store of a simulated network, or a hostile raw socket from ``test_client_hostile``.
"""

from __future__ import annotations

import json

import pytest

from drand_edu.chain import ChainInfo
from drand_edu.errors import ChainMismatch, InvalidInput
from drand_edu.net.http_transport import HttpNetwork
from drand_edu.net.messages import BeaconPacket, SyncRequest, SyncStreamEnd
from drand_edu.node.network import LocalNetwork
from drand_edu.node.sync_http import HttpSyncStreams, chain_info_from_peers, info_answer, sync_answer
from drand_edu.rng import seeded_rng
from drand_edu.store import SQLiteStore

from .test_client_hostile import Hostile, finishes


@pytest.fixture(scope="module")
def network():
    """A simulated chain of rounds 1..8 (unchained, fast), whose node 0's store the peers below serve."""
    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng("sync-follow"))
    net.advance(3 * 7 + 0.5)
    assert net.processes[0].store.last_round() >= 8
    return net


class Peer:
    """A node's protocol port (``HttpNetwork``) serving ``/sync`` and ``/info`` from a store stack."""

    def __init__(self, info: ChainInfo, store) -> None:
        self.transport = HttpNetwork(-1, {})
        by_id = lambda beacon_id: store if beacon_id == info.beacon_id else None  # noqa: E731
        self.transport.get_routes["/sync"] = lambda request: sync_answer(request, by_id, wait=0.2)
        self.transport.get_routes["/info"] = lambda request: info_answer(
            request, lambda beacon_id: info if beacon_id == info.beacon_id else None
        )
        self.address = self.transport.url.removeprefix("http://")

    def close(self) -> None:
        self.transport.close()


@pytest.fixture()
def peer(network):
    served = Peer(network.info, network.processes[0].store)
    yield served
    served.close()


def test_follow_takes_the_chain_info_from_the_sync_nodes(network, peer, tmp_path, capsys) -> None:
    """drand's StartFollowChain asks the peers (chainInfoFromPeers), checks the hash: no --info, no --url."""
    from drand_edu.cli import main

    db = tmp_path / "follower.db"
    argv = ["sync", "--follow", "--sync-nodes", peer.address, "--chain-hash", network.info.hash_hex,
            "--id", network.info.beacon_id, "--db", str(db), "--up-to", "5"]  # fmt: skip
    assert finishes(lambda: main(argv)) == 0
    assert "synced to round 5" in capsys.readouterr().out
    with SQLiteStore(db) as store:
        assert [b.round for b in store.cursor(1)] == [1, 2, 3, 4, 5]
        assert [store.get(r) for r in range(1, 6)] == [network.processes[0].store.get(r) for r in range(1, 6)]


def test_follow_from_the_sync_nodes_needs_the_chain_hash(peer, tmp_path, capsys) -> None:
    """drand's control client: "chain hash is not set properly" — no follow without a hash to check."""
    from drand_edu.cli import main

    db = tmp_path / "follower.db"
    assert main(["sync", "--follow", "--sync-nodes", peer.address, "--db", str(db), "--up-to", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--chain-hash" in err[0]
    assert not db.exists()  # nothing made for a refused command


def test_follow_refuses_the_sync_nodes_chain_of_another_hash(network, peer, tmp_path, capsys) -> None:
    from drand_edu.cli import main

    db = tmp_path / "follower.db"
    argv = ["sync", "--follow", "--sync-nodes", peer.address, "--chain-hash", "ab" * 32,
            "--id", network.info.beacon_id, "--db", str(db)]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not the pinned" in err[0]
    assert not db.exists()


def test_chain_info_from_peers_asks_every_peer_and_keeps_the_last_usable_answer(network, peer) -> None:
    """chainInfoFromPeers' loop has no break: a peer with no usable answer is skipped, and the last usable
    answer is the one compared with the hash — an honest answer followed by another chain's fails."""
    other = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng("another-chain"))
    other_peer = Peer(other.info, other.processes[0].store)
    hostile = Hostile("not json")
    try:
        bad = hostile.url.removeprefix("http://")
        pinned, beacon_id = network.info.hash_hex, network.info.beacon_id
        assert other.info.beacon_id == beacon_id and other.info.hash_hex != pinned
        assert chain_info_from_peers([peer.address, bad], pinned, beacon_id) == network.info
        assert chain_info_from_peers([bad, peer.address], pinned, beacon_id) == network.info
        with pytest.raises(ChainMismatch, match="not the pinned"):
            chain_info_from_peers([peer.address, other_peer.address], pinned, beacon_id)
        assert chain_info_from_peers([other_peer.address, peer.address], pinned, beacon_id) == network.info
        with pytest.raises(InvalidInput, match="unable to get the chain info"):
            chain_info_from_peers([bad], pinned, beacon_id)
        with pytest.raises(InvalidInput, match="unable to get the chain info"):
            chain_info_from_peers([peer.address], pinned, "another")  # that beacon id: 404
    finally:
        hostile.close()
        other_peer.close()


def test_follow_gives_up_when_every_peer_failed_once(network, tmp_path, capsys) -> None:
    """Listed difference follow-gives-up: drand's follow loop meant to retry, but its error channel is
    never made (a nil channel: the failed Sync's send blocks for good), so after every peer failed it waits
    for Ctrl-C without asking again; ours tries each peer once, says so on one line and exits 1."""
    from drand_edu.cli import main

    (tmp_path / "info.json").write_text(json.dumps(network.info.to_json()))
    hostile = Hostile("not json")
    try:
        # no --up-to: follow for ever
        argv = ["sync", "--follow", "--sync-nodes", hostile.url.removeprefix("http://"), "--info",
                str(tmp_path / "info.json"), "--db", str(tmp_path / "f.db")]  # fmt: skip
        assert finishes(lambda: main(argv)) == 1
        assert capsys.readouterr().err.strip().splitlines() == [
            "drand-edu sync: every sync node was tried and dropped: nothing more to follow"
        ]
        assert hostile.connections >= 1
    finally:
        hostile.close()


def test_a_running_node_cuts_a_dripping_group_peer_at_one_deadline() -> None:
    """A running node's sync streams (HttpSyncStreams) with the deadline fetch ``drand-edu start`` gives
    them: a group peer that drips its /sync answer a byte at a time ends the stream instead of holding
    its reader (a per-read timeout never trips on such a peer)."""
    from drand_edu.cli.sync import deadline_fetch

    hostile = Hostile("http/1.0 drip")
    delivered: list[object] = []

    class Network:  # what HttpSyncStreams uses of a node's transport
        def __init__(self) -> None:
            self.peers = {1: hostile.url}

        @staticmethod
        def schedule(at, action) -> None:
            action()

    try:
        streams = HttpSyncStreams(Network(), lambda src, message: delivered.append(message), deadline_fetch)
        streams.send(1, SyncRequest(1, "default"))

        def ended() -> SyncStreamEnd:
            while not any(isinstance(m, SyncStreamEnd) for m in delivered):
                hostile._stop.wait(0.1)
            return next(m for m in delivered if isinstance(m, SyncStreamEnd))

        end = finishes(ended)
        assert end.by_server and "127.0.0.1" in end.reason
        assert not any(isinstance(m, BeaconPacket) for m in delivered)
    finally:
        hostile.close()


def test_drand_edu_start_gives_its_node_the_deadline_fetch(tmp_path, monkeypatch, capsys) -> None:
    """The wiring: ``drand-edu start`` builds its NodeDaemon with ``sync_fetch=deadline_fetch``."""
    from drand_edu.cli import main
    from drand_edu.cli import start as start_module
    from drand_edu.cli.sync import deadline_fetch

    seen: dict = {}

    def recording_daemon(folder, transport, beacon_ids, **kwargs):
        seen.update(kwargs)
        transport.close()
        raise InvalidInput("stopped by the test")

    monkeypatch.setattr(start_module, "NodeDaemon", recording_daemon)
    folder = tmp_path / "node"
    assert main(["generate-keypair", "--folder", str(folder), "127.0.0.1:1"]) == 0
    assert main(["start", "--folder", str(folder), "--private-listen", "127.0.0.1:0"]) == 2
    assert seen["sync_fetch"] is deadline_fetch
    assert "stopped by the test" in capsys.readouterr().err



def test_follow_refuses_a_gap_that_drands_follow_stack_would_store(network) -> None:
    """Listed difference follow-stack-keeps-append: drand's StartFollowChain stacks only the scheme and
    callback layers, so on an unchained chain it stores a round that a peer sends after a gap; our follower
    writes through the append layer too, refuses it and drops the peer."""
    from drand_edu.node.sync_http import SyncStream, follow_chain
    from drand_edu.store import CallbackStore, MemoryStore, SchemeStore, genesis_beacon

    from .test_client_hostile import SyncPeer

    info = network.info
    assert not info.scheme.chained
    skipping = SyncPeer([b for b in network.processes[0].store.cursor(1, 6) if b.round != 3])
    try:
        # drand's follow stack, fed the peer's stream: round 4 goes in right after round 2
        backend = MemoryStore()
        backend.put(genesis_beacon(info))
        drands = CallbackStore(SchemeStore(backend, info.scheme.chained))
        stream = SyncStream(skipping.address, 1, info.beacon_id)
        for beacon in stream:
            drands.put(beacon)
            if beacon.round >= 5:
                break
        stream.close()
        assert [b.round for b in drands.cursor(1)] == [1, 2, 4, 5]
        # ours: the append layer refuses round 4 after round 2, and the peer is dropped
        store = MemoryStore()
        last = finishes(lambda: follow_chain(info, store, [skipping.address], up_to=6, silence=5))
        assert last == 2 and [b.round for b in store.cursor(1)] == [1, 2]
    finally:
        skipping.close()
