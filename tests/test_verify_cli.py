"""``drand-edu verify``: exit 0 valid, 1 invalid (one line per problem), 2 unusable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from drand_edu.cli import main

from .conftest import load_vector


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


@pytest.fixture(params=["beacons-mainnet-default.json", "beacons-quicknet.json"])
def chain_files(request, tmp_path: Path) -> tuple[str, list[dict], Path]:
    data = load_vector(request.param)
    return write(tmp_path, "info.json", data["info"]), data["beacons"], tmp_path


@pytest.mark.parametrize(
    "extra", [[], ["--batch"], ["--backend", "py_ecc"], ["--backend", "arkworks", "--batch"]]
)
def test_valid_beacons_exit_0(chain_files, extra, capsys) -> None:
    info, beacons, tmp = chain_files
    assert main(["verify", "--info", info, write(tmp, "b.json", beacons), *extra]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok:") and "0 problem(s)" in out
    # a single beacon object (not a list) is accepted too
    assert main(["verify", "--info", info, write(tmp, "one.json", beacons[0])]) == 0


def test_tampered_beacon_exits_1_with_one_line_per_problem(chain_files, capsys) -> None:
    info, beacons, tmp = chain_files
    bad_signature = dict(beacons[0])
    signature = bytearray.fromhex(bad_signature["signature"])
    signature[-1] ^= 1
    bad_signature["signature"] = signature.hex()
    bad_signature.pop("randomness", None)
    wrong_round = {**beacons[0], "round": beacons[0]["round"] + 5}
    wrong_round.pop("randomness", None)
    assert main(["verify", "--info", info, write(tmp, "b.json", [bad_signature, wrong_round])]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("INVALID") and "2 problem(s)" in lines[-1]
    assert lines[0].startswith(f"round {beacons[0]['round']}:")
    assert lines[1].startswith(f"round {beacons[0]['round'] + 5}:")


def test_stated_randomness_that_does_not_match_is_a_problem(chain_files, capsys) -> None:
    info, beacons, tmp = chain_files
    lie = {**beacons[0], "randomness": "00" * 32}
    assert main(["verify", "--info", info, write(tmp, "b.json", [lie])]) == 1
    assert "randomness" in capsys.readouterr().out


def test_info_whose_hash_does_not_match_exits_1(chain_files, capsys) -> None:
    info_path, beacons, tmp = chain_files
    info = json.loads(Path(info_path).read_text())
    info["hash"] = "00" * 32
    assert main(["verify", "--info", write(tmp, "i.json", info), write(tmp, "b.json", beacons)]) == 1
    assert "hash" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("info_text", "beacons_text", "message"),
    [
        ("{not json", "[]", "not valid JSON"),
        (None, "[]", "cannot read"),
        ('{"period": 3}', "[]", "missing"),
        ("INFO", "[{]", "not valid JSON"),
        ("INFO", '[{"round": 1, "signature": "zz"}]', "hex"),
        ("INFO", '[{"round": 1}]', "missing"),
    ],
)
def test_unusable_input_exits_2_without_traceback(
    tmp_path: Path, capsys, info_text, beacons_text, message
) -> None:
    real_info = json.dumps(load_vector("beacons-quicknet.json")["info"])
    info = (
        str(tmp_path / "missing.json")
        if info_text is None
        else write(tmp_path, "i.json", real_info if info_text == "INFO" else info_text)
    )
    assert main(["verify", "--info", info, write(tmp_path, "b.json", beacons_text)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.startswith("drand-edu verify: error:")


def test_the_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    data = load_vector("beacons-quicknet.json")
    command = Path(sys.executable).with_name("drand-edu")
    args = [
        "verify",
        "--info",
        write(tmp_path, "i.json", data["info"]),
        write(tmp_path, "b.json", data["beacons"]),
    ]
    result = subprocess.run([str(command), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ok: 1 beacon(s) of chain 52db9ba7" in result.stdout
    bad = subprocess.run(
        [str(command), "verify", "--info", "/nonexistent.json", "x"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_of_a_long_chain_names_the_tampered_round(tmp_path: Path, workers: str, capsys) -> None:
    """300 chained beacons with one bad signature in the middle: --batch (on 1 or 2 processes) says which."""
    from drand_edu.chain import Beacon, ChainInfo
    from drand_edu.crypto import bls, scheme_by_id
    from drand_edu.rng import seeded_rng

    scheme = scheme_by_id("pedersen-bls-chained")
    keys = bls.keygen(scheme, rng=seeded_rng("cli batch"))
    info = ChainInfo(keys.public.to_bytes(), 30, 1_595_431_050, bytes(32), scheme)
    beacons, previous = [], info.genesis_seed
    for round_number in range(1, 301):
        signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, previous))
        beacons.append(Beacon(round_number, signature, previous).to_json())
        previous = signature
    other = bls.sign(scheme, keys.secret, b"another message")  # a valid point, the wrong signature
    beacons[216] = {**beacons[216], "signature": other.hex()}
    beacons[216].pop("randomness", None)
    argv = ["verify", "--batch", "--workers", workers, "--info", write(tmp_path, "info.json", info.to_json())]
    assert main([*argv, write(tmp_path, "beacons.json", beacons)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    # round 217's signature is wrong, and round 218's previous_signature no longer matches it
    assert lines[0] == "round 217: invalid signature"
    assert lines[1].startswith("round 218:") and "previous_signature" in lines[1]
    assert lines[-1].startswith("INVALID") and "2 problem(s)" in lines[-1]
