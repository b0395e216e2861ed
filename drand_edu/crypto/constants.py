"""The numbers that define BLS12-381 and BN254 (the same in every implementation)."""

#: The base field modulus p: coordinates of points are integers mod p.
FIELD_MODULUS = (
    0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB
)

#: The group order r: G1, G2 and GT all have r elements; secret keys and scalars live mod r.
CURVE_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001

#: Compressed sizes in bytes (ZCash / IETF encoding).
G1_SIZE = 48
G2_SIZE = 96

#: Size of a serialised pairing result (GT element), in kyber's (kilic) byte order.
GT_SIZE = 576

#: The two curves drand signs on. A :class:`~drand_edu.crypto.groups.CurveGroup` names its curve.
BLS12_381 = "bls12-381"
BN254 = "bn254"

#: BN254 (``alt_bn128``, the curve of Ethereum's pairing precompiles, EIP-196/197): base field p.
BN254_FIELD_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: BN254's group order r (G1, G2 and GT all have r elements). Smaller than BLS12-381's r.
BN254_CURVE_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: kyber's BN254 encodings are uncompressed: x ‖ y, 32 bytes per base-field coordinate.
BN254_G1_SIZE = 64
BN254_G2_SIZE = 128
