"""``drand-edu start`` opens the listeners drand v2's ``drand start`` opens (issue 21).

drand's ``DrandDaemon.init`` refuses an empty ``--private-listen``, creates the public REST gateway only
when ``--public-listen`` is given, and ``LoadBeaconsFromDisk`` always ends with ``metrics.Start``, which
listens on ``127.0.0.1:`` plus the ``--metrics`` value (a free port when there is none). Ours must do the
same: checked on our own node (a one-node chain, so its public API would start if it were going to), and
against drand's real binary when Go is here (same refusal, same set of listening ports).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from drand_edu.api.control import read_token
from drand_edu.cli import main
from drand_edu.cli.control import call, read_port

from .drandref import stop_process
from .test_cli_exit_codes import one_line_no_traceback as one_line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def _listening(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on."""
    return {c.laddr.port for c in psutil.Process(pid).net_connections(kind="tcp") if c.status == "LISTEN"}


def test_start_without_private_listen_is_refused_like_drands(tmp_path: Path, capsys) -> None:
    folder, address = tmp_path / "node0", f"127.0.0.1:{_free_port()}"
    assert main(["generate-keypair", "--folder", str(folder), address]) == 0
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    capsys.readouterr()
    assert main(["start", "--folder", str(folder)]) == 2
    err = capsys.readouterr().err
    one_line(err)
    assert "private listen address cannot be empty" in err
    assert f"--private-listen {address}" in err  # the refusal names the key pair's address
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before  # nothing written


def test_a_node_listens_for_peers_control_and_metrics_and_has_no_public_api_unasked(tmp_path: Path) -> None:
    folder, address = tmp_path / "node0", f"127.0.0.1:{_free_port()}"
    assert main(["generate-keypair", "--folder", str(folder), address]) == 0
    command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", str(folder)]
    command += ["--private-listen", address]
    with (folder / "node.log").open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: (folder / "metrics.url").exists() or process.poll() is not None, 60, "the node")
        assert process.poll() is None, (folder / "node.log").read_text()
        control = read_port(folder / "control.port")  # no --control: a free port, not drand's 8888
        metrics_url = (folder / "metrics.url").read_text().strip()
        assert metrics_url.startswith("http://127.0.0.1:")  # no --metrics: a free port of 127.0.0.1
        with urllib.request.urlopen(metrics_url + "/metrics", timeout=10) as answer:
            assert answer.status == 200
        # a one-node chain: once it runs, a public API would start if the node were going to start one
        url, token = f"http://127.0.0.1:{control}", read_token(folder)
        call(url, "/dkg/init", {"joiners": [], "threshold": 1, "period": 1, "genesis_delay": 2}, token)
        call(url, "/dkg/execute", {}, token)
        log = folder / "node.log"
        _wait(lambda: "NEW_BEACON_STORED round 2 " in log.read_text() or process.poll() is not None, 90,
              "round 2")  # fmt: skip
        text = log.read_text()
        assert process.poll() is None, text
        assert "no public API (drand starts it only with --public-listen)" in text
        assert not (folder / "public.url").exists()
        ports = {int(address.rsplit(":", 1)[1]), control, int(metrics_url.rsplit(":", 1)[1])}
        assert _listening(process.pid) == ports  # peers, control, metrics: nothing else
        # each stored beacon is a line like drand's NEW_BEACON_STORED, with when and how late
        stored = [line.split() for line in text.splitlines() if line.startswith("NEW_BEACON_STORED")]
        assert [int(words[2]) for words in stored[:2]] == [1, 2]
        assert all(words[3] == "at" and float(words[4]) > 1e9 and words[5] == "time_discrepancy_ms"
                   for words in stored)  # fmt: skip
    finally:
        stop_process(process)
    assert not (folder / "metrics.url").exists() and not (folder / "control.port").exists()


def test_public_listen_starts_the_public_api(tmp_path: Path) -> None:
    from drand_edu.cli.demo import start_node

    folder, address = tmp_path / "node0", f"127.0.0.1:{_free_port()}"
    assert main(["generate-keypair", "--folder", str(folder), address]) == 0
    public = _free_port()
    process = start_node(folder, public)  # --private-listen (the key pair's) and --public-listen
    try:
        _wait(lambda: (folder / "control.port").exists() or process.poll() is not None, 60, "the node")
        assert process.poll() is None, (folder / "node.log").read_text()
        url, token = f"http://127.0.0.1:{read_port(folder / 'control.port')}", read_token(folder)
        call(url, "/dkg/init", {"joiners": [], "threshold": 1, "period": 1, "genesis_delay": 2}, token)
        call(url, "/dkg/execute", {}, token)
        _wait(lambda: (folder / "public.url").exists() or process.poll() is not None, 60, "the public API")
        assert (folder / "public.url").read_text().strip() == f"http://127.0.0.1:{public}"
        with urllib.request.urlopen(f"http://127.0.0.1:{public}/info", timeout=10) as answer:
            assert json.loads(answer.read())["period"] == 1
    finally:
        stop_process(process)


def _drand(binary, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=timeout)


def test_drands_start_refuses_no_private_listen_and_opens_the_same_listeners(drand_binary, tmp_path) -> None:
    folder, address, control = tmp_path / "drand", f"127.0.0.1:{_free_port()}", _free_port()
    made = _drand(drand_binary, "generate-keypair", "--folder", str(folder), "--id", "default", address)
    assert made.returncode == 0, made.stderr
    assert '(default: "8888")' in _drand(drand_binary, "start", "--help").stdout  # ours: a free port
    refused = _drand(drand_binary, "start", "--folder", str(folder), "--control", str(control))
    assert refused.returncode != 0
    assert "private listen address cannot be empty" in refused.stdout + refused.stderr
    start = [str(drand_binary), "start", "--folder", str(folder), "--private-listen", address,
             "--control", str(control)]  # fmt: skip
    log = (tmp_path / "drand.log").open("w")
    daemon = subprocess.Popen(start, stdout=log, stderr=subprocess.STDOUT)
    try:
        # private, control and (without --metrics) a metrics port of its own choosing; no public API
        _wait(lambda: len(_listening(daemon.pid)) >= 3 or daemon.poll() is not None, 60, "drand's listeners")
        time.sleep(1)  # nothing more comes up after the metrics listener, the last one drand starts
        ports = _listening(daemon.pid)
        assert {int(address.rsplit(":", 1)[1]), control} < ports and len(ports) == 3, (ports, control)
        (metrics,) = ports - {int(address.rsplit(":", 1)[1]), control}
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10) as answer:
            assert answer.status == 200
    finally:
        stop_process(daemon)
        log.close()
