"""Notebook-01 checkers: "not yet" for stubs and wrong answers, "correct" for right ones."""

from __future__ import annotations

import hashlib

from drand_edu.client import Client
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.cli import check_chain_hash, check_pinned_client, check_round_time

from .conftest import verdict


def right_hash(info_json):
    h = hashlib.sha256()
    h.update(info_json["period"].to_bytes(4, "big"))
    h.update(info_json["genesis_time"].to_bytes(8, "big"))
    h.update(bytes.fromhex(info_json["public_key"]) + bytes.fromhex(info_json["groupHash"]))
    beacon_id = info_json["metadata"]["beaconID"]
    if beacon_id not in ("", "default"):
        h.update(beacon_id.encode())
    return h.hexdigest()


def test_chain_hash(capsys) -> None:
    def always_with_id(info_json):
        h = hashlib.sha256(right_hash(info_json).encode())
        return h.hexdigest()

    assert NOT_YET in verdict(capsys, check_chain_hash, None)
    assert NOT_YET in verdict(capsys, check_chain_hash, always_with_id)
    assert CORRECT in verdict(capsys, check_chain_hash, right_hash)


def test_round_time(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_round_time, None)
    assert NOT_YET in verdict(capsys, check_round_time, lambda g, p, r: g + r * p)
    assert CORRECT in verdict(capsys, check_round_time, lambda g, p, r: g + (r - 1) * p)


def test_pinned_client(capsys) -> None:
    assert NOT_YET in verdict(capsys, check_pinned_client, None)
    tofu = lambda urls, h: Client(urls, trust_on_first_use=True)  # noqa: E731
    assert "pin" in verdict(capsys, check_pinned_client, tofu)
    blind = lambda urls, h: Client(urls, chain_hash=h, verify=False)  # noqa: E731
    assert NOT_YET in verdict(capsys, check_pinned_client, blind)
    assert CORRECT in verdict(capsys, check_pinned_client, lambda urls, h: Client(urls, chain_hash=h))
