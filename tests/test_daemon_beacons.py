"""One daemon, several beacons (drand v2's multibeacon): three node processes each run a chained
``default`` chain and an unchained quicknet-like chain on the same ports, set up with drand's
operator commands (``dkg generate-proposal`` then ``dkg init --proposal``), routed by beacon id on
the peers' port, the control port and the public API; metrics on their own listener for both;
``util check``, ``show public --id``, and ``stop`` through the control port (one beacon, then the
daemon)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from drand_edu.api.control import read_token
from drand_edu.cli import main
from drand_edu.cli.control import call
from drand_edu.cli.demo import is_running

pytestmark = pytest.mark.slow

CHAINS = {"default": "pedersen-bls-chained", "quicknet": "bls-unchained-g1-rfc9380"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def get(url: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            body = answer.read()
            return answer.status, json.loads(body) if body.startswith((b"{", b"[")) else body.decode()
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return -1, None


def status(folder: Path, beacon_id: str) -> str:
    url = f"http://127.0.0.1:{(folder / 'control.port').read_text().strip()}"
    return call(url, "/dkg/status", token=read_token(folder), beacon_id=beacon_id)["status"]


def test_two_beacons_in_one_daemon(tmp_path, capsys) -> None:
    folders = [tmp_path / f"node{i}" for i in range(3)]
    addresses = [f"127.0.0.1:{free_port()}" for _ in folders]
    for folder, address in zip(folders, addresses, strict=True):
        for beacon_id, scheme in CHAINS.items():
            assert main(["generate-keypair", "--folder", str(folder), "--id", beacon_id,
                         "--scheme", scheme, address]) == 0  # fmt: skip
    processes = []
    for folder, address in zip(folders, addresses, strict=True):
        command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", str(folder),
                   "--private-listen", address, "--public-listen", "127.0.0.1:0",
                   "--metrics", str(free_port())]  # fmt: skip
        log = (folder / "node.log").open("w")
        processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
    try:
        wait_for(lambda: all((f / "control.port").exists() for f in folders), 30, "the daemons")
        leader = ["--folder", str(folders[0])]
        # drand's way: a proposal file, then the proposal, for each beacon id on the same control port
        for beacon_id, scheme in CHAINS.items():
            proposal = tmp_path / f"{beacon_id}.toml"
            joiners = [arg for address in addresses for arg in ("--joiner", address)]
            assert main(["dkg", "generate-proposal", *leader, "--id", beacon_id, *joiners,
                         "--out", str(proposal)]) == 0  # fmt: skip
            assert proposal.read_text().count("[[Joining]]") == 3
            init = ["dkg", "init", *leader, "--id", beacon_id, "--proposal", str(proposal),
                    "--threshold", "2", "--period", "2s", "--scheme", scheme,
                    "--catchup-period", "1s"]  # fmt: skip
            assert main(init) == 2  # drand requires --genesis-delay for an initial proposal
            assert "genesis-delay flag is required" in capsys.readouterr().err
            assert main([*init, "--genesis-delay", "8s"]) == 0
        for folder in folders[1:]:
            for beacon_id in CHAINS:
                wait_for(lambda f=folder, b=beacon_id: status(f, b) == "Proposed", 30, "the proposals")
                assert main(["dkg", "join", "--folder", str(folder), "--id", beacon_id]) == 0
        for beacon_id in CHAINS:
            assert main(["dkg", "execute", *leader, "--id", beacon_id]) == 0
        for folder in folders:
            for beacon_id in CHAINS:
                assert main(["dkg", "status", "--folder", str(folder), "--id", beacon_id,
                             "--wait", "Complete", "--wait-timeout", "60"]) == 0  # fmt: skip

        # one public API for both chains: /chains, /{hash}/..., the default chain without a prefix
        wait_for(lambda: all((f / "public.url").exists() for f in folders), 30, "the public APIs")
        url = (folders[1] / "public.url").read_text().strip()
        wait_for(lambda: len(get(url + "/chains")[1] or []) == 2, 30, "both chains on the public API")
        hashes = get(url + "/chains")[1]
        infos = {get(f"{url}/{h}/info")[1]["metadata"]["beaconID"]: get(f"{url}/{h}/info")[1] for h in hashes}
        assert set(infos) == set(CHAINS) and get(url + "/info")[1] == infos["default"]
        assert infos["quicknet"]["schemeID"] == CHAINS["quicknet"]
        for info in infos.values():
            wait_for(lambda h=info["hash"]: (get(f"{url}/{h}/public/latest")[1] or {}).get("round", 0) >= 2,
                     40, "two rounds of each chain")  # fmt: skip
        assert "previous_signature" in get(f"{url}/{infos['default']['hash']}/public/1")[1]
        assert "previous_signature" not in get(f"{url}/{infos['quicknet']['hash']}/public/1")[1]

        # metrics: not on the public port; one listener with both beacon ids
        assert get(url + "/metrics")[0] == 404
        metrics = get((folders[1] / "metrics.url").read_text().strip() + "/metrics")[1]
        for beacon_id in CHAINS:
            assert f'group_size{{beacon_id="{beacon_id}"}} 3.0' in metrics

        # util check: every node answers, for each beacon id; show public names the beacon's key
        capsys.readouterr()
        assert main(["util", "check", *addresses, "--id", "quicknet"]) == 0
        assert capsys.readouterr().out.count("answers correctly") == 3
        assert main(["util", "check", f"127.0.0.1:{free_port()}"]) == 1
        assert "don't answer" in capsys.readouterr().out
        assert main(["show", "public", "--folder", str(folders[2]), "--id", "quicknet"]) == 0
        assert json.loads(capsys.readouterr().out)["scheme"] == CHAINS["quicknet"]

        # stop through the control port: one beacon process, then the whole daemon
        quick = infos["quicknet"]["hash"]
        assert main(["stop", "--folder", str(folders[2]), "--id", "quicknet"]) == 0
        assert main(["show", "public", "--folder", str(folders[2]), "--id", "quicknet"]) == 2
        assert "is not running" in capsys.readouterr().err
        assert status(folders[2], "default") == "Complete"  # the other beacon goes on
        assert get(f"{url}/{quick}/info")[0] == 200  # node 1 still serves quicknet
        assert main(["stop", "--folder", str(folders[2])]) == 0
        processes[2].wait(timeout=15)
        assert not (folders[2] / "control.port").exists() and not (folders[2] / "metrics.url").exists()
    finally:
        for process in processes:
            if is_running(process.pid):
                process.terminate()
        for process in processes:
            process.wait(timeout=15)
