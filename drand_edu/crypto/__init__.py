"""Cryptographic primitives: BLS12-381 groups, pairings, drand's schemes, BLS signatures."""

from .backend import Backend, available_backends, current_backend, get_backend, use_backend
from .bls import KeyPair, hash_message, keygen, public_key, sign, verify, verify_or_raise
from .constants import CURVE_ORDER, FIELD_MODULUS
from .groups import G1, G2, CurveGroup, GTElement, Point, group_by_name, pairing, pairing_check
from .schemes import (
    BLS_UNCHAINED_G1_RFC9380,
    BLS_UNCHAINED_ON_G1,
    DEFAULT_SCHEME,
    DST_G1,
    DST_G2,
    PEDERSEN_BLS_CHAINED,
    PEDERSEN_BLS_UNCHAINED,
    SCHEMES,
    Scheme,
    scheme_by_id,
)

__all__ = [
    "BLS_UNCHAINED_G1_RFC9380",
    "BLS_UNCHAINED_ON_G1",
    "CURVE_ORDER",
    "DEFAULT_SCHEME",
    "DST_G1",
    "DST_G2",
    "FIELD_MODULUS",
    "G1",
    "G2",
    "PEDERSEN_BLS_CHAINED",
    "PEDERSEN_BLS_UNCHAINED",
    "SCHEMES",
    "Backend",
    "CurveGroup",
    "GTElement",
    "KeyPair",
    "Point",
    "Scheme",
    "available_backends",
    "current_backend",
    "get_backend",
    "group_by_name",
    "hash_message",
    "keygen",
    "pairing",
    "pairing_check",
    "public_key",
    "scheme_by_id",
    "sign",
    "use_backend",
    "verify",
    "verify_or_raise",
]
