"""The League of Entropy cell of sessions 1, 2 and 8: live from relays (a local replay here), or recorded."""

from __future__ import annotations

import copy
import socket

import pytest

from drand_edu.client import league
from drand_edu.errors import InvalidInput

from .recorded_server import RecordedServer

QUICKNET = "quicknet"


def relay_routes(network: str, beacon: dict | None = None) -> dict:
    """What a relay answers for one chain: its info and its latest beacon, under the chain hash."""
    chain_hash = league.pinned_hash(network)
    recorded = league.RECORDED[network]
    return {
        f"/{chain_hash}/info": (200, recorded["info"]),
        f"/{chain_hash}/public/latest": (200, beacon or recorded["beacon"]),
    }


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens once the socket is closed


def test_a_relay_answer_is_verified_against_the_pinned_chain():
    with RecordedServer(relay_routes(QUICKNET)) as relay:
        result = league.latest(QUICKNET, relays=[relay.url], offline=False)
    assert result.live and result.source == relay.url
    assert result.beacon.round == league.RECORDED[QUICKNET]["beacon"]["round"]
    assert result.info.hash_hex == league.pinned_hash(QUICKNET)
    assert "live from" in result.summary()


def test_a_lying_relay_is_skipped_for_the_next_one():
    forged = copy.deepcopy(league.RECORDED[QUICKNET]["beacon"])
    forged["round"] += 1  # a real signature under the wrong round: it does not verify
    liar, honest = RecordedServer(relay_routes(QUICKNET, forged)), RecordedServer(relay_routes(QUICKNET))
    with liar, honest:
        result = league.latest(QUICKNET, relays=[liar.url, honest.url], offline=False)
    assert result.live and result.source == honest.url


def test_another_chain_under_the_pinned_path_is_refused():
    mainnet = league.RECORDED["mainnet"]
    routes = {f"/{league.pinned_hash(QUICKNET)}/info": (200, mainnet["info"]),
              f"/{league.pinned_hash(QUICKNET)}/public/latest": (200, mainnet["beacon"])}
    with RecordedServer(routes) as impostor:
        result = league.latest(QUICKNET, relays=[impostor.url], offline=False)
    assert not result.live and impostor.url in result.reason


def test_without_a_network_the_recorded_beacon_is_used_and_says_why():
    result = league.latest(QUICKNET, relays=[closed_port_url(), closed_port_url()], offline=False, budget=2)
    assert not result.live and result.source == "recorded"
    assert "127.0.0.1" in result.reason and "recorded" in result.summary()


def test_offline_mode_asks_no_relay(monkeypatch):
    monkeypatch.setenv("DRAND_EDU_OFFLINE", "1")
    with RecordedServer(relay_routes(QUICKNET)) as relay:
        result = league.latest(QUICKNET, relays=[relay.url])
        assert relay.requests == []
    assert not result.live and "DRAND_EDU_OFFLINE" in result.reason


def test_relays_can_be_redirected_for_tests(monkeypatch):
    with RecordedServer(relay_routes("mainnet")) as relay:
        monkeypatch.delenv("DRAND_EDU_OFFLINE", raising=False)
        monkeypatch.setenv("DRAND_EDU_RELAYS", relay.url)
        result = league.latest("mainnet")
    assert result.live and result.beacon.round == league.RECORDED["mainnet"]["beacon"]["round"]


def test_the_recordings_are_real_and_pinned():
    for network in ("mainnet", "quicknet"):
        recorded = league._recorded(network, "test")
        assert recorded.info.hash_hex == league.pinned_hash(network)
    with pytest.raises(InvalidInput):
        league.pinned_hash("testnet")


def test_several_chains_share_one_budget_and_stop_waiting_once_offline():
    dead = closed_port_url()
    results = league.latest_all(("quicknet", "mainnet"), relays=[dead], offline=False, budget=2)
    assert [r.live for r in results] == [False, False]
    assert dead in results[0].reason and "did not answer" in results[1].reason
    routes = {**relay_routes("quicknet"), **relay_routes("mainnet")}
    with RecordedServer(routes) as relay:
        results = league.latest_all(("quicknet", "mainnet"), relays=[relay.url], offline=False)
    assert [r.live for r in results] == [True, True]


def test_asked_offline_says_so_for_every_chain(monkeypatch):
    monkeypatch.delenv("DRAND_EDU_OFFLINE", raising=False)
    results = league.latest_all(("quicknet", "mainnet"), offline=True)
    assert [r.reason for r in results] == ["offline: asked not to use the network"] * 2
