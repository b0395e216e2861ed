"""Threshold cryptography: polynomials, Shamir/Feldman sharing, threshold BLS, the DKG."""

from .poly import (
    PriPoly,
    PriShare,
    PubPoly,
    PubShare,
    lagrange_coefficients,
    minimum_threshold,
    recover_commit,
    recover_secret,
)

__all__ = [
    "PriPoly", "PriShare", "PubPoly", "PubShare", "lagrange_coefficients", "minimum_threshold",
    "recover_commit", "recover_secret",
]
