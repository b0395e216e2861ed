"""``drand-edu demo up --scheme bls-bn254-unchained-on-g1``: node processes on 127.0.0.1 run the DKG
(Schnorr on BN254's G2) and sign BN254 beacons that our client and ``drand-edu verify`` accept.

One quick run: 3 nodes, t = 2, long rounds, because the pure-Python BN254 pairing (about 1 s of CPU per
partial check) is shared by three processes on a small machine.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from drand_edu.cli import main
from drand_edu.client import Client

from .test_demo_processes import alive, health, wait_for

pytestmark = pytest.mark.slow
SCHEME_ID = "bls-bn254-unchained-on-g1"


def test_a_bn254_network_of_processes(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    args = ["demo", "up", "--nodes", "3", "--threshold", "2", "--period", "10", "--scheme", SCHEME_ID]
    assert main([*args, "--folder", str(folder)]) == 0
    urls = re.findall(r"node \d: (http://\S+)", capsys.readouterr().out)
    pids = [int(p) for p in (folder / "pids").read_text().split()]
    try:
        assert len(urls) == 3
        wait_for(lambda: health(urls[0])["current"] >= 2, 240, "round 2 on node 0")
        info_json = json.loads(urllib.request.urlopen(urls[0] + "/info", timeout=5).read())
        assert info_json["schemeID"] == SCHEME_ID and len(bytes.fromhex(info_json["public_key"])) == 128
        client = Client(urls, chain_hash=info_json["hash"])
        beacons = [client.get(r) for r in (1, 2)]  # the client verifies each one
        assert all(len(b.signature) == 64 for b in beacons)
        (tmp_path / "info.json").write_text(json.dumps(info_json))
        (tmp_path / "beacons.json").write_text(json.dumps([b.to_json() for b in beacons]))
        assert main(["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "beacons.json")]) == 0
    finally:
        assert main(["demo", "down", "--folder", str(folder)]) == 0
        wait_for(lambda: not any(alive(p) for p in pids), 20, "every demo process to stop")
