"""The real ``tle`` (tlock v1.2.0's CLI) against a chain of ours, served by our public HTTP API on loopback.

``tle --network URL --chain HASH`` reads ``/{hash}/info`` and ``/{hash}/public/{round}`` with go-clients'
HTTP client, exactly as it reads api.drand.sh. For each unchained BLS12-381 scheme we serve a chain whose
key we hold (its rounds signed with our key, genesis in the past) and show:

* ``tle --decrypt`` opens what ``drand-edu tlock encrypt`` made;
* ``drand-edu tlock decrypt`` opens what ``tle --encrypt`` made (binary and armored);
* ``tle`` refuses a file whose round's beacon the server does not have yet, as ours does.

evmnet (``bls-bn254-unchained-on-g1``) is not in tle v1.2.0: its ``NewNetwork`` accepts only the three
BLS12-381 unchained schemes and answers any other with "not an unchained network" — shown below on our
evmnet-scheme chain. The BN254 round trip with Go's code is in tests/test_ref_tlock.py (the pinned tlock's
calls, through the reference program).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from drand_edu.api.server import ServedChain, serve
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import main
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore

BLS12_381_UNCHAINED = ["pedersen-bls-unchained", "bls-unchained-on-g1", "bls-unchained-g1-rfc9380"]
PERIOD = 3
ROUNDS = range(1, 31)  # stored; round 40 is due but missing, the head is in the future
MISSING = 40


def _served(scheme_id: str, seed: int):
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(seed))
    genesis = int(time.time()) - 100 * PERIOD  # round ~100 is due now: every stored round is in the past
    info = ChainInfo(keys.public.to_bytes(), PERIOD, genesis, b"tle-interop", scheme, "tle-interop")
    store = MemoryStore()
    for r in ROUNDS:
        store.put(Beacon(r, bls.sign(scheme, keys.secret, scheme.digest(r))))
    return info, serve(ServedChain(info, store))


def _tle(tle_binary: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(tle_binary), *args], input=stdin, capture_output=True, timeout=60)


@pytest.fixture(params=BLS12_381_UNCHAINED)
def chain(request):
    info, server = _served(request.param, seed=len(request.param))
    try:
        yield info, server.url
    finally:
        server.close()


def test_tle_decrypts_what_drand_edu_encrypted(tle_binary, chain, tmp_path: Path) -> None:
    info, url = chain
    (tmp_path / "msg").write_bytes(b"from drand-edu to tle")
    for armor in ([], ["--armor"]):
        assert main(["tlock", "encrypt", "-u", url, "-c", info.hash_hex, "--round", "17", "--force", *armor,
                     str(tmp_path / "msg"), "-o", str(tmp_path / "msg.age")]) == 0  # fmt: skip
        opened = _tle(
            tle_binary, "--decrypt", "--network", url, "--chain", info.hash_hex, str(tmp_path / "msg.age")
        )
        assert opened.returncode == 0, opened.stderr.decode()
        assert opened.stdout == b"from drand-edu to tle"


def test_drand_edu_decrypts_what_tle_encrypted(tle_binary, chain, tmp_path: Path) -> None:
    info, url = chain
    for armor in ([], ["--armor"]):
        sealed = _tle(tle_binary, "--encrypt", "--network", url, "--chain", info.hash_hex, "--round", "23",
                      "--force", *armor, stdin=b"from tle to drand-edu")  # fmt: skip
        assert sealed.returncode == 0, sealed.stderr.decode()
        assert sealed.stdout.startswith(
            b"-----BEGIN AGE" if armor else b"age-encryption.org/v1\n-> tlock 23 "
        )
        (tmp_path / "in.age").write_bytes(sealed.stdout)
        assert main(["tlock", "decrypt", "-u", url, "-c", info.hash_hex, str(tmp_path / "in.age"),
                     "-o", str(tmp_path / "out")]) == 0  # fmt: skip
        assert (tmp_path / "out").read_bytes() == b"from tle to drand-edu"


def test_both_refuse_a_round_the_server_lacks(tle_binary, chain, tmp_path: Path) -> None:
    info, url = chain
    (tmp_path / "m").write_bytes(b"not yet")
    assert main(["tlock", "encrypt", "-u", url, "-c", info.hash_hex, "--round", str(MISSING), "--force",
                 str(tmp_path / "m"), "-o", str(tmp_path / "m.age")]) == 0  # fmt: skip
    theirs = _tle(tle_binary, "-d", "-n", url, "-c", info.hash_hex, str(tmp_path / "m.age"))
    assert theirs.returncode != 0 and b"too early" in theirs.stderr
    # round 40 is long past here and the server lacks it: like drand's, our API answers 500, so our client
    # has no usable answer (exit 2), where a round not yet due would be "too early" (exit 1)
    assert main(["tlock", "decrypt", "-u", url, "-c", info.hash_hex, str(tmp_path / "m.age"),
                 "-o", str(tmp_path / "out")]) == 2  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_tle_v1_2_0_has_no_bn254(tle_binary) -> None:
    """tle v1.2.0 refuses an evmnet-scheme chain outright (BN254 came to tlock after that release)."""
    info, server = _served("bls-bn254-unchained-on-g1", seed=5)
    try:
        refused = _tle(tle_binary, "-e", "-n", server.url, "-c", info.hash_hex, "-r", "7", "-f", stdin=b"x")
    finally:
        server.close()
    assert refused.returncode != 0
    assert b"not an unchained network" in refused.stderr
