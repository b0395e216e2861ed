"""tlock-js (npm, run with node) and drand_edu encrypt and decrypt each other's files, all three schemes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.errors import InvalidCiphertext
from drand_edu.rng import seeded_rng
from drand_edu.tlock import decrypt, encrypt

from .npm import JS_DIR, ensure_npm_packages

pytestmark = pytest.mark.npm

SCHEMES = ["bls-unchained-g1-rfc9380", "bls-unchained-on-g1", "pedersen-bls-unchained"]


@pytest.fixture(scope="module")
def node() -> str:
    return ensure_npm_packages()


def chain(scheme_id: str) -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(scheme_id))
    # genesis in the past so that tlock-js's "too early" check (round time vs Date.now()) passes
    return ChainInfo(keys.public.to_bytes(), 3, 1_600_000_000, b"interop", scheme, "edu"), keys.secret


def beacon(info: ChainInfo, secret: int, round_number: int) -> Beacon:
    return Beacon(round_number, bls.sign(info.scheme, secret, info.scheme.digest(round_number)))


def run_js(node: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [node, str(JS_DIR / "tlock_interop.mjs"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_tlock_js_decrypts_ours(node: str, scheme_id: str, tmp_path: Path) -> None:
    info, secret = chain(scheme_id)
    plaintext = b"from drand_edu to tlock-js \x00\xff"
    path = tmp_path / "msg.age"
    path.write_bytes(encrypt(info, 1234, plaintext, armor=True, rng=seeded_rng(1)))
    result = run_js(
        node,
        "decrypt",
        json.dumps(info.to_json()),
        json.dumps(beacon(info, secret, 1234).to_json()),
        str(path),
    )
    assert result.returncode == 0, result.stderr
    assert bytes.fromhex(result.stdout.split("PLAINTEXT_HEX=")[1].strip()) == plaintext


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_we_decrypt_tlock_js(node: str, scheme_id: str) -> None:
    info, secret = chain(scheme_id)
    plaintext = b"from tlock-js to drand_edu"
    result = run_js(node, "encrypt", json.dumps(info.to_json()), "4321", plaintext.hex())
    assert result.returncode == 0, result.stderr
    armored = result.stdout.split("CIPHERTEXT_BEGIN\n", 1)[1]
    assert decrypt(armored, info, lambda r: beacon(info, secret, r)) == plaintext


def test_tlock_js_rejects_a_tampered_file_and_so_do_we(node: str, tmp_path: Path) -> None:
    info, secret = chain(SCHEMES[0])
    data = bytearray(encrypt(info, 50, b"do not touch", rng=seeded_rng(2)))
    data[-3] ^= 0x40  # inside the payload
    path = tmp_path / "bad.age"
    from drand_edu.tlock.age import armor

    path.write_text(armor(bytes(data)))
    result = run_js(
        node, "decrypt", json.dumps(info.to_json()), json.dumps(beacon(info, secret, 50).to_json()), str(path)
    )
    assert result.returncode != 0
    with pytest.raises(InvalidCiphertext):
        decrypt(bytes(data), info, lambda r: beacon(info, secret, r))
