"""Identity self-signatures (drand common/key/keys.go): what is signed, where it is stored, who checks it."""

from __future__ import annotations

import hashlib

import pytest

from drand_edu.crypto import (
    BLS_UNCHAINED_G1_RFC9380,
    PEDERSEN_BLS_CHAINED,
    PEDERSEN_BLS_UNCHAINED,
    bls,
    identity,
    use_backend,
)
from drand_edu.errors import DKGError, InvalidSignature
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import run_dkg
from drand_edu.threshold.group import Group
from drand_edu.threshold.lifecycle import (
    ERR_INVALID_KEY_SCHEME,
    DKGState,
    Participant,
    ProposalTerms,
    ReceiveProposal,
)

# drand's own test data (common/key/group_test.go, TestLenIgnoresMissingNodes): a testnet node
# signed under drand v1, which signed the identity hash alone
V1_KEY = bytes.fromhex(
    "869f9e68169523c164b4fa114abd7ffd9032f94cf7662f27fd295e37fc8264f1896fee6a6366ccfe55b02e3aa42ad994"
)
V1_SIGNATURE = bytes.fromhex(
    "b45da17ea324f23c7c9cefdb715cecd0159bb7a1a54a4418a1a4a45604abf957fbdbedd31eb4703e2f4586f1d1a66076"
    "0ce52b536161f2bc84678a9b45a9d5710265d9b78e9315dccfccefebc4c3bd6fbc52c69877d839d408ba560d79ab1be1"
)


@pytest.fixture(autouse=True)
def fast_backend():
    with use_backend("arkworks"):
        yield


def test_identity_hash_is_blake2b_256_of_the_compressed_key() -> None:
    keys = bls.keygen(PEDERSEN_BLS_CHAINED, seeded_rng(1))
    digest = hashlib.blake2b(keys.public.to_bytes(), digest_size=32).digest()
    assert identity.identity_hash(PEDERSEN_BLS_CHAINED, keys.public) == digest
    assert identity.identity_message(PEDERSEN_BLS_CHAINED, keys.public) == b"pedersen-bls-chained" + digest


@pytest.mark.parametrize("scheme", [PEDERSEN_BLS_CHAINED, PEDERSEN_BLS_UNCHAINED, BLS_UNCHAINED_G1_RFC9380])
def test_self_signature_is_a_bls_signature_on_the_signature_group(scheme) -> None:
    keys = bls.keygen(scheme, seeded_rng(2))
    signature = identity.self_sign(scheme, keys.secret)
    assert len(signature) == scheme.signature_size
    assert identity.valid_signature(scheme, keys.public, signature)
    assert bls.verify(scheme, keys.public, identity.identity_message(scheme, keys.public), signature)
    other = bls.keygen(scheme, seeded_rng(3))
    assert not identity.valid_signature(scheme, other.public, signature)
    with pytest.raises(InvalidSignature):
        identity.check_signature(scheme, keys.public, b"")


def test_the_scheme_name_is_part_of_the_message() -> None:
    keys = bls.keygen(PEDERSEN_BLS_CHAINED, seeded_rng(4))
    signature = identity.self_sign(PEDERSEN_BLS_CHAINED, keys.secret)
    # same groups, same DST: only the prefixed name tells the two schemes apart
    assert not identity.valid_signature(PEDERSEN_BLS_UNCHAINED, keys.public, signature)


def test_drand_v1_signature_signed_the_hash_alone() -> None:
    digest = hashlib.blake2b(V1_KEY, digest_size=32).digest()
    assert bls.verify(PEDERSEN_BLS_CHAINED, V1_KEY, digest, V1_SIGNATURE)
    # drand v2 prepends the scheme name, so a v1 signature is not valid any more (drand re-signs)
    assert not identity.valid_signature(PEDERSEN_BLS_CHAINED, V1_KEY, V1_SIGNATURE)


def test_group_file_we_write_carries_every_signature(tmp_path) -> None:
    outcome = run_dkg(4, 3, rng=seeded_rng(5))
    group = outcome.to_group(3, 1_700_000_000)
    assert all(n.signature for n in group.nodes)
    assert all(identity.valid_signature(group.scheme, n.public_key, n.signature) for n in group.nodes)
    path = tmp_path / "group.toml"
    group.save(path)
    assert Group.load(path).nodes == group.nodes
    assert 'Signature = "' in path.read_text()


def _joiner_terms(signature: bytes) -> tuple[ProposalTerms, DKGState]:
    leader = bls.keygen(PEDERSEN_BLS_CHAINED, seeded_rng(6))
    joiner = bls.keygen(PEDERSEN_BLS_CHAINED, seeded_rng(7))
    identities = (
        Participant("a:1", leader.public.to_bytes(), identity.self_sign(PEDERSEN_BLS_CHAINED, leader.secret)),
        Participant(
            "b:2",
            joiner.public.to_bytes(),
            signature or identity.self_sign(PEDERSEN_BLS_CHAINED, joiner.secret),
        ),
    )
    terms = ProposalTerms("default", 1, "a:1", 2, 100.0, joining=("a:1", "b:2"), identities=identities)
    return terms, DKGState.fresh("default", "b:2")


def test_a_joiner_with_a_valid_self_signature_is_accepted() -> None:
    terms, state = _joiner_terms(b"")
    assert state.apply(ReceiveProposal(terms, "a:1")).status.name == "PROPOSED"


def test_a_joiner_with_a_bad_self_signature_is_refused() -> None:
    # drand validateJoinerSignatures: ErrInvalidKeyScheme
    forged = identity.self_sign(PEDERSEN_BLS_CHAINED, bls.keygen(PEDERSEN_BLS_CHAINED, seeded_rng(8)).secret)
    terms, state = _joiner_terms(forged)
    with pytest.raises(DKGError, match=ERR_INVALID_KEY_SCHEME):
        state.apply(ReceiveProposal(terms, "a:1"))


def test_key_files_carry_drands_fields(tmp_path) -> None:
    import tomllib

    from drand_edu.errors import InvalidInput
    from drand_edu.node.key_store import PUBLIC_FILE, SHARE_FILE, FileStore

    outcome = run_dkg(3, 2, rng=seeded_rng(9))
    group = outcome.to_group(3, 1_700_000_000)
    keys = outcome.keys[0]
    store = FileStore(group.scheme, keys.secret, keys.public.to_bytes(), outcome.share(0), group)
    folder = store.save(tmp_path)
    public = tomllib.loads((folder / PUBLIC_FILE).read_text())
    assert list(public) == ["Key", "Signature", "SchemeName"]  # drand's PublicTOML (+ Address if any)
    assert identity.valid_signature(group.scheme, keys.public, bytes.fromhex(public["Signature"]))
    share = tomllib.loads((folder / SHARE_FILE).read_text())
    assert list(share) == ["Index", "Share", "Commits", "SchemeName"]  # drand's ShareTOML
    assert share["Commits"] == [c.hex() for c in group.public_key.to_bytes_list()]
    assert FileStore.load(tmp_path) == store
    # a public key file whose self-signature does not verify is refused, as drand refuses to start
    other = identity.self_sign(group.scheme, outcome.keys[1].secret).hex()
    text = (folder / PUBLIC_FILE).read_text().replace(public["Signature"], other)
    (folder / PUBLIC_FILE).write_text(text)
    with pytest.raises(InvalidInput, match="invalid self-signature"):
        FileStore.load(tmp_path)


# -- the migration of old self-signatures (drand's SelfSignAll, checkGroup) ---------------------------
def test_migrate_signature_resigns_an_old_or_empty_one_and_keeps_a_valid_one() -> None:
    scheme = PEDERSEN_BLS_CHAINED
    keys = bls.keygen(scheme, seeded_rng(11))
    v1_style = bls.sign(scheme, keys.secret, identity.identity_hash(scheme, keys.public))  # drand v1's format
    assert not identity.valid_signature(scheme, keys.public, v1_style)
    migrated = identity.migrate_signature(scheme, keys.secret, v1_style)
    assert migrated != v1_style and identity.valid_signature(scheme, keys.public, migrated)
    assert identity.migrate_signature(scheme, keys.secret, b"") == migrated  # BLS is deterministic
    current = identity.self_sign(scheme, keys.secret)
    assert identity.migrate_signature(scheme, keys.secret, current) == current
    # a signature of another scheme (drand moves the key pair onto the group's scheme first)
    other = identity.self_sign(PEDERSEN_BLS_UNCHAINED, keys.secret)
    assert identity.migrate_signature(scheme, keys.secret, other) == current


def test_unsigned_identities_lists_old_empty_and_wrong_signatures() -> None:
    from drand_edu.threshold.group import Node

    scheme = PEDERSEN_BLS_CHAINED
    good = bls.keygen(scheme, seeded_rng(12))
    other = bls.keygen(scheme, seeded_rng(13))
    nodes = [
        Node("a:1", good.public.to_bytes(), 0, identity.self_sign(scheme, good.secret)),
        Node("b:2", V1_KEY, 1, V1_SIGNATURE),  # drand v1's format: the hash alone
        Node("c:3", other.public.to_bytes(), 2, b""),  # a group of a drand older than self-signatures
        Node("d:4", other.public.to_bytes(), 3, identity.self_sign(scheme, good.secret)),  # someone else's
    ]
    assert [n.address for n in identity.unsigned_identities(scheme, nodes)] == ["b:2", "c:3", "d:4"]
    assert identity.unsigned_identities(scheme, nodes[:1]) == []


def test_drand_refuses_the_v1_signature_and_accepts_the_migrated_one(drandref) -> None:
    """drand's own ValidSignature judges both: the v1 format is refused, SelfSignAll's output is not."""
    scheme = PEDERSEN_BLS_CHAINED
    kind, _ = drandref.outcome(
        "identity_valid_signature",
        scheme=scheme.id, key=V1_KEY.hex(), signature=V1_SIGNATURE.hex(), address="a:1",
    )  # fmt: skip
    assert kind == "error"
    keys = bls.keygen(scheme, seeded_rng(14))
    v1_style = bls.sign(scheme, keys.secret, identity.identity_hash(scheme, keys.public))
    migrated = identity.migrate_signature(scheme, keys.secret, v1_style)
    for signature, accepted in ((v1_style, False), (migrated, True)):
        kind, _ = drandref.outcome(
            "identity_valid_signature",
            scheme=scheme.id, key=keys.public.to_bytes().hex(), signature=signature.hex(), address="a:1",
        )  # fmt: skip
        assert (kind == "ok") is accepted


def test_listed_difference_a_key_file_signed_the_v1_way_is_refused_not_resigned(tmp_path) -> None:
    """drand's ``start`` re-signs it (SelfSignAll) before loading; our FileStore.load refuses it."""
    import tomllib

    from drand_edu.node.key_store import FileStore, KeyStoreError

    keys = FileStore.generate(PEDERSEN_BLS_CHAINED, rng=seeded_rng(15), address="a:1")
    folder = keys.save(tmp_path)
    public_file = next(folder.rglob("*.public"))
    fields = tomllib.loads(public_file.read_text())
    old_style = bls.sign(keys.scheme, keys.secret_key, identity.identity_hash(keys.scheme, keys.public_key))
    text = public_file.read_text().replace(fields["Signature"], old_style.hex())
    public_file.write_text(text)
    with pytest.raises(KeyStoreError, match="invalid self-signature"):
        FileStore.load(tmp_path)
    # what drand would write instead: the migrated signature, with which the file loads again
    migrated = identity.migrate_signature(keys.scheme, keys.secret_key, old_style)
    public_file.write_text(text.replace(old_style.hex(), migrated.hex()))
    assert FileStore.load(tmp_path) == keys


def test_evmnet_self_signature_is_64_bytes_over_the_uncompressed_128_byte_key() -> None:
    """evmnet (bls-bn254-unchained-on-g1): drand marshals BN254 points uncompressed, x ‖ y."""
    from drand_edu.crypto import scheme_by_id

    scheme = scheme_by_id("bls-bn254-unchained-on-g1")
    with use_backend("py_ecc"):
        keys = bls.keygen(scheme, seeded_rng(16))
        encoded = keys.public.to_bytes()
        signature = identity.self_sign(scheme, keys.secret)
        assert len(encoded) == 128 and len(signature) == 64
        expected = hashlib.blake2b(encoded, digest_size=32).digest()
        assert identity.identity_hash(scheme, keys.public) == expected
        assert identity.valid_signature(scheme, keys.public, signature)
