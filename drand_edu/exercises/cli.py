"""Exercise checkers for notebook 01 (drand, its CLI and clients)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from ..chain.info import ChainInfo
from ..client.client import Client
from ..crypto import bls, scheme_by_id
from .common import is_stub, report, safely

__all__ = ["check_chain_hash", "check_pinned_client", "check_round_time"]


def _random_info(beacon_id: str) -> ChainInfo:
    scheme = scheme_by_id(secrets.choice(["pedersen-bls-chained", "bls-unchained-g1-rfc9380"]))
    keys = bls.keygen(scheme)
    period, genesis = 1 + secrets.randbelow(60), 1_590_000_000 + secrets.randbelow(10**8)
    return ChainInfo(keys.public.to_bytes(), period, genesis, secrets.token_bytes(32), scheme, beacon_id)


def check_chain_hash(my_hash: Callable[[dict[str, Any]], str] | None) -> bool:
    """``my_hash(info_json)``: the chain hash (hex) recomputed from drand's ``/info`` JSON fields."""
    if is_stub(my_hash):
        return report(False, "define my_hash(info_json) first")

    def check() -> bool:
        for beacon_id in ("default", "quicknet"):
            info = _random_info(beacon_id)
            given = {k: v for k, v in info.to_json().items() if k != "hash"}
            if my_hash(given) != info.hash_hex:
                which = "the default chain" if beacon_id == "default" else "a chain with a beacon id"
                return report(
                    False,
                    f"wrong hash for {which}: sha256(period as 4 bytes BE ‖ genesis_time as 8 bytes BE ‖ "
                    "public key ‖ groupHash bytes ‖ beacon id, only when it is not 'default')",
                )
        return report(True, praise="that hash is what a client pins: the chain's identity")

    return safely(check, "my_hash failed")


def check_round_time(my_time: Callable[[int, int, int], int] | None) -> bool:
    """``my_time(genesis_time, period, round)``: the Unix time at which a round is due."""
    if is_stub(my_time):
        return report(False, "define my_time(genesis_time, period, round_number) first")

    def check() -> bool:
        info = _random_info("default")
        for round_number in (1, 2, 3, 1000, 1 + secrets.randbelow(10**7)):
            if my_time(info.genesis_time, info.period, round_number) != info.time_of_round(round_number):
                return report(False, "round 1 is due at genesis, and one more round every period")
        return report(True, praise="clients sleep until exactly this moment before asking")

    return safely(check, "my_time failed")


def check_pinned_client(make_client: Callable[[list[str], str], Client] | None) -> bool:
    """``make_client(urls, chain_hash)``: a Client that trusts only that chain and verifies beacons."""
    if is_stub(make_client):
        return report(False, "define make_client(urls, chain_hash) first")

    def check() -> bool:
        urls = ["http://127.0.0.1:1", "http://127.0.0.1:2"]
        chain_hash = secrets.token_hex(32)
        client = make_client(urls, chain_hash)
        if not isinstance(client, Client):
            return report(False, "return a drand_edu.client.Client")
        if client.chain_hash is None or client.chain_hash.hex() != chain_hash:
            return report(False, "pin the chain: Client(urls, chain_hash=...)")
        if not client.verify or [e.url for e in client.endpoints] != urls:
            return report(False, "keep verification on and give it every URL (for failover)")
        return report(True, praise="an endpoint can now withhold beacons, never forge them")

    return safely(check, "make_client failed")
