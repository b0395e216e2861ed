"""drand's write paths into a node's store: new beacons down the stack, three writes beside it.

The genesis beacon goes into the bare backend before the layers exist (drand's NewHandler); a memdb node
that starts puts the current round fetched from a peer straight into its empty ring
(storeCurrentFromPeerNetwork); a trimmed store rebuilds previous signatures from the row before
(requiresPrevious) and, unlike drand's, gives a round whose predecessor is missing back with an empty link.
"""

from __future__ import annotations

import pytest

from drand_edu.chain import Beacon
from drand_edu.errors import StoreError
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, SQLiteStore, new_chain_store
from drand_edu.store.stack import DiscrepancyStore


@pytest.fixture(scope="module")
def network() -> LocalNetwork:
    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng("store-paths"))
    net.run_rounds(5)
    return net


def test_the_genesis_beacon_goes_into_the_backend_under_the_layers(network) -> None:
    """NewHandler puts GenesisBeacon into the bare store, then builds the layers: no layer sees round 0
    (no discrepancy measured, no callback told), and the append layer starts from it."""
    backend = MemoryStore()
    told: list[int] = []
    stack = new_chain_store(network.info, backend)
    stack.add_callback("watch", lambda beacon, closed: told.append(beacon.round))
    assert [b.round for b in backend.cursor(0)] == [0]
    assert backend.get(0).signature == network.info.genesis_seed
    layer = stack
    while not isinstance(layer, DiscrepancyStore):
        layer = layer.inner
    assert layer.last_discrepancy is None and told == []
    stack.put(network.processes[0].store.get(1))  # round 1 links to the genesis seed: accepted
    assert told == [1] and layer.last_discrepancy is not None
    with pytest.raises(StoreError):
        stack.put(network.processes[0].store.get(3))  # a gap: the append layer refuses it


def test_a_trimmed_store_rebuilds_the_previous_signature_and_leaves_an_empty_link_at_a_hole(
    network, tmp_path
) -> None:
    """drand's trimmed bolt store keeps round -> signature only and, on the chained scheme
    (requiresPrevious), reads round r - 1 for round r's previous signature; where r - 1 is missing drand
    answers ErrNoBeaconStored for r, ours gives r back with an empty previous signature (a difference on
    purpose, tests/data/differences.toml: check_store names the broken link)."""
    trimmed = SQLiteStore(tmp_path / "chain.db", genesis_seed=network.info.genesis_seed, chained=True)
    stack = new_chain_store(network.info, trimmed)
    source = network.processes[0].store
    for beacon in source.cursor(1, 4):
        stack.put(beacon)
    assert trimmed.trimmed
    assert [trimmed.get(r) for r in (1, 2, 3, 4)] == [source.get(r) for r in (1, 2, 3, 4)]
    assert trimmed.get(1).previous_signature == network.info.genesis_seed
    trimmed.delete(2)
    hole = trimmed.get(3)
    assert hole.signature == source.get(3).signature and hole.previous_signature == b""
    assert trimmed.get(4).previous_signature == source.get(3).signature
    trimmed.close()


def test_a_memdb_start_skips_a_current_round_that_does_not_verify() -> None:
    """drand's storeCurrentFromPeerNetwork verifies the peer's beacon and refuses to start the node when it
    does not verify; our simulated start skips it and starts from the genesis beacon (a difference on
    purpose: the simulator's peers are honest unless a test tampers with them)."""
    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng("memdb-bad"), db="memdb")
    net.run_rounds(4)
    net.crash(0)
    net.run_rounds(2)
    current = net.info.round_at(net.now())
    for peer in net.processes[1:]:
        real = peer.backend.get(current)
        peer.backend.delete(current)
        peer.backend.put(Beacon(current, peer.backend.get(1).signature, real.previous_signature))
    net.restart(0)
    assert [b.round for b in net.processes[0].backend.cursor(0)] == [0]


def test_a_restarted_memdb_node_cannot_serve_the_rounds_it_lost() -> None:
    """What notebook 05 says of a memdb node after a restart: the rounds before it are gone for good, so
    its API answers a past round with drand's 500 (the store's "not found"), while a SQLite node serves it."""
    from drand_edu.api import ServedChain
    from drand_edu.api.server import PublicAPI

    net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=seeded_rng("memdb-api"),
                              db=["memdb", "sqlite", "sqlite", "sqlite"])  # fmt: skip
    net.run_rounds(4)
    net.crash(0)
    net.run_rounds(2)
    net.restart(0)
    net.run_rounds(1)
    memdb_api = PublicAPI([ServedChain(net.info, net.processes[0].store)], net.now)
    sqlite_api = PublicAPI([ServedChain(net.info, net.processes[1].store)], net.now)
    assert memdb_api.handle("/public/3")[0] == 500 and sqlite_api.handle("/public/3")[0] == 200
    head = net.processes[0].head()
    assert memdb_api.handle(f"/public/{head}")[0] == 200
