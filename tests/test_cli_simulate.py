"""``drand-edu simulate``: drand JSON that our verify and drand-verify accept; same seed, same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import drand_verify
import pytest

from drand_edu.cli import main
from drand_edu.cli.simulate import parse_faults
from drand_edu.errors import InvalidInput


def simulate(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    args = ["simulate", "--nodes", "4", "--threshold", "3", "--rounds", "8", "--seed", "7", "--out", str(out)]
    assert main([*args, *extra]) == 0
    return out


def test_same_seed_same_bytes_and_verifiable(tmp_path, capsys) -> None:
    first, second = simulate(tmp_path, "a"), simulate(tmp_path, "b")
    for name in ("info.json", "beacons.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (simulate(tmp_path, "c", "--seed", "8") / "info.json").read_bytes() != (
        first / "info.json"
    ).read_bytes()
    capsys.readouterr()
    assert main(["verify", "--info", str(first / "info.json"), str(first / "beacons.json")]) == 0
    info = json.loads((first / "info.json").read_text())
    beacons = json.loads((first / "beacons.json").read_text())
    assert [b["round"] for b in beacons] == list(range(1, 9))  # --rounds 8: rounds 1 to 8
    for beacon in beacons:
        randomness = drand_verify.verify_pedersen_bls_chained(
            beacon["round"], beacon["previous_signature"], beacon["signature"], info["public_key"]
        )
        as_hex = randomness if isinstance(randomness, str) else bytes(randomness).hex()
        assert as_hex == beacon["randomness"]


def test_quicknet_style_chain(tmp_path) -> None:
    out = simulate(tmp_path, "q", "--scheme", "bls-unchained-g1-rfc9380")
    assert main(["verify", "--batch", "--info", str(out / "info.json"), str(out / "beacons.json")]) == 0


def test_faults_halt_the_chain_below_threshold(tmp_path, capsys) -> None:
    out = simulate(tmp_path, "f", "--faults", "crash:0@3-20;crash:1@3-20")
    beacons = json.loads((out / "beacons.json").read_text())
    assert beacons[-1]["round"] < 5  # 2 of 4 up from round 3 on, t = 3
    assert main(["verify", "--info", str(out / "info.json"), str(out / "beacons.json")]) == 0


def test_fault_spec_parsing() -> None:
    spec = parse_faults("crash:2@5-9; partition:0,1|2,3@10-12; loss:0.1; latency:0.3", 4)
    assert spec.crashes == [(2, 5, 9)] and spec.partitions == [([{0, 1}, {2, 3}], 10, 12)]
    assert (spec.loss, spec.latency) == (0.1, 0.3)
    for bad in ("crash:2", "partition:0,1@1", "flood:3", "crash:9@1-2"):
        with pytest.raises(InvalidInput):
            parse_faults(bad, 4)


def test_bad_options_exit_2(tmp_path, capsys) -> None:
    assert main(["simulate", "--nodes", "0", "--out", str(tmp_path)]) == 2
    assert main(["simulate", "--faults", "crash:x", "--out", str(tmp_path)]) == 2
    assert "error" in capsys.readouterr().err
