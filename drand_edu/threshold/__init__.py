"""Threshold cryptography: polynomials, Shamir/Feldman sharing, threshold BLS, the group file, the DKG.

``poly`` (kyber ``share/poly.go``) → ``shamir`` (Shamir + Feldman VSS) → ``tbls`` (kyber
``sign/tbls``) ; ``group`` is drand's group file (``common/key/group.go``). The DKG lives in the
``dkg`` subpackage and builds on all of them.
"""

from . import dkg, lifecycle, shamir, tbls
from .group import DEFAULT_BEACON_ID, Group, Node, dist_public_hash
from .poly import (
    PriPoly,
    PriShare,
    PubPoly,
    PubShare,
    interpolate,
    lagrange_coefficients,
    minimum_threshold,
    recover_commit,
    recover_pri_poly,
    recover_pub_poly,
    recover_secret,
)
from .shamir import check_share_or_raise, split, verify_share
from .tbls import is_valid_partial, partial_index, recover_signature, sign_partial, verify_partial

__all__ = [
    "DEFAULT_BEACON_ID",
    "Group",
    "Node",
    "PriPoly",
    "PriShare",
    "PubPoly",
    "PubShare",
    "check_share_or_raise",
    "dist_public_hash",
    "dkg",
    "interpolate",
    "is_valid_partial",
    "lagrange_coefficients",
    "lifecycle",
    "minimum_threshold",
    "partial_index",
    "recover_commit",
    "recover_pri_poly",
    "recover_pub_poly",
    "recover_secret",
    "recover_signature",
    "shamir",
    "sign_partial",
    "split",
    "tbls",
    "verify_partial",
    "verify_share",
]
