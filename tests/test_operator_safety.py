"""Operator commands never destroy what they did not make (issue 23, part 4), without node processes.

``demo up`` removes only the node folders its own earlier run recorded, never through a link; the
demo folder and its ``pids`` file are owner-only whatever the umask, and links are refused; ``demo
down`` does not follow a planted ``pids`` link; a beacon id is a name, not a path; ``generate-keypair``
keeps an existing folder's mode (and makes new ones ``0740``, drand's ``CreateSecureFolder``); the
runtime files of a node killed with SIGKILL are found stale (pid gone) and removed.
The same against real processes: ``test_operator_processes.py``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from drand_edu.cli import main
from drand_edu.cli.control import clear_stale_runtime_files, node_pid
from drand_edu.cli.demo import RECORD_FILE, _own_folder, _write_private
from drand_edu.crypto.schemes import scheme_by_id
from drand_edu.errors import InvalidInput
from drand_edu.node.key_store import FOLDER_MODE, FileStore, KeyStoreError, check_beacon_id

from .test_demo_processes import wait_for


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err


def a_node_folder(path: Path) -> Path:
    """A node's folder with its key pair, made by hand (not by demo up)."""
    assert main(["generate-keypair", "--folder", str(path), "127.0.0.1:4999"]) == 0
    return path / "multibeacon" / "default" / "key" / "drand_id.private"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_demo_up_does_not_remove_a_node_folder_it_did_not_make(tmp_path: Path, capsys) -> None:
    demo = tmp_path / "demo"
    demo.mkdir(mode=0o700)
    secret = a_node_folder(demo / "node0")
    capsys.readouterr()
    assert main(["demo", "up", "--nodes", "2", "--folder", str(demo)]) == 2
    err = capsys.readouterr().err
    one_line(err)
    assert "was not made by an earlier demo up here" in err
    assert secret.exists() and not (demo / "node1").exists() and not (demo / "pids").exists()


def test_demo_up_does_not_remove_through_a_link(tmp_path: Path, capsys) -> None:
    demo, elsewhere = tmp_path / "demo", tmp_path / "someone-elses-node"
    demo.mkdir(mode=0o700)
    secret = a_node_folder(elsewhere)
    (demo / "node0").symlink_to(elsewhere)
    # even if a record names it: the record holds the folder's inode, and a link is never removed
    (demo / RECORD_FILE).write_text(f"node0 {elsewhere.stat().st_dev} {elsewhere.stat().st_ino}\n")
    capsys.readouterr()
    assert main(["demo", "up", "--nodes", "1", "--folder", str(demo)]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert secret.exists() and (demo / "node0").is_symlink()


def test_a_demo_folder_that_is_a_link_or_writable_by_others_is_refused(tmp_path: Path, capsys) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "demo").symlink_to(real)
    for command in ("up", "down"):
        assert main(["demo", command, "--folder", str(tmp_path / "demo")]) == 2
        assert "is a symbolic link" in capsys.readouterr().err
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert main(["demo", "up", "--nodes", "1", "--folder", str(shared)]) == 2
    assert "writable by others (mode 777)" in capsys.readouterr().err
    assert list(shared.iterdir()) == []


def test_the_demo_folder_and_its_files_are_owner_only_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        _own_folder(tmp_path / "a" / "demo", create=True)
        _write_private(tmp_path / "a" / "demo" / "pids", "1\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a" / "demo") == 0o700
    assert mode(tmp_path / "a" / "demo" / "pids") == 0o600
    # a link planted where the file goes is refused, not followed
    target = tmp_path / "target"
    target.write_text("theirs\n")
    (tmp_path / "a" / "demo" / "other").symlink_to(target)
    with pytest.raises(InvalidInput, match="is it a link"):
        _write_private(tmp_path / "a" / "demo" / "other", "2\n")
    assert target.read_text() == "theirs\n"


def test_demo_down_does_not_follow_a_planted_pids_link(tmp_path: Path, capsys) -> None:
    demo = tmp_path / "demo"
    demo.mkdir(mode=0o700)
    theirs = tmp_path / "their-pids"
    theirs.write_text(f"{os.getpid()}\n")
    (demo / "pids").symlink_to(theirs)
    assert main(["demo", "down", "--folder", str(demo)]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert theirs.exists()


def test_demo_down_leaves_a_node_folder_link_alone(tmp_path: Path, capsys) -> None:
    demo, victim = tmp_path / "demo", tmp_path / "victim"
    (demo / "node0").mkdir(parents=True, mode=0o700)
    victim.mkdir()
    for name in ("control.port", "node.pid", "control.token"):
        (victim / name).write_text("1\n")
    (demo / "node1").symlink_to(victim)
    (demo / "node0" / "node.pid").write_text(f"{dead_pid()}\n")
    (demo / "pids").write_text(f"{os.getpid()}\n")  # alive, but not a node of this demo: not stopped
    assert main(["demo", "down", "--folder", str(demo)]) == 0
    assert "stopped 0 node processes (and 1 stale pid file(s) removed)" in capsys.readouterr().out
    assert all((victim / name).exists() for name in ("control.port", "node.pid", "control.token"))
    assert not (demo / "node0" / "node.pid").exists()


@pytest.mark.parametrize("beacon_id", ["../../x", "..", ".", "a/b", "/abs", "x\0y", "a" * 65, " x", "é"])
def test_a_beacon_id_is_a_name_not_a_path(tmp_path: Path, capsys, beacon_id: str) -> None:
    folder = tmp_path / "deep" / "node"
    with pytest.raises(KeyStoreError, match="a beacon id is a name"):
        check_beacon_id(beacon_id)
    if "\0" not in beacon_id:  # argv cannot carry a NUL
        assert main(["generate-keypair", "--folder", str(folder), "--id", beacon_id]) == 2
        err = capsys.readouterr().err
        one_line(err)
        assert "a beacon id is a name" in err
        assert main(["start", "--folder", str(folder), "--id", beacon_id]) == 2
        assert "a beacon id is a name" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, nowhere


def test_good_beacon_ids_and_the_default() -> None:
    for good in ("default", "quicknet", "evmnet", "testnet-g", "quicknet-t", "edu_1", "v1.2"):
        assert check_beacon_id(good) == good
    assert check_beacon_id("") == "default"  # drand's GetCanonicalBeaconID
    store = FileStore.generate(scheme_by_id("pedersen-bls-chained"), beacon_id="../x")
    with pytest.raises(KeyStoreError):
        store.folder("/nowhere")
    with pytest.raises(KeyStoreError):
        FileStore.load("/nowhere", "../x")


def test_generate_keypair_keeps_an_existing_folders_mode(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    folder.chmod(0o755)
    assert main(["generate-keypair", "--folder", str(folder), "127.0.0.1:4999"]) == 0
    assert mode(folder) == 0o755  # was chmodded to 0700 silently
    umask = os.umask(0o022)
    os.umask(umask)
    for made in ("multibeacon", "multibeacon/default", "multibeacon/default/key",
                 "multibeacon/default/groups"):  # fmt: skip
        assert mode(folder / made) == FOLDER_MODE & ~umask  # drand's CreateSecureFolder: 0740
    assert mode(folder / "multibeacon/default/key/drand_id.private") == 0o600
    new = tmp_path / "a" / "b"
    assert main(["generate-keypair", "--folder", str(new), "127.0.0.1:4999"]) == 0
    assert mode(tmp_path / "a") == mode(new) == FOLDER_MODE & ~umask


def test_a_killed_nodes_control_port_is_found_stale_and_removed(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "node0"
    a_node_folder(folder)
    capsys.readouterr()
    runtime = {"control.port": "1\n", "node.pid": f"{dead_pid()}\n", "control.token": "t" * 43 + "\n",
               "public.url": "http://127.0.0.1:1\n"}  # fmt: skip
    for name, text in runtime.items():
        (folder / name).write_text(text)
    assert node_pid(folder) is None
    assert main(["dkg", "status", "--folder", str(folder)]) == 2
    err = capsys.readouterr().err
    one_line(err)
    assert "its node is gone" in err and "stale control.port" in err
    assert not any((folder / name).exists() for name in runtime)
    # show reads the key folder now instead of trying a dead port
    for name, text in runtime.items():
        (folder / name).write_text(text)
    assert main(["show", "public", "--folder", str(folder)]) == 0
    assert "no node runs from" in capsys.readouterr().err
    assert not (folder / "control.port").exists()
    # sync on the killed node's own store: the stale files go, and it is not refused as "stop it first"
    for name, text in runtime.items():
        (folder / name).write_text(text)
    main(["sync", "--folder", str(folder), "--up-to", "1", "--sync-nodes", "127.0.0.1:1"])
    assert "stop it first" not in capsys.readouterr().err
    assert not (folder / "control.port").exists()


def test_a_live_pid_that_is_not_this_folders_node_is_stale_too(tmp_path: Path) -> None:
    folder = tmp_path / "node0"
    folder.mkdir()
    (folder / "control.port").write_text("1\n")
    (folder / "node.pid").write_text(f"{os.getpid()}\n")  # alive, but pytest, not a node of this folder
    assert clear_stale_runtime_files(folder)
    assert not (folder / "control.port").exists() and not (folder / "node.pid").exists()


def test_without_a_pid_file_a_port_that_answers_is_left_alone(tmp_path: Path) -> None:
    import socket

    folder = tmp_path / "node0"
    folder.mkdir()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        (folder / "control.port").write_text(f"{server.getsockname()[1]}\n")
        assert not clear_stale_runtime_files(folder)  # a node between writing control.port and node.pid
        assert (folder / "control.port").exists()
    assert clear_stale_runtime_files(folder)  # nothing answers any more


def sleeping(*args: str) -> subprocess.Popen:
    """A process whose command line looks like ``args`` (checked in /proc), sleeping for a minute."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *args])
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    wait_for(lambda: args[-1].encode() in cmdline.read_bytes(), 10, "the process to start")
    return process


@pytest.mark.parametrize("flags", [["--folder", "{f}"], ["--folder={f}"], ["--fold", "{f}"],
                                   ["--id", "x", "--fo={f}"]])  # fmt: skip
def test_a_live_node_is_found_however_its_folder_flag_was_written(tmp_path: Path, flags: list[str]) -> None:
    folder = tmp_path / "node0"
    folder.mkdir()
    process = sleeping("drand_edu", "start", *(f.format(f=folder) for f in flags))
    try:
        (folder / "control.port").write_text("1\n")
        (folder / "node.pid").write_text(f"{process.pid}\n")
        assert node_pid(folder) == process.pid
        assert not clear_stale_runtime_files(folder)  # it runs: its files stay
        assert (folder / "control.port").exists()
    finally:
        process.kill()
        process.wait()
    assert clear_stale_runtime_files(folder)  # now it is gone


def test_a_node_whose_folder_cannot_be_told_keeps_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "node0"
    folder.mkdir()
    process = sleeping("drand_edu", "start")
    try:
        (folder / "control.port").write_text("1\n")
        (folder / "node.pid").write_text(f"{process.pid}\n")
        assert node_pid(folder) is None and not clear_stale_runtime_files(folder)
        assert (folder / "control.port").exists()
    finally:
        process.kill()
        process.wait()
