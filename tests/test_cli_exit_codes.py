"""Every command keeps one contract (issue 15): exit 2 for input that cannot be used (missing, unreadable,
not JSON, wrong types, no node to talk to), exit 1 for input that was read and is invalid (bad
signature, another chain, a round not reached), one line on stderr, no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu import errors
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import EXIT_INVALID, EXIT_USAGE, exit_code, main
from drand_edu.cli.control import NodeRefused, read_pid, read_port
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.rng import seeded_rng


def one_line_no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InvalidInput("x"), EXIT_USAGE),
        (errors.InvalidPoint("x"), EXIT_USAGE),
        (errors.InvalidCiphertext("x"), EXIT_USAGE),
        (errors.UnknownScheme("x"), EXIT_USAGE),
        (errors.BackendUnavailable("x"), EXIT_USAGE),
        (errors.StoreError("x"), EXIT_USAGE),
        (errors.InvalidSignature("x"), EXIT_INVALID),
        (errors.InvalidBeacon("x"), EXIT_INVALID),
        (errors.InvalidShare("x"), EXIT_INVALID),
        (errors.ChainMismatch("x"), EXIT_INVALID),
        (errors.TooEarly("x"), EXIT_INVALID),
        (errors.TimelockError("x"), EXIT_INVALID),
        (errors.DKGError("x"), EXIT_INVALID),
        (errors.ClientError("x"), EXIT_INVALID),
        (errors.BeaconNotFound("x"), EXIT_INVALID),
        (NodeRefused("x"), EXIT_USAGE),  # an operator's request the node's state does not allow
    ],
)
def test_exit_code_of_each_error(error: Exception, code: int) -> None:
    assert exit_code(error) == code


def chain(tmp_path: Path, seed: int, name: str) -> tuple[ChainInfo, int, str]:
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=seeded_rng(seed))
    info = ChainInfo(keys.public.to_bytes(), 3, 1_600_000_000, b"genesis", scheme, "edu")
    path = tmp_path / name
    path.write_text(json.dumps(info.to_json()))
    return info, keys.secret, str(path)


def test_tlock_decrypt_with_another_chain_is_invalid_not_unusable(tmp_path: Path, capsys) -> None:
    """Was exit 2: a ciphertext locked on chain A, decrypted against chain B's info, is invalid (1)."""
    info_a, secret_a, path_a = chain(tmp_path, 1, "a.json")
    _, _, path_b = chain(tmp_path, 2, "b.json")
    (tmp_path / "m").write_bytes(b"for chain a")
    assert main(["tlock", "encrypt", "--chain-info", path_a, "--round", "7", "--force", str(tmp_path / "m"),
                 "-o", str(tmp_path / "m.age")]) == 0  # fmt: skip
    sig = bls.sign(info_a.scheme, secret_a, info_a.scheme.digest(7))
    (tmp_path / "beacon.json").write_text(json.dumps(Beacon(7, sig).to_json()))
    capsys.readouterr()
    code = main(["tlock", "decrypt", "--chain-info", path_b, "--beacons", str(tmp_path / "beacon.json"),
                 str(tmp_path / "m.age")])  # fmt: skip
    assert code == EXIT_INVALID
    one_line_no_traceback(capsys.readouterr().err)


@pytest.mark.parametrize(
    "info_content", [None, b"not json", b"\xff\xfe", b'{"public_key": 5}', b"[1, 2]", b'{"period": "3"}']
)
def test_tlock_decrypt_with_unusable_chain_info_exits_2(tmp_path: Path, capsys, info_content) -> None:
    info_path = tmp_path / "info.json"
    if info_content is not None:
        info_path.write_bytes(info_content)
    (tmp_path / "m.age").write_bytes(b"x")
    (tmp_path / "b.json").write_text("[]")
    code = main(["tlock", "decrypt", "--chain-info", str(info_path), "--beacons", str(tmp_path / "b.json"),
                 str(tmp_path / "m.age")])  # fmt: skip
    assert code == EXIT_USAGE
    one_line_no_traceback(capsys.readouterr().err)


def test_sync_with_another_pinned_chain_is_invalid(tmp_path: Path, capsys) -> None:
    _, _, info_path = chain(tmp_path, 3, "info.json")
    code = main(["sync", "--db", str(tmp_path / "c.db"), "--info", info_path, "--chain-hash", "00" * 32])
    assert code == EXIT_INVALID
    one_line_no_traceback(capsys.readouterr().err)


GARBAGE = [b"", b"abc", b"\xff\xfe\x00", "²".encode(), b"99999999", b"-5", b"1" * 5000]


@pytest.mark.parametrize("garbage", GARBAGE)
@pytest.mark.parametrize("runtime_file", ["control.port", "control.token", "node.pid"])
def test_stop_and_show_with_garbage_runtime_files_exit_2_in_one_line(
    tmp_path: Path, capsys, garbage: bytes, runtime_file: str
) -> None:
    """A node killed mid-write or a file edited by hand: ``stop`` printed a traceback."""
    folder = tmp_path / "node0"
    folder.mkdir()
    good = {"control.port": b"1\n", "control.token": b"secret-token\n", "node.pid": b"12345\n"}
    for name, content in good.items():
        (folder / name).write_bytes(garbage if name == runtime_file else content)
    for argv in (["stop", "--folder", str(folder)], ["show", "public", "--folder", str(folder)],
                 ["dkg", "status", "--folder", str(folder)]):  # fmt: skip
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        one_line_no_traceback(err)
        if runtime_file == "control.token" and garbage:
            # a secret file's content is never shown (the folder's path may hold "-5": pytest-58/...)
            assert garbage.decode("latin-1")[:20] not in err.replace(str(tmp_path), "")


def test_runtime_file_readers(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"4444\n")
    assert read_port(path) == 4444 and read_pid(path) == 4444
    for bad in [*GARBAGE, b"0", b"65536"]:
        path.write_bytes(bad)
        with pytest.raises(errors.InvalidInput):
            read_port(path)
        assert read_pid(path) is None or bad == b"65536"
    assert read_pid(tmp_path / "missing") is None


def test_show_without_a_node_named_exits_2(capsys) -> None:
    assert main(["show", "public"]) == EXIT_USAGE  # was a TypeError traceback (Path(None))
    one_line_no_traceback(capsys.readouterr().err)


def test_a_bug_in_a_command_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:
    import drand_edu.cli.util as util

    def broken(args) -> int:
        raise TypeError("a bug")

    monkeypatch.setattr(util, "list_schemes", broken)
    monkeypatch.delenv("DRAND_EDU_DEBUG", raising=False)
    assert main(["util", "list-schemes"]) == EXIT_USAGE
    err = capsys.readouterr().err
    one_line_no_traceback(err)
    assert "internal error" in err and "TypeError" in err


def test_a_bad_flag_is_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["simulate", "--rounds", "many"])
    assert stopped.value.code == EXIT_USAGE
    one_line_no_traceback(capsys.readouterr().err)


@pytest.mark.parametrize("address", ["127.0.0.1:99999", "127.0.0.1:0", ":4444", "127.0.0.1:²"])
def test_generate_keypair_refuses_a_port_out_of_range(tmp_path: Path, capsys, address: str) -> None:
    assert main(["generate-keypair", "--folder", str(tmp_path / "k"), address]) == EXIT_USAGE  # was 0
    one_line_no_traceback(capsys.readouterr().err)


def test_a_client_with_no_usable_answer_exits_2_and_a_wrong_answer_exits_1(capsys) -> None:
    from drand_edu.client import Client, NoUsableAnswer
    from tests.recorded_server import RecordedServer

    quicknet = json.loads((Path(__file__).parent / "data" / "beacons-quicknet.json").read_text())
    info, beacon = quicknet["info"], quicknet["beacons"][0]
    chain_hash = ChainInfo.from_json(info).hash_hex
    with pytest.raises(NoUsableAnswer):
        Client(["http://127.0.0.1:1"], chain_hash=chain_hash, timeout=1, retries=0).info()
    assert main(["client", "get", "chain-info", "--url", "notaurl"]) == EXIT_USAGE  # was 1
    capsys.readouterr()
    forged = dict(beacon, signature="8" + beacon["signature"][1:])
    forged.pop("randomness", None)
    routes = {f"/{chain_hash}/info": (200, info), f"/{chain_hash}/public/{beacon['round']}": (200, forged)}
    with RecordedServer(routes) as server:
        client = Client([server.url], chain_hash=chain_hash, timeout=1, retries=0)
        with pytest.raises(errors.ClientError) as refused:
            client.get(beacon["round"])
        assert not isinstance(refused.value, NoUsableAnswer)  # checked and found wrong: invalid
        code = main(["client", "get", "public", "--url", server.url, "--chain-hash", chain_hash,
                     str(beacon["round"])])  # fmt: skip
    assert code == EXIT_INVALID
    one_line_no_traceback(capsys.readouterr().err)


def test_tlock_decrypt_of_a_tampered_file_is_invalid_and_of_garbage_unusable(tmp_path: Path, capsys) -> None:
    info, secret, info_path = chain(tmp_path, 4, "info.json")
    (tmp_path / "m").write_bytes(b"a message long enough to tamper with")
    assert main(["tlock", "encrypt", "--chain-info", info_path, "--round", "3", "--force",
                 str(tmp_path / "m"), "-o", str(tmp_path / "m.age")]) == 0  # fmt: skip
    sig = bls.sign(info.scheme, secret, info.scheme.digest(3))
    (tmp_path / "beacon.json").write_text(json.dumps(Beacon(3, sig).to_json()))
    good = (tmp_path / "m.age").read_bytes()
    argv = ["tlock", "decrypt", "--chain-info", info_path, "--beacons", str(tmp_path / "beacon.json")]
    assert main([*argv, str(tmp_path / "m.age"), "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    tampered = bytearray(good)
    tampered[-5] ^= 1  # a payload byte: the header still parses, the payload does not authenticate
    (tmp_path / "t.age").write_bytes(bytes(tampered))
    assert main([*argv, str(tmp_path / "t.age"), "-o", str(tmp_path / "out")]) == EXIT_INVALID
    one_line_no_traceback(capsys.readouterr().err)
    (tmp_path / "g.age").write_bytes(b"not an age file at all")
    assert main([*argv, str(tmp_path / "g.age"), "-o", str(tmp_path / "out")]) == EXIT_USAGE
    one_line_no_traceback(capsys.readouterr().err)
