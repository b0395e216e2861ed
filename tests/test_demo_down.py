"""``demo down`` stops every node of a demo folder, however started, and clears stale pid files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from drand_edu.cli import main


def test_demo_down_finds_nodes_by_pid_file_and_by_process(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    nodes = [folder / f"node{i}" for i in range(3)]
    for node in nodes:
        node.mkdir(parents=True)
    # node0: a stale pid file (its process is long gone) and the files it left behind
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (nodes[0] / "node.pid").write_text(f"{dead.pid}\n")
    (nodes[0] / "control.port").write_text("1\n")
    (folder / "pids").write_text(f"{dead.pid}\n")
    # node1 and node2: started by hand, not in the pids file; node2's pid file is missing
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)", "drand_edu", "start", "--folder"]
    by_hand = [subprocess.Popen([*sleeper, str(node)]) for node in nodes[1:]]
    (nodes[1] / "node.pid").write_text(f"{by_hand[0].pid}\n")
    try:
        assert main(["demo", "down", "--folder", str(folder)]) == 0
        assert "stopped 2 node processes (and 1 stale pid file(s) removed)" in capsys.readouterr().out
        for process in by_hand:
            assert process.wait(timeout=10) is not None
        assert not any((node / name).exists() for node in nodes for name in ("node.pid", "control.port"))
        assert not (folder / "pids").exists()
        assert main(["demo", "down", "--folder", str(folder)]) == 2  # nothing left to stop
    finally:
        for process in by_hand:
            process.kill()
            process.wait()
