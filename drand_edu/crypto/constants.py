"""The numbers that define BLS12-381 (the same in every implementation)."""

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
