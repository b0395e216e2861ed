"""Our tlock beside tlock's own Go code, for every unchained scheme, evmnet's included.

The reference ops (tests/drandref/op_tlock.go) call tlock v1.2.0: ``tlock.New(network).Encrypt/Decrypt``
(the age layer, what ``tle`` runs) and ``TimeLock``/``TimeUnlock`` with ``CiphertextToBytes`` /
``BytesToCiphertext`` (the stanza body). tlock v1.2.0 has no BN254; for evmnet the ops call what tlock's
pinned commit calls for that scheme — kyber's ``ibe.EncryptCCAonG2`` / ``DecryptCCAonG2`` on kyber's bn254
suite with the same two domains, after drand's ``VerifyBeacon`` — and wrap it in age themselves (the op's
comment says exactly what).

Every random byte tlock draws (age's file key, the IBE sigma, age's payload nonce) is read with
``crypto/rand.Read``; the op can replace that reader by a given byte string, and ours draws the same bytes
in the same order from ``rng``, so **encryption is compared byte for byte**: the whole age file, armored
or not, and the stanza body alone. Decryption crosses both ways: Go's ciphertexts open with ours, ours with
Go's, on keys we generate (the round signed with our key) and on the real quicknet and evmnet beacons.
Refusals: a wrong round's signature, a tampered ciphertext, the point at infinity as key, a missing beacon,
another chain's file under strict decryption.

The evmnet vector ``tests/data/tlock-evmnet-go-r6390578.json`` was made by the op (Go: kyber's bn254 IBE
and filippo.io/age) with the byte string stored beside it; a test remakes it and opens it with ours.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.errors import DrandEduError
from drand_edu.rng import seeded_rng
from drand_edu.tlock import ibe, timelock

from .conftest import DATA, load_vector

UNCHAINED = [
    "pedersen-bls-unchained",
    "bls-unchained-on-g1",
    "bls-unchained-g1-rfc9380",
    "bls-bn254-unchained-on-g1",
]
EVMNET_GO = "tlock-evmnet-go-r6390578.json"
#: the bytes tlock draws for one file: age's file key, the IBE sigma, age's payload nonce
TAPE_SIZE = 48


class Tape(random.Random):
    """An ``rng`` that hands out a given byte string, in order: what the op's crypto/rand.Reader reads."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0
        super().__init__(0)

    def randbytes(self, n: int) -> bytes:
        chunk = self._data[self._pos : self._pos + n]
        assert len(chunk) == n, "the tape ran out: ours drew more than tlock"
        self._pos += n
        return chunk


def _chain(scheme_id: str, seed: int) -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(seed))
    return ChainInfo(keys.public.to_bytes(), 3, 1_700_000_000, b"seed", scheme, "ref-tlock"), keys.secret


def _signature(info: ChainInfo, secret: int, round_number: int) -> bytes:
    return bls.sign(info.scheme, secret, info.scheme.digest(round_number))


def _network(info: ChainInfo, round_number: int, signature: bytes | None = None) -> dict:
    fields = {
        "scheme": info.scheme.id,
        "public_key": info.public_key.hex(),
        "chain_hash": info.hash_hex,
        "round": round_number,
    }
    if signature is not None:
        fields["signature"] = signature.hex()
    return fields


def _ours_decrypt(data: bytes, info: ChainInfo, round_number: int, signature: bytes) -> bytes:
    return timelock.decrypt(data, info, lambda r: Beacon(r, signature) if r == round_number else None)


# -- encryption, byte for byte -----------------------------------------------------------------------------
EDGES = {
    "round-1-empty": (1, b"", False),  # the first round, an empty file
    "round-max": (2**64 - 1, b"x", True),  # the last round a uint64 holds
    "one-chunk": (123456, bytes(range(256)) * 256, False),  # exactly one 64 KiB age chunk
    "two-chunks": (123456, b"\xff" * 65537, True),  # one byte into a second chunk
}
#: the age chunking does not depend on the scheme: BN254 (slow in pure Python) skips the two big files
EDGE_CASES = [
    pytest.param(scheme_id, *EDGES[name], id=f"{name}-{scheme_id}")
    for scheme_id in UNCHAINED
    for name in EDGES
    if not (scheme_id.startswith("bls-bn254") and "chunk" in name)
]


@pytest.mark.parametrize(("scheme_id", "round_number", "plaintext", "armor"), EDGE_CASES)
def test_encrypt_edge_cases_same_bytes_as_tlock(drandref, scheme_id, round_number, plaintext, armor):
    info, secret = _chain(scheme_id, 7)
    tape = bytes((7 * i + round_number) % 251 for i in range(TAPE_SIZE))
    theirs = drandref.call(
        "tlock_encrypt",
        plaintext=plaintext.hex(),
        armor=armor,
        randomness=tape.hex(),
        **_network(info, round_number),
    )
    ours = timelock.encrypt(info, round_number, plaintext, armor=armor, rng=Tape(tape))
    assert ours.hex() == theirs
    signature = _signature(info, secret, round_number)
    assert _ours_decrypt(bytes.fromhex(theirs), info, round_number, signature) == plaintext


@settings(max_examples=15)
@given(
    scheme_id=st.sampled_from(UNCHAINED),
    round_number=st.integers(1, 2**64 - 1),
    plaintext=st.binary(max_size=300),
    armor=st.booleans(),
    tape=st.binary(min_size=TAPE_SIZE, max_size=TAPE_SIZE),
)
@example(
    scheme_id="bls-unchained-g1-rfc9380", round_number=1, plaintext=b"", armor=False, tape=bytes(TAPE_SIZE)
)
def test_encrypt_generated_same_bytes_as_tlock(drandref, scheme_id, round_number, plaintext, armor, tape):
    info, _ = _chain(scheme_id, 3)
    theirs = drandref.call(
        "tlock_encrypt",
        plaintext=plaintext.hex(),
        armor=armor,
        randomness=tape.hex(),
        **_network(info, round_number),
    )
    assert timelock.encrypt(info, round_number, plaintext, armor=armor, rng=Tape(tape)).hex() == theirs


@pytest.mark.parametrize("scheme_id", UNCHAINED)
def test_stanza_body_same_bytes_as_timelock(drandref, scheme_id):
    """TimeLock + CiphertextToBytes against our ibe.encrypt; TimeUnlock opens ours, we open theirs."""
    info, secret = _chain(scheme_id, 5)
    for round_number, key in ((1, bytes(16)), (2**40, bytes(range(16)))):
        sigma = bytes(reversed(range(16)))
        theirs = drandref.call(
            "tlock_timelock", plaintext=key.hex(), randomness=sigma.hex(), **_network(info, round_number)
        )
        ours = ibe.encrypt(info.scheme, info.public_key_point(), round_number, key, Tape(sigma)).to_bytes()
        assert ours.hex() == theirs
        signature = _signature(info, secret, round_number)
        opened = drandref.call(
            "tlock_timeunlock", ciphertext=ours.hex(), **_network(info, round_number, signature)
        )
        assert opened == key.hex()
        point = info.scheme.sig_group.from_bytes(signature)
        assert (
            ibe.decrypt(info.scheme, point, ibe.Ciphertext.from_bytes(info.scheme, bytes.fromhex(theirs)))
            == key
        )


# -- decryption, both ways --------------------------------------------------------------------------------
@settings(max_examples=10)
@given(
    # BN254's pairings are slow in pure Python: its both-ways round trips are the explicit tests around
    scheme_id=st.sampled_from(UNCHAINED[:3]),
    round_number=st.integers(1, 2**63),
    plaintext=st.binary(max_size=200),
    armor=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_each_opens_what_the_other_sealed(drandref, scheme_id, round_number, plaintext, armor, seed):
    info, secret = _chain(scheme_id, seed % 17)
    signature = _signature(info, secret, round_number)
    net = _network(info, round_number, signature)
    theirs = bytes.fromhex(drandref.call("tlock_encrypt", plaintext=plaintext.hex(), armor=armor, **net))
    assert _ours_decrypt(theirs, info, round_number, signature) == plaintext
    ours = timelock.encrypt(info, round_number, plaintext, armor=armor, rng=seeded_rng(seed))
    assert drandref.call("tlock_decrypt", ciphertext=ours.hex(), strict=True, **net) == plaintext.hex()


def test_real_quicknet_beacon_opens_both(drandref):
    vector = load_vector("beacons-quicknet.json")
    info, beacon = ChainInfo.from_json(vector["info"]), vector["beacons"][0]
    signature = bytes.fromhex(beacon["signature"])
    net = _network(info, beacon["round"], signature)
    ours = timelock.encrypt(info, beacon["round"], b"quicknet, ours", rng=seeded_rng(1))
    assert drandref.call("tlock_decrypt", ciphertext=ours.hex(), **net) == b"quicknet, ours".hex()
    go_file = load_vector("tlock-quicknet-go-r12040883.json")  # made by tlock's own test suite
    assert drandref.call("tlock_decrypt", ciphertext=go_file["ciphertext"].encode().hex(), **net) == (
        go_file["plaintext"].encode().hex()
    )
    assert _ours_decrypt(go_file["ciphertext"].encode(), info, beacon["round"], signature) == (
        go_file["plaintext"].encode()
    )


def test_real_evmnet_beacon_go_made_ciphertext(drandref):
    """The evmnet gap closed: a ciphertext made by Go (kyber's bn254 IBE, as tlock's pinned TimeLock calls
    it, in age) to the real evmnet key opens with ours under the real beacon of round 6390578; ours made
    to the same key opens with Go's; and the stored Go file is remade, byte for byte, from its tape."""
    vector = load_vector("beacons-evmnet.json")
    info, beacon = ChainInfo.from_json(vector["info"]), vector["beacons"][0]
    signature = bytes.fromhex(beacon["signature"])
    stored = load_vector(EVMNET_GO)
    net = _network(info, beacon["round"], signature)
    plaintext = stored["plaintext"].encode().hex()
    remade = drandref.call(
        "tlock_encrypt",
        plaintext=plaintext,
        armor=True,
        randomness=stored["randomness"],
        **_network(info, stored["round"]),
    )
    assert bytes.fromhex(remade).decode() == stored["ciphertext"]
    assert _ours_decrypt(stored["ciphertext"].encode(), info, beacon["round"], signature) == (
        stored["plaintext"].encode()
    )
    ours = load_vector("tlock-evmnet-ours-r6390578.json")  # made by ours, seeded
    assert drandref.call("tlock_decrypt", ciphertext=ours["ciphertext"].encode().hex(), **net) == (
        ours["plaintext"].encode().hex()
    )
    # and ours, drawing the stored tape, writes the Go file's very bytes
    again = timelock.encrypt(
        info,
        stored["round"],
        stored["plaintext"].encode(),
        armor=True,
        rng=Tape(bytes.fromhex(stored["randomness"])),
    )
    assert again.decode() == stored["ciphertext"]


def make_evmnet_go_vector(drandref) -> dict:
    """How tests/data/tlock-evmnet-go-r6390578.json was made (run by hand; the test above checks it)."""
    vector = load_vector("beacons-evmnet.json")
    info, round_number = ChainInfo.from_json(vector["info"]), vector["beacons"][0]["round"]
    plaintext = "hello evmnet, from Go (kyber's bn254 IBE in age)"
    tape = bytes(range(100, 100 + TAPE_SIZE))
    ciphertext = drandref.call(
        "tlock_encrypt",
        plaintext=plaintext.encode().hex(),
        armor=True,
        randomness=tape.hex(),
        **_network(info, round_number),
    )
    return {
        "description": (
            "A tlock ciphertext to the real evmnet chain at round 6390578, made by Go: tests/drandref's "
            "tlock_encrypt op, which for bls-bn254-unchained-on-g1 calls what tlock's pinned commit 962ec50 "
            "calls (kyber v1.3.2's ibe.EncryptCCAonG2 on bn254.NewSuiteBn254 with the BN254 G1/G2 domains, "
            "tlock v1.2.0's CiphertextToBytes) inside filippo.io/age v1.1.1's Encrypt and armor, with "
            "crypto/rand.Reader replaced by `randomness` (file key, IBE sigma, payload nonce: 16 bytes "
            "each). Decrypt with the real beacon of round 6390578 in beacons-evmnet.json."
        ),
        "made_by": "tests/test_ref_tlock.py::make_evmnet_go_vector (drandref op tlock_encrypt)",
        "scheme": info.scheme.id,
        "chain_hash": info.hash_hex,
        "round": round_number,
        "plaintext": plaintext,
        "randomness": tape.hex(),
        "ciphertext": bytes.fromhex(ciphertext).decode(),
    }


def test_stored_evmnet_vector_is_what_the_maker_makes(drandref):
    assert make_evmnet_go_vector(drandref) == json.loads((DATA / EVMNET_GO).read_text())


# -- refusals: both refuse ---------------------------------------------------------------------------------
@pytest.mark.parametrize("scheme_id", UNCHAINED)
def test_refusals_agree(drandref, scheme_id):
    info, secret = _chain(scheme_id, 9)
    round_number = 4242
    good = _signature(info, secret, round_number)
    wrong = _signature(info, secret, round_number + 1)  # a real signature, of another round
    plain = b"refuse me"
    ours = timelock.encrypt(info, round_number, plain, rng=seeded_rng(2))

    def both_refuse(data: bytes, signature: bytes | None, *, strict: bool = True, chain: ChainInfo = info):
        kind, _ = drandref.outcome(
            "tlock_decrypt", ciphertext=data.hex(), strict=strict, **_network(chain, round_number, signature)
        )
        assert kind == "error"
        with pytest.raises(DrandEduError):
            if signature is None:
                timelock.decrypt(data, chain, lambda r: None)
            else:
                _ours_decrypt(data, chain, round_number, signature)

    both_refuse(ours, wrong)  # a wrong round's signature: VerifyBeacon fails
    both_refuse(ours, None)  # no beacon yet: too early
    for position in (len(ours) - 1, ours.index(b"\n-> tlock") + 60):  # payload tag; stanza body
        tampered = bytearray(ours)
        tampered[position] ^= 0x04
        both_refuse(bytes(tampered), good)
    other, _ = _chain(scheme_id, 10)  # another chain's file, strict decryption
    both_refuse(ours, good, chain=other)

    infinity = info.scheme.key_group.identity().to_bytes().hex()
    kind, message = drandref.outcome(
        "tlock_encrypt", plaintext=plain.hex(), **{**_network(info, round_number), "public_key": infinity}
    )
    assert kind == "error", message
    at_infinity = ChainInfo(bytes.fromhex(infinity), 3, 1_700_000_000, b"seed", info.scheme, "ref-tlock")
    with pytest.raises(DrandEduError):
        timelock.encrypt(at_infinity, round_number, plain)


# -- listed differences (tests/data/differences.toml) ------------------------------------------------------
@pytest.mark.parametrize("scheme_id", ["bls-unchained-g1-rfc9380", "bls-bn254-unchained-on-g1"])
def test_listed_difference_round_zero(drandref, scheme_id):
    """``tlock-round-zero``: tlock's TimeLock locks to round 0, which no drand chain ever signs; ours refuses.

    (tle itself cannot ask for it: ``-r 0`` reads as "no round given".) A file locked to round 0 still opens
    with both, given a signature of round 0 — which only the holder of the key can make.
    """
    info, secret = _chain(scheme_id, 4)
    sealed = bytes.fromhex(drandref.call("tlock_encrypt", plaintext=b"r0".hex(), **_network(info, 0)))
    with pytest.raises(DrandEduError, match="at least 1"):
        timelock.encrypt(info, 0, b"r0")
    signature = _signature(info, secret, 0)
    assert _ours_decrypt(sealed, info, 0, signature) == b"r0"
    assert (
        drandref.call("tlock_decrypt", ciphertext=sealed.hex(), **_network(info, 0, signature)) == b"r0".hex()
    )


def test_listed_difference_chain_switch(drandref):
    """``tlock-chain-switch``: a file of chain A read with chain B. Go's default Tlock (``New``, what tle
    uses) asks its network to switch to A (the reference network refuses to switch, so it fails with
    ErrWrongChainhash; over HTTP tle would move to A on the same host); ``Strict()`` refuses. Ours refuses
    (``ChainMismatch``) unless ``strict=False``, which ignores the hash and never switches."""
    info, secret = _chain("bls-unchained-g1-rfc9380", 12)
    other, _ = _chain("bls-unchained-g1-rfc9380", 13)
    sealed = timelock.encrypt(info, 77, b"A", rng=seeded_rng(3))
    signature = _signature(info, secret, 77)
    read_as_b = {**_network(other, 77, signature), "public_key": info.public_key.hex()}  # A's key, B's hash
    for strict in (False, True):
        kind, message = drandref.outcome("tlock_decrypt", ciphertext=sealed.hex(), strict=strict, **read_as_b)
        assert kind == "error" and "invalid chainhash" in message
    as_b = ChainInfo(info.public_key, 30, 1_700_000_000, b"seed", info.scheme, "b")  # A's key, another hash
    with pytest.raises(DrandEduError, match="locked to chain"):
        _ours_decrypt(sealed, as_b, 77, signature)
    assert timelock.decrypt(sealed, as_b, lambda r: Beacon(r, signature), strict=False) == b"A"
