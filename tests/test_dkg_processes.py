"""``drand-edu dkg`` between real node processes: an initial DKG (``demo up``), operator errors, and a
resharing that brings in a new node and lets an old one leave while the chain goes on.

After the transition one more old node is stopped: the chain can then only continue if the new node's
share works, and every beacon, before and after the transition, verifies against the same chain key
with our ``verify`` and with ``drand-verify``.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.request
from pathlib import Path

import pytest

from drand_edu.cli import main
from drand_edu.cli.demo import start_node
from drand_edu.client import Client

from .test_demo_processes import alive, health, shut_down, verify_with_drand_edu_and_drand_verify, wait_for

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def address_of(folder: Path) -> str:
    text = (folder / "multibeacon" / "default" / "key" / "drand_id.public").read_text()
    return re.search(r'Address = "([^"]+)"', text).group(1)


def test_reshare_between_processes(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    assert (
        main(["demo", "up", "--nodes", "4", "--threshold", "3", "--period", "2", "--folder", str(folder)])
        == 0
    )
    urls = re.findall(r"node \d: (http://\S+)", capsys.readouterr().out)
    pids = [int(p) for p in (folder / "pids").read_text().split()]
    nodes = [folder / f"node{i}" for i in range(4)]
    joiner_folder = folder / "node4"  # in the demo folder: demo down stops it too
    joiner = None
    try:
        info = json.loads(urllib.request.urlopen(urls[0] + "/info", timeout=5).read())
        assert main(["dkg", "status", "--folder", str(nodes[1])]) == 0
        assert "Complete, epoch 1" in capsys.readouterr().out

        # operator mistakes: one clear line, exit 2
        assert main(["dkg", "execute", "--folder", str(nodes[1])]) == 2
        assert (
            "the node refused: invalid transition attempt from Complete to Executing"
            in capsys.readouterr().err
        )
        assert main(["dkg", "status", "--control", str(free_port())]) == 2
        assert "cannot reach the node's control port" in capsys.readouterr().err
        unreachable = f"127.0.0.1:{free_port()}"
        assert (
            main(["dkg", "reshare", "--folder", str(nodes[0]), "--joiner", unreachable, "--threshold", "3"])
            == 2
        )
        assert f"cannot reach the node at {unreachable}" in capsys.readouterr().err

        # a new node: key pair, process, then the resharing: node 3 leaves, node 4 joins
        joiner_address = f"127.0.0.1:{free_port()}"
        assert main(["generate-keypair", "--folder", str(joiner_folder), joiner_address]) == 0
        joiner = start_node(joiner_folder, free_port())
        wait_for(lambda: (joiner_folder / "control.port").exists(), 20, "the new node to start")
        remainers = [arg for n in nodes[1:3] for arg in ("--remainer", address_of(n))]
        reshare = ["dkg", "reshare", "--folder", str(nodes[0]), *remainers, "--joiner", joiner_address,
                   "--leaver", address_of(nodes[3]), "--threshold", "3",
                   "--transition-delay", "4s"]  # fmt: skip
        assert main(reshare) == 0
        wait_for(lambda: main(["dkg", "status", "--folder", str(nodes[1])]) == 0
                 and "Proposed" in capsys.readouterr().out, 10, "the proposal")  # fmt: skip
        for node in nodes[1:3]:
            assert main(["dkg", "accept", "--folder", str(node)]) == 0
        group_file = nodes[0] / "multibeacon" / "default" / "groups" / "drand_group.toml"
        assert main(["dkg", "join", "--folder", str(joiner_folder), "--group", str(group_file)]) == 0
        assert main(["dkg", "execute", "--folder", str(nodes[0])]) == 0
        for node in [nodes[0], joiner_folder]:
            assert (
                main(["dkg", "status", "--folder", str(node), "--wait", "Complete", "--wait-timeout", "40"])
                == 0
            )
        assert "Complete, epoch 2" in capsys.readouterr().out
        assert main(["dkg", "status", "--folder", str(nodes[3]), "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "Left"

        # after the transition the joiner serves the same chain; with node 1 stopped only
        # nodes 0, 2 and 4 (= t) are left to sign: the chain goes on only if node 4's share works
        wait_for(lambda: (joiner_folder / "public.url").exists(), 30, "the transition")
        joiner_url = (joiner_folder / "public.url").read_text().strip()
        assert (
            json.loads(urllib.request.urlopen(joiner_url + "/info", timeout=5).read())["hash"] == info["hash"]
        )
        assert main(["stop", "--folder", str(nodes[1])]) == 0
        wait_for(lambda: not alive(pids[1]), 10, "node 1 to stop")
        start = health(urls[0])["current"]
        wait_for(lambda: health(joiner_url)["current"] >= start + 3, 30, "rounds signed by the new group")

        client = Client([joiner_url], chain_hash=info["hash"])
        latest = client.latest().round
        beacons = [client.get(r) for r in range(1, latest + 1)]
        verify_with_drand_edu_and_drand_verify(tmp_path, info, beacons)
    finally:
        # the joiner's folder is outside the demo's: demo down does not see it
        if joiner is not None and joiner.poll() is None:
            main(["stop", "--folder", str(joiner_folder)])
        shut_down(folder, pids, joiner)
