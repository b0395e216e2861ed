"""Errors and warnings that say what happened (issue 23, deliverables 3 and 5).

A stale "latest" beacon, a full disk, a corrupt last beacon at a node's start, a tlock round or
duration out of range, ``-D 0s``, a chain info whose ``metadata`` is not an object: each used to be
accepted silently, stall, or end in "internal error"; each is now one line that names the problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu.chain.beacon import Beacon
from drand_edu.cli import main
from drand_edu.client import Client

from .recorded_server import RecordedServer

QUICKNET = json.loads((Path(__file__).parent / "data" / "beacons-quicknet.json").read_text())
INFO, BEACON = QUICKNET["info"], QUICKNET["beacons"][0]
HASH = INFO["hash"]


# -- client get public: a verified but stale "latest" is flagged ------------------------------------
@pytest.fixture(scope="module")
def old_relay():
    """A relay that serves quicknet's round 12,040,883 (of 2024) as the latest, forever."""
    routes = {f"/{HASH}/info": (200, INFO), f"/{HASH}/public/latest": (200, BEACON),
              f"/{HASH}/public/{BEACON['round']}": (200, BEACON)}  # fmt: skip
    with RecordedServer(routes) as server:
        yield server


def test_client_get_public_warns_when_the_latest_is_older_than_the_clock(old_relay, capsys) -> None:
    assert main(["client", "get", "public", "--url", old_relay.url, "--hash", HASH]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["round"] == BEACON["round"]  # it verifies: still printed
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning:") and str(BEACON["round"]) in lines[0]
    assert "rounds older than the clock" in lines[0]


def test_an_explicit_round_is_never_stale(old_relay, capsys) -> None:
    argv = ["client", "get", "public", "--url", old_relay.url, "--hash", HASH, str(BEACON["round"])]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


def test_rounds_behind_counts_from_the_clock(old_relay) -> None:
    client = Client(old_relay.url, chain_hash=HASH)
    beacon = client.latest()
    due = client.info().time_of_round(beacon.round)
    for now, behind in ((due, 0), (due + 2.9, 0), (due + 3, 1), (due + 30, 10), (due - 60, 0)):
        client.clock = lambda now=now: now
        assert client.rounds_behind(beacon) == behind
    assert isinstance(beacon, Beacon)


# -- a full disk says "disk full" ----------------------------------------------------------------------
def test_a_full_disk_says_disk_full_and_keeps_the_store_intact(tmp_path) -> None:
    from drand_edu.errors import StoreError
    from drand_edu.store.sqlite import DiskFull, SQLiteStore

    with SQLiteStore(tmp_path / "chain.db") as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")  # a disk with two pages left
        written = 0
        with pytest.raises(DiskFull) as full:
            for round_number in range(1, 10_000):
                store.put(Beacon(round_number, bytes([round_number % 251]) * 96, b""))
                written = round_number
        message = str(full.value)
        assert "disk full" in message and "rollback" not in message and "\n" not in message
        assert isinstance(full.value, StoreError) and written > 0
        assert store.last_round() == written and len(store) == written  # nothing lost, nothing half-written
        with pytest.raises(DiskFull):  # again: the same clear error, not "cannot rollback"
            store.put_many([Beacon(written + 1, b"\x01" * 96, b"")])
        store._db.execute("PRAGMA max_page_count = 1073741823")  # space freed: writing works again
        store.put(Beacon(written + 1, b"\x01" * 96, b""))
        assert store.last_round() == written + 1


def test_a_full_disk_at_open_is_one_line_from_the_cli(tmp_path, capsys, monkeypatch) -> None:
    import sqlite3

    from drand_edu.store import sqlite as sqlite_store

    def full(*_args, **_kwargs):
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL  # what SQLite says when it cannot grow a file
        raise error

    (tmp_path / "info.json").write_text(json.dumps(INFO))
    (tmp_path / "chain.db").write_bytes(b"")
    monkeypatch.setattr(sqlite_store.sqlite3, "connect", full)
    argv = ["sync", "--info", str(tmp_path / "info.json"), "--db", str(tmp_path / "chain.db"), "--up-to", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "disk full" in err[0] and "Traceback" not in err[0]


# -- tlock encrypt: a round or a duration out of range is one line ----------------------------------
@pytest.fixture
def quicknet_info(tmp_path) -> Path:
    path = tmp_path / "info.json"
    path.write_text(json.dumps(INFO))
    return path


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("-r", str(2**64), "rounds are 1 to 2^64 - 1"),
        ("-r", str(10**30), "rounds are 1 to 2^64 - 1"),
        ("-r", "0", "rounds are 1 to 2^64 - 1"),
        ("-D", "1000000000y", "too long"),  # a billion years: past the calendar (was "internal error")
        ("-D", "99999999999999999999s", "too long"),
        ("-D", "100000000d", "too long"),
        ("-D", "0s", "not in the future"),  # drand's tle refuses durations <= 0
        ("-D", "0y0d0s", "not in the future"),
    ],
)
def test_tlock_encrypt_out_of_range_is_one_line(quicknet_info, tmp_path, capsys, flag, value, says) -> None:
    (tmp_path / "msg").write_bytes(b"hello")
    out = tmp_path / "msg.age"
    argv = [
        "tlock",
        "encrypt",
        "--chain-info",
        str(quicknet_info),
        flag,
        value,
        str(tmp_path / "msg"),
        "-o",
        str(out),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0] and "internal error" not in err[0]
    assert not out.exists()  # nothing written


def test_tlock_encrypt_accepts_the_largest_uint64_round(quicknet_info, tmp_path, capsys) -> None:
    (tmp_path / "msg").write_bytes(b"hello")
    argv = ["tlock", "encrypt", "--chain-info", str(quicknet_info), "-r", str(2**64 - 1),
            str(tmp_path / "msg"), "-o", str(tmp_path / "msg.age")]  # fmt: skip
    assert main(argv) == 0
    assert f"locked to round {2**64 - 1}" in capsys.readouterr().err


def test_a_duration_that_lands_on_a_round_already_out_warns(tmp_path, capsys) -> None:
    import time

    slow = dict(
        INFO, period=10**6, genesis_time=int(time.time()) - 10**6 // 2, hash=""
    )  # a round a fortnight
    (tmp_path / "slow.json").write_text(json.dumps(slow))
    (tmp_path / "msg").write_bytes(b"hello")
    argv = ["tlock", "encrypt", "--chain-info", str(tmp_path / "slow.json"), "-D", "1s",
            str(tmp_path / "msg"), "-o", str(tmp_path / "msg.age")]  # fmt: skip
    assert main(argv) == 0  # drand's tle encrypts it too
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("warning: round 1 is already out") and err[1].startswith("locked to round 1 ")


# -- ChainInfo: metadata must be an object, as drand's UnmarshalJSON decodes it into a struct ----------
@pytest.mark.parametrize("metadata", ["default", [], ["beaconID"], 5, 0, True, False, ""])
def test_chain_info_refuses_metadata_that_is_not_an_object(metadata) -> None:
    from drand_edu.chain.info import ChainInfo
    from drand_edu.errors import InvalidInput

    with pytest.raises(InvalidInput, match="metadata must be an object"):
        ChainInfo.from_json(dict(INFO, metadata=metadata))


@pytest.mark.parametrize(
    ("metadata", "beacon_id"), [(None, "default"), ({}, "default"), ({"beaconID": "quicknet"}, "quicknet")]
)
def test_chain_info_takes_null_or_an_object_as_metadata(metadata, beacon_id) -> None:
    from drand_edu.chain.info import ChainInfo

    info = ChainInfo.from_json(dict(INFO, metadata=metadata), check_hash=False)
    assert info.beacon_id == beacon_id  # null: no beacon id stated, as in drand (nil pointer)


@pytest.mark.parametrize(
    ("duration", "refused"), [("0s", True), ("0y0d0s", True), ("1s", False), ("2d", False), ("5y", False)]
)
def test_tle_and_ours_refuse_the_same_short_durations(
    tle_binary, old_relay, tmp_path, duration, refused
) -> None:
    """drand's ``tle`` (tlock's cmd/tle at the course's release) is the referee for ``-D``: both refuse
    a duration of zero, both encrypt a positive one (here against a loopback relay of quicknet's info)."""
    import subprocess

    (tmp_path / "msg").write_bytes(b"hello")
    argv = [str(tle_binary), "-e", "-n", old_relay.url, "-c", HASH, "-D", duration,
            "-o", str(tmp_path / "go.age"), str(tmp_path / "msg")]  # fmt: skip
    tle = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    ours = main(["tlock", "encrypt", "--url", old_relay.url, "--chain-hash", HASH, "-D", duration,
                 str(tmp_path / "msg"), "-o", str(tmp_path / "ours.age")])  # fmt: skip
    assert (tle.returncode != 0, ours != 0) == (refused, refused), tle.stderr
    if refused:
        assert "in the past or was too large" in tle.stderr
