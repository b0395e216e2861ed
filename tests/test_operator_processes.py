"""Operator commands against real node processes (issue 23): what ``demo up``/``down`` may destroy, a
node killed with SIGKILL, and a DKG squatted by a stranger then undone with ``dkg nuke``.

Every process a test starts is stopped in ``finally`` (``demo down`` for the demo's, SIGKILL for the
others), and checked gone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
from pathlib import Path

import pytest

from drand_edu.cli import main
from drand_edu.cli.control import node_pid
from drand_edu.cli.demo import start_node

from .test_demo_processes import alive, wait_for
from .test_dkg_nuke import post as post_to
from .test_dkg_processes import address_of, free_port

pytestmark = pytest.mark.slow


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def started(folder: Path) -> subprocess.Popen:
    """``drand-edu start`` for a folder, waited for until its control port answers."""
    process = start_node(folder, free_port())
    wait_for(lambda: node_pid(folder) == process.pid or process.poll() is not None, 30, f"{folder} to start")
    assert process.poll() is None, (folder / "node.log").read_text()
    return process


def kill(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def status(folder: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["dkg", "status", "--folder", str(folder), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["status"]


def test_demo_up_and_down_destroy_only_what_they_made(tmp_path: Path, capsys) -> None:
    demo = tmp_path / "demo"
    up = ["demo", "up", "--nodes", "3", "--threshold", "2", "--period", "2", "--folder", str(demo)]
    old = os.umask(0)  # the nodes inherit it too: their secrets must still be 0600
    try:
        assert main(up) == 0
    finally:
        os.umask(old)
    pids = [int(p) for p in (demo / "pids").read_text().split()]
    nodes = [demo / f"node{i}" for i in range(3)]
    by_hand: list[subprocess.Popen] = []
    victim_folder = tmp_path / "victim"
    try:
        assert mode(demo) == 0o700 and mode(demo / "pids") == 0o600
        assert mode(demo / "made-by-demo-up") == 0o600
        assert mode(nodes[0] / "multibeacon/default/key/drand_id.private") == 0o600

        # the pids file is lost: a second demo up must not delete the folders running nodes use
        (demo / "pids").rename(tmp_path / "pids.saved")
        capsys.readouterr()
        assert main(up) == 2
        assert "is used by a running node" in capsys.readouterr().err
        assert all((n / "multibeacon/default/key/drand_id.private").exists() for n in nodes)
        assert all(alive(p) for p in pids)
        (tmp_path / "pids.saved").rename(demo / "pids")

        # kill -9 a node: its control.port is stale, found so and cleaned; it restarts
        os.kill(pids[2], signal.SIGKILL)
        wait_for(lambda: not alive(pids[2]), 10, "node 2 to die")
        assert (nodes[2] / "control.port").exists()
        capsys.readouterr()
        assert main(["dkg", "status", "--folder", str(nodes[2])]) == 2
        assert "its node is gone" in capsys.readouterr().err
        assert not (nodes[2] / "control.port").exists() and not (nodes[2] / "node.pid").exists()
        (nodes[2] / "control.port").write_text("1\n")  # stale again: start cleans it and starts
        (nodes[2] / "node.pid").write_text(f"{pids[2]}\n")
        by_hand.append(started(nodes[2]))
        assert status(nodes[2], capsys) == "Complete"
        assert main(["start", "--folder", str(nodes[2])]) == 2  # one node per folder
        assert "a node already runs from" in capsys.readouterr().err

        # another node, not the demo's, whose pid is planted in the demo's pids file: never stopped
        assert main(["generate-keypair", "--folder", str(victim_folder), f"127.0.0.1:{free_port()}"]) == 0
        victim = started(victim_folder)
        by_hand.append(victim)
        with (demo / "pids").open("a") as pids_file:
            pids_file.write(f"{victim.pid}\n")
        # and a folder of the demo's shape that demo up did not make
        assert main(["generate-keypair", "--folder", str(demo / "node3"), "127.0.0.1:4999"]) == 0
        capsys.readouterr()
        assert main(["demo", "down", "--folder", str(demo)]) == 0
        wait_for(lambda: not any(alive(p) for p in [*pids[:2], by_hand[0].pid]), 10, "the demo to stop")
        assert victim.poll() is None and (victim_folder / "control.port").exists()

        # up again: it removes the 3 folders it made (and only those), keeps node3, and refuses to
        # take node3 over when it needs it
        assert main([*up[:3], "4", *up[4:]]) == 2
        assert "node3 was not made by an earlier demo up here" in capsys.readouterr().err
        assert all((n / "multibeacon").exists() for n in nodes)  # nothing removed on a refusal
        assert main(up) == 0
        assert "removed the 3 node folders of an earlier demo" in capsys.readouterr().out
        assert (demo / "node3" / "multibeacon/default/key/drand_id.private").exists()
        pids = [int(p) for p in (demo / "pids").read_text().split()]
    finally:
        if (demo / "pids").exists():
            main(["demo", "down", "--folder", str(demo)])
        kill(by_hand)
        wait_for(lambda: not any(alive(p) for p in pids), 10, "every demo process to stop")


def post(folder: Path, path: str, body: dict) -> tuple[int, dict]:
    """A control call to the node running from ``folder``, with its owner's token."""
    port = int((folder / "control.port").read_text())
    return post_to(port, (folder / "control.token").read_text().strip(), path, body)


def test_a_squatted_dkg_is_undone_with_nuke(tmp_path: Path, capsys) -> None:
    folders = [tmp_path / f"node{i}" for i in range(3)]
    stranger_folder = tmp_path / "stranger"
    processes: list[subprocess.Popen] = []
    try:
        for folder in [*folders, stranger_folder]:
            assert main(["generate-keypair", "--folder", str(folder), f"127.0.0.1:{free_port()}"]) == 0
            processes.append(started(folder))
        stranger = processes[-1]
        wait_for(lambda: all((f / "control.token").exists() for f in folders), 20, "the control ports")
        addresses = [address_of(f) for f in folders]
        joiners = [arg for a in addresses for arg in ("--joiner", a)]
        capsys.readouterr()

        # bad numbers: one line and exit 2 from the CLI, 400 from the control port; nothing changes
        for flags in (["--period", "8589934592s"], ["--period", "0s"], ["--timeout", "3000000h"],
                      ["--genesis-delay", "1e300"]):  # fmt: skip
            assert main(["dkg", "init", "--folder", str(folders[0]), *joiners[2:], "--threshold", "2",
                         *flags]) == 2  # fmt: skip
            assert capsys.readouterr().err.count("\n") == 1
        for name, value in (("period", 0), ("period", -1), ("period", 2**33), ("genesis_delay", 1e300),
                            ("timeout", 1e300)):  # fmt: skip
            body = {"joiners": addresses[1:], "threshold": 2, "period": 3, name: value}
            code, answer = post(folders[0], "/dkg/init", body)
            assert code == 400 and "must be" in answer["error"], (name, value, answer)
        assert status(folders[0], capsys) == "Fresh"

        # a stranger who read the fresh nodes' identities proposes, with a 10-year timeout
        squat = ["dkg", "init", "--folder", str(stranger_folder), *joiners, "--threshold", "3",
                 "--period", "3s", "--timeout", "87600h"]  # fmt: skip
        assert main(squat) == 0
        wait_for(lambda: all(status(f, capsys) == "Proposed" for f in folders), 20, "the squat")
        assert main(["dkg", "join", "--folder", str(folders[1])]) == 0  # one operator even joins it
        stranger.kill()  # and the stranger leaves: nobody will ever execute it
        stranger.wait(timeout=10)
        capsys.readouterr()
        real = ["dkg", "init", "--folder", str(folders[0]), *joiners[2:], "--threshold", "2",
                "--period", "2s"]  # fmt: skip
        assert main(real) == 2
        assert "invalid transition attempt from Proposed to Proposing" in capsys.readouterr().err
        assert main(["dkg", "abort", "--folder", str(folders[1])]) == 2
        assert "only the leader can abort" in capsys.readouterr().err
        assert main(["dkg", "reject", "--folder", str(folders[2])]) == 2
        assert "cannot reject a proposal where your node is joining" in capsys.readouterr().err
        assert [status(f, capsys) for f in folders] == ["Proposed", "Joined", "Proposed"]

        for folder in folders:
            assert main(["dkg", "nuke", "--folder", str(folder), "--yes"]) == 0
            assert "DKG state deleted successfully: status Fresh" in capsys.readouterr().out
        assert main(real) == 0
        wait_for(lambda: all(status(f, capsys) == "Proposed" for f in folders[1:]), 20, "the real proposal")
        for folder in folders[1:]:
            assert main(["dkg", "join", "--folder", str(folder)]) == 0
        assert main(["dkg", "execute", "--folder", str(folders[0])]) == 0
        for folder in folders:
            assert main(["dkg", "status", "--folder", str(folder), "--wait", "Complete",
                         "--wait-timeout", "60"]) == 0  # fmt: skip
        assert re.search(r"Complete, epoch 1, leader " + re.escape(addresses[0]), capsys.readouterr().out)
    finally:
        kill(processes)
