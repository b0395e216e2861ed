"""``drand-edu util list-schemes`` and ``util check`` on a real SQLite store, healthy and corrupted."""

from __future__ import annotations

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


def test_check_a_store(tmp_path, capsys) -> None:
    net = LocalNetwork.create(3, 2, "pedersen-bls-chained", rng=seeded_rng(1))
    net.run_rounds(6)
    info_path, _ = net.export(tmp_path)
    db = tmp_path / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many(net.chain())
    assert main(["util", "check", "--info", str(info_path), "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("ok: 7 beacons")
    with sqlite3.connect(db) as raw:
        first = raw.execute("SELECT signature FROM beacons WHERE round = 1").fetchone()[0]
        raw.execute("UPDATE beacons SET signature = ? WHERE round = 4", (first,))
    assert main(["util", "check", "--info", str(info_path), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "signature: round 4" in out and "CORRUPT" in out
    assert main(["util", "check", "--info", str(info_path), "--db", str(tmp_path / "none.db")]) == 2


def test_get_chain_info_and_public(capsys) -> None:
    import json

    from drand_edu.api import serve_node

    net = LocalNetwork.create(3, 2, rng=seeded_rng(2))
    net.run_rounds(4)
    server = serve_node(net.daemons[0], net.now)
    try:
        assert main(["get", "chain-info", "--url", server.url]) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["hash"] == net.info.hash_hex and "trusting" in captured.err
        pinned = ["--url", server.url, "--chain-hash", net.info.hash_hex]
        assert main(["get", "public", *pinned, "--round", "3"]) == 0
        assert json.loads(capsys.readouterr().out)["round"] == 3
        assert main(["get", "public", *pinned]) == 0
        assert json.loads(capsys.readouterr().out)["round"] == net.daemons[0].store.last_round()
        assert main(["get", "public", "--url", server.url, "--chain-hash", "00" * 32]) == 2
        assert "error" in capsys.readouterr().err
    finally:
        net.stop_apis()


def test_generate_keypair_and_show(tmp_path, capsys) -> None:
    folder = tmp_path / "node"
    assert main(["generate-keypair", "--folder", str(folder), "--scheme", "bls-unchained-g1-rfc9380"]) == 0
    public = capsys.readouterr().out.split("public key ")[1].strip()
    assert main(["show", "public-key", "--folder", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == public
    assert main(["show", "share", "--folder", str(folder)]) == 2  # no DKG yet
    assert "no DKG" in capsys.readouterr().err
    assert main(["generate-keypair", "--folder", str(folder)]) == 2  # never overwrite a key


def test_check_flags_negative_rounds(tmp_path, capsys) -> None:
    net = LocalNetwork.create(3, 2, "pedersen-bls-unchained", rng=seeded_rng(2))
    net.run_rounds(3)
    info_path, _ = net.export(tmp_path)
    db = tmp_path / "chain.db"
    with SQLiteStore(db) as store:
        store.put_many(net.chain())
    with sqlite3.connect(db) as raw:
        row = raw.execute("SELECT signature, previous_signature FROM beacons WHERE round = 2").fetchone()
        raw.execute("INSERT INTO beacons VALUES (?, ?, ?)", (-5, *row))
    assert main(["util", "check", "--info", str(info_path), "--db", str(db)]) == 1
    assert "round -5 is negative" in capsys.readouterr().out
