"""``drand-edu tlock encrypt|decrypt`` offline (files) and online (a recorded endpoint on 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import main
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.rng import seeded_rng

from .conftest import load_vector
from .recorded_server import RecordedServer


@pytest.fixture
def chain(tmp_path: Path) -> tuple[ChainInfo, int, Path]:
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=seeded_rng(11))
    info = ChainInfo(keys.public.to_bytes(), 3, 1_600_000_000, b"genesis", scheme, "edu")
    info_path = tmp_path / "info.json"
    info_path.write_text(json.dumps(info.to_json()))
    return info, keys.secret, info_path


def beacon_json(info: ChainInfo, secret: int, round_number: int) -> dict:
    sig = bls.sign(info.scheme, secret, info.scheme.digest(round_number))
    return Beacon(round_number, sig).to_json()


def test_offline_round_trip(chain, tmp_path: Path) -> None:
    info, secret, info_path = chain
    (tmp_path / "msg.txt").write_bytes(b"see you at round 77")
    assert main(["tlock", "encrypt", "--chain-info", str(info_path), "--round", "77", "--force", "--armor",
                 str(tmp_path / "msg.txt"), "-o", str(tmp_path / "msg.age")]) == 0
    assert (tmp_path / "msg.age").read_text().startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    (tmp_path / "beacons.json").write_text(json.dumps([beacon_json(info, secret, 77)]))
    beacons_path = str(tmp_path / "beacons.json")
    assert main(["tlock", "decrypt", "--chain-info", str(info_path), "--beacons", beacons_path,
                 str(tmp_path / "msg.age"), "-o", str(tmp_path / "out.txt")]) == 0
    assert (tmp_path / "out.txt").read_bytes() == b"see you at round 77"


def test_past_round_needs_force(chain, tmp_path: Path, capsys) -> None:
    _, _, info_path = chain
    (tmp_path / "m").write_bytes(b"x")
    assert main(["tlock", "encrypt", "--chain-info", str(info_path), "--round", "5", str(tmp_path / "m"),
                 "-o", str(tmp_path / "m.age")]) == 2
    assert "in the past" in capsys.readouterr().err


def test_missing_beacon_is_too_early(chain, tmp_path: Path, capsys) -> None:
    info, secret, info_path = chain
    (tmp_path / "m").write_bytes(b"x")
    main(["tlock", "encrypt", "--chain-info", str(info_path), "--round", "9", "--force", str(tmp_path / "m"),
          "-o", str(tmp_path / "m.age")])
    (tmp_path / "b.json").write_text(json.dumps(beacon_json(info, secret, 8)))
    assert main(["tlock", "decrypt", "--chain-info", str(info_path), "--beacons", str(tmp_path / "b.json"),
                 str(tmp_path / "m.age")]) == 1
    assert "too early" in capsys.readouterr().err


def test_decrypt_real_quicknet_from_recorded_endpoint(tmp_path: Path, capsysbinary) -> None:
    real = load_vector("beacons-quicknet.json")
    info = ChainInfo.from_json(real["info"])
    vector = load_vector("tlock-quicknet-go-r12040883.json")
    beacon = Beacon(vector["round"], bytes.fromhex(vector["signature"])).to_json()
    routes = {
        f"/{info.hash_hex}/info": (200, real["info"]),
        f"/{info.hash_hex}/public/{vector['round']}": (200, beacon),
    }
    (tmp_path / "hello.age").write_text(vector["ciphertext"])
    with RecordedServer(routes) as server:
        code = main(["tlock", "decrypt", "--url", server.url, "--chain-hash", info.hash_hex,
                     str(tmp_path / "hello.age")])
    assert code == 0
    assert capsysbinary.readouterr().out == b"hello world"


@pytest.mark.parametrize(
    "argv",
    [
        ["tlock", "encrypt", "--round", "5"],  # no chain given
        ["tlock", "encrypt", "--url", "http://127.0.0.1:9", "--round", "5"],  # no chain hash
        ["tlock", "decrypt", "--chain-info", "/nonexistent/info.json"],
    ],
)
def test_unusable_input_exits_2(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
