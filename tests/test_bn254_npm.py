"""A simulated BN254 chain served over our public HTTP API, read by our Client and by npm drand-client.

drand-client (1.4.2) verifies ``bls-bn254-unchained-on-g1`` beacons with its own BN254 code
(``@kevincharm/noble-bn254-drand`` on ``@noble/curves``, Keccak-256 from ``@noble/hashes``): if it
accepts our beacon, its hash-to-G1, its point decoding and its pairing check agree with ours.
"""

from __future__ import annotations

import subprocess

import pytest

from drand_edu.api import ServedChain, serve
from drand_edu.chain import Beacon, verify_chain
from drand_edu.client import Client
from drand_edu.crypto.schemes import scheme_by_id
from drand_edu.errors import ClientError, InvalidBeacon
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore

from .npm import JS_DIR, ensure_npm_packages

SCHEME = scheme_by_id("bls-bn254-unchained-on-g1")


@pytest.fixture(scope="module")
def network() -> LocalNetwork:
    net = LocalNetwork.create(3, 2, SCHEME, period=3, rng=seeded_rng("bn254-api"))
    net.advance(3 * 3 + 0.5)  # rounds 1..4
    return net


def _tampered(network: LocalNetwork, round_number: int) -> MemoryStore:
    """A copy of node 0's store where ``round_number`` carries the previous round's signature."""
    store = MemoryStore()
    for beacon in network.processes[0].store.cursor():
        store.put(beacon)
    store._beacons[round_number] = Beacon(round_number, store.get(round_number - 1).signature)
    return store


def test_our_client_reads_and_verifies_the_bn254_chain(network) -> None:
    info = network.info
    assert info.scheme is SCHEME
    with serve(ServedChain(info, network.processes[0].store), clock=network.now) as server:
        client = Client(server.url, chain_hash=info.hash_hex, retries=0)
        assert client.info() == info
        beacons = [client.get(r) for r in range(1, 4)]
        assert verify_chain(info, beacons) == []
        assert len(beacons[0].signature) == 64
    with serve(ServedChain(info, _tampered(network, 3)), clock=network.now) as server:
        client = Client(server.url, chain_hash=info.hash_hex, retries=0)
        with pytest.raises((InvalidBeacon, ClientError)):
            client.get(3)


@pytest.mark.npm
def test_npm_drand_client_verifies_our_bn254_beacons_and_rejects_a_tampered_one(network) -> None:
    node = ensure_npm_packages()
    info = network.info
    script = str(JS_DIR / "drand_client_check.mjs")
    args = [info.hash_hex, info.public_key.hex(), "3"]
    with serve(ServedChain(info, network.processes[0].store), clock=network.now) as server:
        result = subprocess.run([node, script, server.url, *args], capture_output=True, text=True, timeout=99)
    assert result.returncode == 0, result.stderr
    assert f"RANDOMNESS={network.processes[0].store.get(3).randomness.hex()}" in result.stdout

    with serve(ServedChain(info, _tampered(network, 3)), clock=network.now) as server:
        result = subprocess.run([node, script, server.url, *args], capture_output=True, text=True, timeout=99)
    assert result.returncode == 1 and "drand-client" in result.stderr
