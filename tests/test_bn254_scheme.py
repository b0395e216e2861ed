"""The fifth scheme end to end: threshold signing, the DKG and its Schnorr packets, chain info, the CLI.

Everything above the crypto layer takes its curve from the scheme's groups; these tests run the
BLS12-381 code paths on ``bls-bn254-unchained-on-g1`` (keys on BN254's G2, signatures on its G1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drand_edu.chain.info import ChainInfo
from drand_edu.cli import main
from drand_edu.crypto import bls, schnorr
from drand_edu.crypto.constants import BN254_CURVE_ORDER, CURVE_ORDER
from drand_edu.crypto.groups import BN254_G1, BN254_G2
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import InvalidShare
from drand_edu.rng import seeded_rng
from drand_edu.threshold import shamir, tbls
from drand_edu.threshold.dkg import run_dkg
from drand_edu.tlock import ibe

SCHEME = scheme_by_id("bls-bn254-unchained-on-g1")
DATA = Path(__file__).parent / "data"
EVMNET = json.loads((DATA / "beacons-evmnet.json").read_text())


def test_five_schemes_as_drand_lists_them(capsys) -> None:
    assert len(SCHEMES) == 5 and SCHEME in SCHEMES.values()
    assert main(["util", "list-schemes"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(SCHEME.id))
    assert "keys on BN254.G2, signatures on BN254.G1, unchained" in line


def test_evmnet_chain_info_and_its_hash_recompute() -> None:
    info = ChainInfo.from_json(EVMNET["info"])  # raises ChainMismatch if the hash did not recompute
    assert info.scheme is SCHEME and info.hash_hex == EVMNET["info"]["hash"]
    assert info.public_key_point().group is BN254_G2
    assert ChainInfo.from_json(info.to_json()).hash() == info.hash()


def test_keys_and_shares_live_mod_bn254s_order() -> None:
    assert BN254_CURVE_ORDER < CURVE_ORDER  # BLS12-381 scalars would be out of range here
    keys = bls.keygen(SCHEME, rng=seeded_rng(3))
    assert 0 < keys.secret < BN254_CURVE_ORDER
    shares, commits = shamir.split(BN254_CURVE_ORDER - 1, 4, 3, group=BN254_G2, rng=seeded_rng(4))
    assert all(s.value < BN254_CURVE_ORDER for s in shares)
    assert shamir.recover(shares[1:], 3, group=BN254_G2) == BN254_CURVE_ORDER - 1
    assert commits.commit() == BN254_G2.generator() * (BN254_CURVE_ORDER - 1)
    for share in shares:
        shamir.check_share_or_raise(share, commits)
    with pytest.raises(InvalidShare):
        shamir.check_share_or_raise(type(shares[0])(0, shares[0].value + 1), commits)


def test_threshold_signing_and_recovery() -> None:
    secret = 0xB254
    shares, public_poly = shamir.split(secret, 3, 2, group=BN254_G2, rng=seeded_rng(5))
    message = SCHEME.digest(42)
    partials = [tbls.sign_partial(SCHEME, share, message) for share in shares]
    tbls.verify_partial(SCHEME, public_poly, message, partials[0])
    assert not tbls.is_valid_partial(SCHEME, public_poly, SCHEME.digest(43), partials[0])
    signature = tbls.recover_signature(SCHEME, public_poly, message, partials[1:], 2, 3)
    assert signature == bls.sign(SCHEME, secret, message)
    assert len(signature) == 64
    assert bls.verify(SCHEME, public_poly.commit(), message, signature)


def test_schnorr_on_the_key_group_as_drands_dkg_auth_scheme() -> None:
    secret = 123456789
    public = BN254_G2.generator() * secret
    signature = schnorr.sign(BN254_G2, secret, b"deal bundle", seeded_rng(6))
    assert len(signature) == 128 + 32 == schnorr.signature_size(BN254_G2)
    assert schnorr.verify(BN254_G2, public, b"deal bundle", signature)
    assert not schnorr.verify(BN254_G2, public, b"other bundle", signature)
    too_big = signature[:128] + BN254_CURVE_ORDER.to_bytes(32, "big")
    assert not schnorr.verify(BN254_G2, public, b"deal bundle", too_big)


def test_the_dkg_on_bn254() -> None:
    outcome = run_dkg(3, 2, SCHEME, rng=seeded_rng(7))
    assert not outcome.errors and outcome.public_poly is not None
    assert outcome.public_poly.group is BN254_G2
    message = SCHEME.digest(1)
    partials = [
        tbls.sign_partial(SCHEME, result.key.share, message) for result in list(outcome.results.values())[:2]
    ]
    signature = tbls.recover_signature(SCHEME, outcome.public_poly, message, partials, 2, 3)
    assert bls.verify(SCHEME, outcome.public_poly.commit(), message, signature)
    assert BN254_G1.from_bytes(signature)  # a valid G1 point


def test_simulate_then_verify_then_tamper(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    args = ["simulate", "--nodes", "3", "--rounds", "2", "--scheme", SCHEME.id, "--seed", "2"]
    args += ["--out", str(out)]
    assert main(args) == 0
    info = json.loads((out / "info.json").read_text())
    assert info["schemeID"] == SCHEME.id and len(bytes.fromhex(info["public_key"])) == 128
    assert main(["verify", "--info", str(out / "info.json"), str(out / "beacons.json")]) == 0
    assert main(["verify", "--batch", "--info", str(out / "info.json"), str(out / "beacons.json")]) == 0
    beacons = json.loads((out / "beacons.json").read_text())
    beacons[-1]["round"] += 1
    beacons[-1].pop("randomness", None)
    (out / "tampered.json").write_text(json.dumps(beacons[-1:]))
    capsys.readouterr()
    assert main(["verify", "--info", str(out / "info.json"), str(out / "tampered.json")]) == 1


def test_verify_the_real_evmnet_beacon(tmp_path: Path, capsys) -> None:
    (tmp_path / "info.json").write_text(json.dumps(EVMNET["info"]))
    (tmp_path / "b.json").write_text(json.dumps(EVMNET["beacons"]))
    assert main(["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "b.json")]) == 0
    assert "ok: 1 beacon" in capsys.readouterr().out
    bad = dict(EVMNET["beacons"][0], round=EVMNET["beacons"][0]["round"] + 1)
    (tmp_path / "bad.json").write_text(json.dumps([bad]))
    assert main(["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "bad.json")]) == 1


def test_tlock_encrypts_to_bn254() -> None:
    # drand's Go tlock supports evmnet (EncryptCCAonG2 on kyber's bn254 suite), and so do we now:
    # U lands in G2; the details are tested in test_bn254_tlock.py
    public = BN254_G2.generator() * 5
    ciphertext = ibe.encrypt(SCHEME, public, 10, b"x" * 16, seeded_rng(8))
    assert ciphertext.U.group is BN254_G2 and len(ciphertext.to_bytes()) == 160
    signature = SCHEME.sig_group.hash_to_curve(SCHEME.digest(10), SCHEME.dst) * 5
    assert ibe.decrypt(SCHEME, signature, ciphertext) == b"x" * 16
