"""``drand-edu util list-schemes``, ``util check`` (nodes answer), ``sync`` checking and repairing a real
SQLite store, ``client get``, ``generate-keypair`` and ``show``."""

from __future__ import annotations

import json
import sqlite3

from drand_edu.cli import main
from drand_edu.crypto.schemes import SCHEMES
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.store import SQLiteStore


def test_list_schemes(capsys) -> None:
    assert main(["util", "list-schemes"]) == 0
    out = capsys.readouterr().out
    assert all(scheme_id in out for scheme_id in SCHEMES)


def test_sync_checks_a_store_and_repairs_it_from_sync_nodes(tmp_path, capsys) -> None:
    """drand's sync without --follow: check the local store; with sync nodes, correct what is faulty."""
    from drand_edu.api import serve_node

    net = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng(1))
    net.run_rounds(6)
    info_path, _ = net.export(tmp_path)
    db = tmp_path / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many(net.chain())
    dry_run = ["sync", "--info", str(info_path), "--db", str(db), "--up-to", "6"]
    assert main(dry_run) == 0
    assert "checked rounds 1 to 6 (signatures only): 0 faulty" in capsys.readouterr().out
    with sqlite3.connect(db) as raw:
        first = raw.execute("SELECT signature FROM beacons WHERE round = 1").fetchone()[0]
        raw.execute("UPDATE beacons SET signature = ? WHERE round = 4", (first,))
    assert main(dry_run) == 1  # no sync nodes: the check only
    out = capsys.readouterr().out
    # a trimmed store gives round 5 back with round 4's row as its previous signature: faulty too
    assert "faulty round 4" in out and "faulty round 5" in out and "2 faulty" in out and "dry run" in out
    assert main(["sync", "--info", str(info_path), "--db", str(tmp_path / "none.db"), "--up-to", "1"]) == 2
    assert not (tmp_path / "none.db").exists()  # a check never creates a store
    server = serve_node(net.daemons[0], net.now)
    try:
        repair = [
            "sync",
            "--url",
            server.url,
            "--chain-hash",
            net.info.hash_hex,
            "--db",
            str(db),
            "--up-to",
            "6",
        ]
        assert main(repair) == 0
        assert "corrected 2 faulty rounds" in capsys.readouterr().out
        assert main(dry_run) == 0  # the store is sound again
    finally:
        net.stop_apis()


def test_sync_without_follow_is_drands_check_chain(tmp_path, capsys) -> None:
    """drand's checkCmd/StartCheckChain: --up-to is required; rounds 1..min(up-to, last) are checked by
    signature only (CheckPastBeacons); faulty ones are fetched alone (CorrectPastBeacons); the node's own
    address alone is a dry run; nothing is ever appended above the last stored round."""
    from drand_edu.api import serve_node

    net = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng(5))
    net.run_rounds(8)
    info_path, _ = net.export(tmp_path)
    db = tmp_path / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many([b for b in net.chain() if b.round <= 6])  # the network is 2 rounds further
    base = ["sync", "--info", str(info_path), "--db", str(db)]
    assert main(base) == 2  # drand: "upTo must be greater than 0"
    assert "--up-to" in capsys.readouterr().err
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM beacons WHERE round = 2")  # a trimmed store then cannot rebuild round 3
        other = raw.execute("SELECT signature FROM beacons WHERE round = 1").fetchone()[0]
        raw.execute("UPDATE beacons SET signature = ? WHERE round = 5", (other,))
    assert main([*base, "--up-to", "4"]) == 1  # rounds 1..4 only: round 5 is not looked at
    out = capsys.readouterr().out
    assert "faulty round 2" in out and "faulty round 3" in out and "faulty round 5" not in out
    assert "checked rounds 1 to 4 (signatures only): 2 faulty" in out
    server = serve_node(net.daemons[0], net.now)
    try:
        pinned = ["--url", server.url, "--chain-hash", net.info.hash_hex, "--db", str(db)]
        assert main(["sync", *pinned, "--up-to", "100"]) == 0  # 100 > last: checks up to round 6 only
        out = capsys.readouterr().out  # round 6 rebuilt from round 5's bad row: faulty too
        assert "no beacon stored above round 6" in out and "corrected 4 faulty rounds" in out
        by_round = {b.round: b for b in net.chain()}
        with SQLiteStore(db) as store:
            assert store.last_round() == 6 and max(by_round) == 8  # nothing appended
            fixed = [store.get(r).signature for r in (2, 3, 5, 6)]
            assert fixed == [by_round[r].signature for r in (2, 3, 5, 6)]
    finally:
        net.stop_apis()


def test_sync_from_its_own_address_alone_is_a_dry_run(tmp_path, capsys) -> None:
    from drand_edu.crypto.schemes import scheme_by_id
    from drand_edu.node.key_store import FileStore

    net = LocalNetwork.create(3, 2, "pedersen-bls-unchained", rng=seeded_rng(6))
    net.run_rounds(4)
    info_path, _ = net.export(tmp_path)
    folder = tmp_path / "node"
    FileStore.generate(
        scheme_by_id("pedersen-bls-unchained"), rng=seeded_rng(7), address="127.0.0.1:4444"
    ).save(folder)
    db = folder / "multibeacon" / "default" / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many(net.chain())
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM beacons WHERE round = 2")
    own = ["sync", "--folder", str(folder), "--info", str(info_path), "--sync-nodes", "127.0.0.1:4444"]
    assert main([*own, "--up-to", "4"]) == 1  # faulty, and not corrected: a dry run
    assert "dry run: nothing corrected" in capsys.readouterr().out
    assert main([*own[:-1], "127.0.0.1:5555", "--up-to", "4"]) == 2  # another peer: give it as --url


def test_sync_follow_stops_at_up_to(tmp_path, capsys) -> None:
    from drand_edu.api import serve_node

    net = LocalNetwork.create(3, 2, rng=seeded_rng(3))
    net.run_rounds(5)
    server = serve_node(net.daemons[0], net.now)
    try:
        follow = ["sync", "--url", server.url, "--chain-hash", net.info.hash_hex,
                  "--db", str(tmp_path / "f.db"), "--follow", "--up-to", "3"]  # fmt: skip
        assert main(follow) == 0
        assert "synced to round 3" in capsys.readouterr().out
        assert main(["sync", "--follow", "--info", "x.json", "--db", str(tmp_path / "f.db")]) == 2
    finally:
        net.stop_apis()


def test_util_check_says_which_nodes_do_not_answer(capsys) -> None:
    import socket

    from drand_edu.net.http_transport import HttpNetwork

    node = HttpNetwork(-1, {})
    address = node.url.removeprefix("http://")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        silent = f"127.0.0.1:{sock.getsockname()[1]}"
    try:
        node.identity = {"address": address, "key": "ab" * 48, "scheme": "pedersen-bls-chained"}
        assert main(["util", "check", address]) == 0
        assert f"id {address} answers correctly" in capsys.readouterr().out
        assert main(["util", "check", address, silent, "--verbose"]) == 1
        out = capsys.readouterr().out
        assert f"error checking id {silent}: cannot reach" in out and f"don't answer: {silent}" in out
        node.identity = {**node.identity, "address": "127.0.0.1:1"}  # answers for another address
        assert main(["util", "check", address, "--id", "default"]) == 1
        assert main(["util", "check"]) == 2
    finally:
        node.close()


def test_util_check_with_bare_addresses_is_a_health_check(capsys) -> None:
    """drand's checkConnection: bare addresses get remotePingToNode (a health check); the identity check
    (GetIdentity, then the address compared) runs only with --id or --group."""
    from drand_edu.net.http_transport import HttpNetwork

    node = HttpNetwork(-1, {})
    address = node.url.removeprefix("http://")
    try:
        node.identity = None  # serving, but no identity to give (e.g. no key for that beacon yet)
        assert main(["util", "check", address]) == 0
        assert f"id {address} answers correctly" in capsys.readouterr().out
        assert main(["util", "check", address, "--id", "default", "--verbose"]) == 1
        assert f"error checking id {address}: cannot reach" in capsys.readouterr().out
        node.identity = {"address": "127.0.0.1:1", "key": "ab" * 48, "scheme": "pedersen-bls-chained"}
        assert main(["util", "check", address]) == 0  # health only: whose node it is is not asked
        assert main(["util", "check", address, "--id", "", "--verbose"]) == 1  # --id given, even empty
        assert f"contact {address} reply with 127.0.0.1:1" in capsys.readouterr().out
        assert main(["util", "check", "no-port-here"]) == 2  # drand's SplitHostPort refuses it
    finally:
        node.close()


def test_client_get_chain_info_and_public(capsys) -> None:
    from drand_edu.api import serve_node

    net = LocalNetwork.create(3, 2, rng=seeded_rng(2))
    net.run_rounds(4)
    server = serve_node(net.daemons[0], net.now)
    try:
        assert main(["client", "get", "chain-info", "--url", server.url]) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["hash"] == net.info.hash_hex and "trusting" in captured.err
        pinned = ["--url", server.url, "--chain-hash", net.info.hash_hex]
        assert main(["client", "get", "public", *pinned, "3"]) == 0  # drand-client: the round as argument
        assert json.loads(capsys.readouterr().out)["round"] == 3
        assert main(["client", "get", "public", *pinned, "--round", "2"]) == 0
        assert json.loads(capsys.readouterr().out)["round"] == 2
        assert main(["client", "get", "public", *pinned]) == 0
        assert json.loads(capsys.readouterr().out)["round"] == net.daemons[0].store.last_round()
        # another chain pinned: the answers were read and are of the wrong chain, so invalid (1)
        assert main(["client", "get", "public", "--url", server.url, "--hash", "00" * 32]) == 1
        assert "error" in capsys.readouterr().err
    finally:
        net.stop_apis()


def test_generate_keypair_and_show(tmp_path, capsys) -> None:
    folder = tmp_path / "node"
    assert main(["generate-keypair", "--folder", str(folder), "--scheme", "bls-unchained-g1-rfc9380"]) == 0
    public = capsys.readouterr().out.split("public key ")[1].strip()
    assert main(["show", "public", "--folder", str(folder)]) == 0  # no node runs: read from the folder
    shown = json.loads(capsys.readouterr().out)
    assert shown["key"] == public and shown["scheme"] == "bls-unchained-g1-rfc9380"
    assert main(["show", "public-key", "--folder", str(folder)]) == 0  # the old name still works
    assert json.loads(capsys.readouterr().out) == shown
    assert main(["show", "share", "--folder", str(folder)]) == 2  # no DKG yet
    assert "no DKG" in capsys.readouterr().err
    assert main(["generate-keypair", "--folder", str(folder)]) == 2  # never overwrite a key


def test_sync_check_flags_negative_rounds(tmp_path, capsys) -> None:
    net = LocalNetwork.create(3, 2, "pedersen-bls-unchained", rng=seeded_rng(2))
    net.run_rounds(3)
    info_path, _ = net.export(tmp_path)
    db = tmp_path / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many(net.chain())
    with sqlite3.connect(db) as raw:
        row = raw.execute("SELECT signature, previous_signature FROM beacons WHERE round = 2").fetchone()
        raw.execute("INSERT INTO beacons VALUES (?, ?, ?)", (-5, *row))
    assert main(["sync", "--info", str(info_path), "--db", str(db), "--up-to", "3"]) == 1  # a dry run
    assert "round -5 is negative" in capsys.readouterr().out
