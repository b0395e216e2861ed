# %% [markdown]
# # Session 3 — Cryptographic primitives
#
# drand's security rests on one curve, BLS12-381 (plus BN254 for Ethereum), and one signature scheme, BLS. This session builds
# them up from modular arithmetic to verifying real League of Entropy beacons, and ends where a node keeps
# its keys: the key folder (drand's file store).
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 90 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. what the groups G1, G2 and GT are, and how big their numbers are;
# 2. what a pairing is, and check its bilinearity numerically;
# 3. BLS signing and verification step by step: hash to curve → multiply → pairing check;
# 4. why the domain-separation tag (DST) matters, including the bug drand kept in `bls-unchained-on-g1`;
# 5. how a node stores its keys (file layout, permissions) without ever printing a secret.

# %% [markdown]
# ## Setup

# %%
import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.crypto import G1, G2, bls, pairing, pairing_check, scheme_by_id
from drand_edu.crypto.constants import CURVE_ORDER, FIELD_MODULUS

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. Prime fields and the curve
#
# Everything starts with arithmetic **modulo a prime**: add, subtract, multiply, and divide (multiply by
# the inverse) and stay in $\{0, 1, \dots, p-1\}$. With $p = 53$: $40 + 20 = 7$, and $3^{-1} = 18$ because
# $3 \cdot 18 = 54 = 1 \pmod{53}$.

# %%
p = 53
print("40 + 20 mod 53 =", (40 + 20) % p)
print("inverse of 3   =", pow(3, -1, p), " check:", 3 * pow(3, -1, p) % p)

# %% [markdown]
# An **elliptic curve** is the set of points $(x, y)$ with $y^2 = x^3 + 4$ (BLS12-381's equation), plus a
# point "at infinity" $\infty$. Points can be *added* (draw the line through two points, take the third
# intersection, reflect it), and $\infty$ is the zero. Adding $G$ to itself $k$ times gives $k \cdot G$:
# **scalar multiplication**, the one-way function of all this cryptography. Over mod 53 the curve has 54
# points, small enough to draw:

# %%
from drand_edu.viz.crypto import plot_toy_curve, toy_curve_explorer

plot_toy_curve(p=53, steps=8)
plt.show()

# %% [markdown]
# In JupyterLab, move the sliders below to change the prime and watch $G, 2G, 3G, \dots$ hop around
# (the picture above is its default state).

# %%
toy_curve_explorer()

# %% [markdown]
# Going from $G$ to $kG$ is fast (double-and-add: about $\log_2 k$ steps). Going back — finding $k$ from
# $kG$ — is the **discrete logarithm problem**: on a toy curve you can try all 54 values; on BLS12-381
# there are about $2^{255}$.
#
# The real numbers: the coordinates live modulo a 381-bit prime $p$, and the groups have a 255-bit prime
# order $r$.

# %%
print(f"p has {FIELD_MODULUS.bit_length()} bits: {str(FIELD_MODULUS)[:20]}…")
print(f"r has {CURVE_ORDER.bit_length()} bits: {str(CURVE_ORDER)[:20]}…")
print("r · G1 generator is the identity:", (G1.generator() * CURVE_ORDER).is_identity())

# %% [markdown]
# ### Asked in the room: how strong is BLS12-381, and what would a quantum computer break?
#
# > **Asked in the room:** *"So this is 128-bit security?"* Nearly. BLS12-381 was designed for the
# > 128-bit level. The curve side is not the weak one (Pollard's rho on a 255-bit $r$ costs about
# > $2^{127}$ steps): a pairing carries a discrete log of G1 or G2 into GT, inside $\mathbb{F}_{p^{12}}$,
# > where the number field sieve applies, and its exTNFS variant (Kim–Barbulescu, CRYPTO 2016) made that
# > cheaper. The CFRG's [pairing-friendly curves draft](https://datatracker.ietf.org/doc/draft-irtf-cfrg-pairing-friendly-curves/)
# > says a BLS12 curve typically needs a $p$ of 461 bits or more for 128 bits, so BLS12-381's level "is slightly below
# > 128 bits" (after Barbulescu–Duquesne, *Updating key size estimations for pairings*, J. Cryptology 32,
# > 2019). The curve's designer puts the best attack at close to $2^{120}$ work
# > ([zkcrypto/pairing#89](https://github.com/zkcrypto/pairing/issues/89)), and when a reviewer told the
# > BLS signature draft that the revised complexity is "less than 120", its authors dropped the plain
# > "128 bits" for the pairing-friendly curves draft's evaluation
# > ([cfrg/draft-irtf-cfrg-bls-signature#42](https://github.com/cfrg/draft-irtf-cfrg-bls-signature/issues/42)).
# > So: a little under 120 bits, still far out of reach. (evmnet's BN254: about 100 bits, section 6b.)
# >
# > *"And a quantum computer?"* Shor's algorithm (P. Shor, *SIAM J. Computing* 26(5), 1997) computes
# > discrete logarithms in polynomial time, in G1, G2 and GT alike. From a chain's public key it gets the
# > group secret $s$: it can sign any round, so forged beacons verify, and every timelock ciphertext
# > (session 8) opens early. From a node's public key it gets that node's long-term key, and can sign
# > DKG messages as that node. The past is not rewritten, but a valid signature stops proving that the
# > network made it: old beacons stay trustworthy only through copies kept before such a machine existed,
# > not by verifying them. The hashes (SHA-256, BLAKE2b, Keccak) survive: Grover's search only halves the
# > bits of a preimage attack. None of drand's five schemes
# > ([`SchemeFromName`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L294-L309)) is post-quantum.

# %% [markdown]
# ## 2. Two groups and a pairing
#
# BLS12-381 gives **two** groups of order $r$: **G1** (points with coordinates in $\mathbb{F}_p$, 48 bytes
# compressed) and **G2** (coordinates in $\mathbb{F}_{p^2}$, 96 bytes). drand gets both from
# `drand/kyber-bls12381`, a thin kyber wrapper over the `kilic/bls12-381` library: a G1 point is a
# [`KyberG1`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L21-L29), whose compressed encoding is 48 bytes
# ([`MarshalSize`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L150-L152)). Ours are `drand_edu.crypto.G1` and `G2`, computed by one of
# three backends with the same bytes: blst (the default), arkworks, or py_ecc, the readable reference
# (section 7). A **pairing** is a map
# $e: G_1 \times G_2 \to G_T$ into a third group (inside $\mathbb{F}_{p^{12}}$) that is **bilinear**:
#
# $$e(a \cdot P, b \cdot Q) = e(P, Q)^{a b}$$
#
# Numbers can move between the two sides of a pairing. Let's check it, with $a = 2$ and $b = 3$:

# %%
P, Q = G1.generator(), G2.generator()
base = pairing(P, Q)
power_six = base
for _ in range(5):
    power_six = power_six * base  # GT is written multiplicatively: e(P,Q)^6 = e(P,Q)·…·e(P,Q)
print("e(2P, 3Q) == e(P, Q)^6 :", pairing(P * 2, Q * 3) == power_six)
print("e(6P, Q)  == e(P, 6Q)  :", pairing(P * 6, Q) == pairing(P, Q * 6))
print("sizes: G1", len(P.to_bytes()), "bytes, G2", len(Q.to_bytes()), "bytes, GT", len(base.to_bytes()), "bytes")

# %% [markdown]
# **Try it.** Replace `3` by `4` in `Q * 3`: which line turns `False`, and why?

# %% [markdown] tags=["try-answer"]
# **Answer.** The first line: $e(2P, 4Q) = e(P, Q)^{2 \cdot 4} = e(P, Q)^8$, and `power_six` is
# $e(P, Q)^6$. The exponents multiply across the pairing, so the two sides now differ. The second line
# does not use the `3` and stays `True`, and the sizes do not change. That rule, exponents that multiply,
# is what BLS verification relies on (next section).

# %% [markdown]
# ## 3. Keys and BLS signatures, step by step
#
# A key pair is a random scalar $s$ (secret) and $pk = s \cdot g$ (public), where $g$ generates the *key
# group*. To sign a message $m$:
#
# 1. **hash to the curve**: $H(m)$, a point of the *signature group* nobody knows the logarithm of;
# 2. **multiply**: $\sigma = s \cdot H(m)$.
#
# To verify, check $e(pk, H(m)) = e(g, \sigma)$ — both sides equal $e(g, H(m))^{s}$. In practice one checks
# $e(pk, H(m)) \cdot e(-g, \sigma) = 1$, which needs a single final exponentiation.
#
# In kyber these are two short functions: [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L71-L84) hashes the message to the
# signature group and multiplies by the secret; [`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100) decodes the
# signature and asks the suite's `ValidatePairing` whether the two pairings match (which group holds what is
# fixed by [`NewSchemeOnG2`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L50-L63) or `NewSchemeOnG1`). Ours: `bls.sign`, `bls.verify`.

# %%
scheme = scheme_by_id("pedersen-bls-chained")  # mainnet: keys on G1, signatures on G2
keys = bls.keygen(scheme, rng=rng)
message = b"hello drand"

hashed = bls.hash_message(scheme, message)  # step 1: a point of G2
signature = hashed * keys.secret  # step 2: s · H(m)
print("public key:", keys.public)
print("H(m)      :", hashed)
print("signature :", signature)
print("same as bls.sign:", signature.to_bytes() == bls.sign(scheme, keys.secret, message))

g = scheme.key_group.generator()
print("e(pk, H(m)) · e(-g, σ) = 1 :", pairing_check([(keys.public, hashed), (-g, signature)]))
print("… for another message      :", pairing_check([(keys.public, bls.hash_message(scheme, b"bye")), (-g, signature)]))

# %% [markdown]
# **The point at infinity.** kyber's `Verify` has no special case for $\infty$: with the public key $\infty$
# and the signature $\infty$, both pairings are 1 and the equation holds *for every message*. A chain's key
# comes out of a DKG (it is $\infty$ only with negligible probability) and is fixed by the chain hash, but a verifier
# handed a key should not trust it blindly. Our `bls.verify` refuses $\infty$ as a key or a signature, on
# purpose (the IETF BLS draft's `KeyValidate` refuses the key $\infty$ too); the pairing alone accepts it:

# %%
nothing_key, nothing_sig = scheme.key_group.identity(), scheme.sig_group.identity()
print("pairing check with ∞, ∞ :", pairing_check([(nothing_key, bls.hash_message(scheme, b"anything")), (-g, nothing_sig)]))
print("bls.verify with ∞, ∞    :", bls.verify(scheme, nothing_key, b"anything", nothing_sig.to_bytes()))

# %% [markdown]
# **Why must nobody know the discrete log of $H(m)$?** Suppose hashing were "multiply the generator by the
# hash": $H(m) = h_m \cdot g_2$ with $h_m = \mathrm{sha256}(m)$, known to all. One public signature
# $\sigma_1 = s \cdot h_1 \cdot g_2$ gives $s \cdot g_2 = h_1^{-1} \sigma_1$, and from it the signature of *any*
# message: $h_m \cdot (s \cdot g_2)$. Every beacon is public, so one beacon would let anyone sign every future
# round. Hash-to-curve (next section) outputs points whose logarithm nobody knows. The forgery, live:

# %%
import hashlib


def naive_hash(m):  # NEVER do this: the discrete log of the "hash" is public
    return G2.generator() * (int.from_bytes(hashlib.sha256(m).digest(), "big") % CURVE_ORDER)


def naive_valid(public, m, sig):
    return pairing_check([(public, naive_hash(m)), (-G1.generator(), sig)])


seen = naive_hash(b"round 1") * keys.secret  # one signature the network published
h1 = int.from_bytes(hashlib.sha256(b"round 1").digest(), "big") % CURVE_ORDER
s_g2 = seen * pow(h1, -1, CURVE_ORDER)  # s·g2, computed without the secret
forged = s_g2 * (int.from_bytes(hashlib.sha256(b"round 999").digest(), "big") % CURVE_ORDER)
print("forged signature of 'round 999' accepted:", naive_valid(keys.public, b"round 999", forged))


# %% [markdown]
# ## 4. Hash to curve, and why the DST matters
#
# Hashing to a curve (RFC 9380) takes a **domain-separation tag**: the same message hashed with two tags
# gives unrelated points, so a signature made for one protocol can never be replayed in another. The
# standard tags name the group they hash to. kyber-bls12381's [`Hash`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L159-L168) of a G1
# point calls the curve library's `HashToCurve` with the tag the point was built with (the G1 default when
# none was given); ours is `G1.hash_to_curve(message, dst)`, called by `bls.hash_message`:

# %%
from drand_edu.crypto.schemes import DST_G1, DST_G2

print(DST_G1.decode())
print(DST_G2.decode())
digest = scheme_by_id("bls-unchained-g1-rfc9380").digest(1)
print("to G1 with the G1 tag:", G1.hash_to_curve(digest, DST_G1))
print("to G1 with the G2 tag:", G1.hash_to_curve(digest, DST_G2))

# %% [markdown]
# **drand's DST bug.** drand's first short-signature scheme, `bls-unchained-on-g1`, hashes to **G1** but
# with the **G2** tag — a mistake found after the chain ("fastnet") was running. Fixing it in place would
# have made every existing beacon unverifiable, so drand *kept* that scheme as it is and added a new one,
# `bls-unchained-g1-rfc9380` (quicknet), with the right tag. You can read the bug in drand's code:
# [`NewPedersenBLSUnchainedSwapped`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L177-L186) builds its suite with the G2 tag
# for *both* groups (its comment even says "this is the G2 DST instead of the G1 DST") and is marked
# `Deprecated`; [`NewPedersenBLSUnchainedG1`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L221-L227) uses the standard pair. Our
# `scheme_by_id("bls-unchained-on-g1").dst` is `DST_G2` for the same reason. The two are incompatible:

# %%
on_g1, rfc9380 = scheme_by_id("bls-unchained-on-g1"), scheme_by_id("bls-unchained-g1-rfc9380")
short_keys = bls.keygen(rfc9380, rng=rng)  # both schemes put keys on G2
sig_old = bls.sign(on_g1, short_keys.secret, digest)
print("verifies under bls-unchained-on-g1     :", bls.verify(on_g1, short_keys.public, digest, sig_old))
print("verifies under bls-unchained-g1-rfc9380:", bls.verify(rfc9380, short_keys.public, digest, sig_old))

# %% [markdown]
# ## 5. The schemes side by side
#
# In drand a scheme is a Go struct, [`Scheme`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L42-L66): the signature and key groups,
# the threshold scheme (tbls), an `AuthScheme` (BLS, used to sign a node's own identity and the DKG's gossip
# packets, in [`signMessage`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_signing.go#L18-L37)),
# a `DKGAuthScheme` (Schnorr on the key group; a field drand never reads: its DKG builds the same Schnorr
# scheme itself for deals, responses and justifications, `Auth: schnorr.NewScheme(suite)` in
# [`initialDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L280-L317)),
# an `IdentityHash` (BLAKE2b-256) and the `DigestBeacon` message function.
# [`SchemeFromName`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L294-L309) maps an id to one of them. Our `Scheme` keeps the
# groups, the DST and whether it is chained; `scheme_by_id` is `SchemeFromName`.

# %%
from drand_edu.crypto.schemes import SCHEMES

print(f"{'scheme':26} {'keys':8} {'sigs':8} {'sig bytes':>9}  {'DST':8} {'chained':7} digest")
for s in SCHEMES.values():
    tag = {DST_G1: "G1", DST_G2: "G2"}.get(s.dst, "BN254 G1")
    print(
        f"{s.id:26} {s.key_group.label:8} {s.sig_group.label:8} {s.signature_size:9}  {tag:8} {s.chained!s:7}"
        f" {s.hash_name}"
    )

# %% [markdown]
# *Chained* schemes sign $\mathrm{sha256}(\text{previous signature} \,\|\, \text{round})$; unchained ones
# sign $\mathrm{sha256}(\text{round})$ only (session 2 builds both by hand). Putting signatures on G1 halves
# their size (48 bytes instead of 96) at the price of 96-byte keys — a good trade, since there is one key
# and millions of signatures.

# %% [markdown]
# ## 6. Verifying real beacons, offline
#
# Everything above is enough to check the League of Entropy's real output. Here are a mainnet beacon
# (chained, signatures on G2) and a quicknet beacon (unchained, signatures on G1), stored in `data/`:

# %%
from drand_edu.chain import Beacon, ChainInfo

for name in ("beacons-mainnet-default.json", "beacons-quicknet.json"):
    stored = json.loads(Path("data", name).read_text())
    info = ChainInfo.from_json(stored["info"])  # checks that the fields hash to the stated chain hash
    beacon = Beacon.from_json(stored["beacons"][0])
    chain_scheme = info.scheme
    ok = bls.verify(chain_scheme, info.public_key, beacon.message(chain_scheme), beacon.signature)
    print(f"{info.beacon_id:8} round {beacon.round}: {chain_scheme.id:26} valid = {ok}")

# %% [markdown]
# ## 6b. The fifth scheme: BN254, for Ethereum (evmnet)
#
# The last row of the table is the League of Entropy's **evmnet** chain. Its reason to exist: an Ethereum
# contract that uses drand randomness must check the beacon *itself*, on chain, and the EVM has cheap
# built-in ("precompiled") contracts for the arithmetic and pairing check of exactly one pairing curve,
# **BN254** (EIP-196 and EIP-197). A BLS12-381 pairing written in contract code would cost far more gas.
# drand's [`NewPedersenBLSBN254UnchainedOnG1Scheme`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L257-L292) therefore keeps
# quicknet's shape (unchained, signatures on G1, keys on G2) and changes four things:
#
# | | quicknet | evmnet |
# |---|---|---|
# | curve | BLS12-381, $p$ of 381 bits | BN254, $p$ of 254 bits (about 100-bit security today, against 128) |
# | message | $\mathrm{sha256}(r)$ | $\mathrm{keccak256}(r)$: its [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L275-L280) uses the EVM's own hash |
# | hash to G1 | `expand_message_xmd` with SHA-256, then the SSWU map | `expand_message_xmd` with Keccak-256, then the SvdW map |
# | points | compressed: 48 / 96 bytes | uncompressed $x \,\|\, y$: 64 / 128 bytes, as the precompiles take them |
#
# Why another map: SSWU needs a curve $y^2 = x^3 + ax + b$ with $a \neq 0$ (BLS12-381 gets there through an
# isogeny), while BN254 is $y^2 = x^3 + 3$; Shallue–van de Woestijne works for any curve. kyber's
# [`hashToPoint`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L203-L209) stretches the message with
# [`expandMsgXmdKeccak256`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L278-L327), cuts 96 bytes into two numbers mod $p$
# ([`hashToField`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L211-L223)), maps each to a point with
# [`mapToPoint`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L225-L276) and adds the two; G1 of BN254 is the whole curve, so
# no cofactor is cleared. `drand_edu.crypto.bn254` has one function per step (`expand_message_xmd`,
# `hash_to_field`, `map_to_curve_svdw`), tested against kyber's vectors. Decoding a 128-byte G2 key needs a
# subgroup check (kyber's twist [`IsOnCurve`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/twist.go#L47-L64) multiplies by the order):
# the twist has many points outside the order-$r$ group. kyber reads BN254 points loosely: its
# [`UnmarshalBinary`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L144-L176) ignores bytes after the 64 it needs and the error that says
# a coordinate is not below $p$ (so $x + p$ is read as $x$); ours refuses both, so that each point has one
# encoding (`tests/test_ref_schemes.py` runs kyber beside ours). (drand's Go tlock also encrypts to evmnet —
# its `TimeLock` calls kyber's [`EncryptCCAonG2`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L158-L162) on the bn254 suite — and so does `drand_edu.tlock`, hashing
# BN254's GT elements in kyber's byte order, `bn254.gt_to_kyber_bytes`; no Go-made evmnet ciphertext exists
# to check it against, so it is tested piece by piece, see tests/test_bn254_tlock.py.)

# %%
from drand_edu.crypto import bn254, use_backend
from drand_edu.crypto.groups import BN254_G1

evmnet = json.loads(Path("data/beacons-evmnet.json").read_text())
evm_info = ChainInfo.from_json(evmnet["info"])  # its chain hash recomputes, like the others
evm_beacon = Beacon.from_json(evmnet["beacons"][0])
evm = evm_info.scheme
print(f"{evm_info.beacon_id} {evm_info.hash_hex[:16]}…  key {len(evm_info.public_key)} B, signature {len(evm_beacon.signature)} B")

evm_message = evm.digest(evm_beacon.round)  # keccak256(round as 8 bytes, big-endian)
u0, u1 = bn254.hash_to_field(evm_message, evm.dst)  # expand_message_xmd with Keccak-256, two numbers mod p
p0, p1 = bn254.map_to_curve_svdw(u0), bn254.map_to_curve_svdw(u1)  # SvdW: each number to a curve point
print("u0 =", hex(u0)[:20] + "…", " map(u0) on the curve:", (p0[1] ** 2 - p0[0] ** 3 - 3) % bn254.P == 0)
print("H(m) = map(u0) + map(u1):", bn254.encode_g1(bn254.add_affine(p0, p1)) == BN254_G1.hash_to_curve(evm_message, evm.dst).to_bytes())

# %%
with use_backend("py_ecc"):  # the reference path (BN254's only backend here): pure Python, about a second
    ok = bls.verify(evm, evm_info.public_key, evm_message, evm_beacon.signature)
print(f"evmnet round {evm_beacon.round}: {evm.id} valid = {ok}")

# %% [markdown]
# ## 7. Backends: read one, run another
#
# `drand_edu` computes with **py_ecc** (pure Python: every line readable, ~0.5 s per pairing),
# **arkworks** (Rust, through `py-arkworks-bls12381`: a few hundred times faster) or **blst** (C and
# assembly, through `pyblst`: faster again, the default when installed). All give identical bytes — the
# test suite checks it. Here is the start of py_ecc's Miller loop, the heart of the pairing:

# %%
import inspect

from py_ecc.optimized_bls12_381 import optimized_pairing

print("\n".join(inspect.getsource(optimized_pairing.miller_loop).splitlines()[:14]))

# %%
# NBVAL_IGNORE_OUTPUT
# Wall-clock timings differ on every machine
import time

from drand_edu.crypto import use_backend

for backend_name in ("blst", "arkworks", "py_ecc"):
    with use_backend(backend_name):
        start = time.perf_counter()
        valid = bls.verify(scheme, keys.public, message, signature.to_bytes())
        elapsed = time.perf_counter() - start
    print(f"{backend_name:9} verify: {elapsed * 1000:8.1f} ms  (valid = {valid})")

# %% [markdown]
# **Try it.** Run `with use_backend("py_ecc"):` around the "step by step" cell of section 3 and step into
# `bls.hash_message` with the debugger: every field operation is a Python line.

# %% [markdown] tags=["try-answer"]
# **Answer.** The cell prints the same points and `True`s, only slower (seconds, not milliseconds): the
# backends compute the same bytes. The debugger goes from `bls.hash_message` to `G2.hash_to_curve`, then
# into py_ecc's `hash_to_G2`: `expand_message_xmd` with SHA-256 and the scheme's DST, two elements of
# $\mathbb{F}_{p^2}$, the simplified SWU map onto an isogenous curve, the isogeny back to BLS12-381,
# and the clearing of the cofactor, each a plain Python function. kyber-bls12381's `Hash` (section 4)
# runs the same steps in Go, in the `kilic/bls12-381` library.

# %% [markdown]
# ## 8. The key store: a node's keys on disk
#
# A drand node keeps its long-term key pair, and after a DKG its share and the group file, in a folder per
# beacon id: drand's file store. Secret files are readable by their owner only (mode `0600`); our `FileStore`
# refuses to load a secret that others could read, and never prints one. (drand's `Vault` is something else:
# the in-memory holder a running chain signs with — session 5.)
#
# drand's layout is set in [`NewFileStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L90-L106): under
# `<base>/<beacon id>/`, a `key/` folder with `drand_id.private` and `drand_id.public`, and a `groups/`
# folder with `drand_group.toml` and the share `dist_key.private`, both folders made by
# [`CreateSecureFolder`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/fs/fs.go#L30-L50)
# with mode `0740` (the owner reads, writes and enters; the group may only read the listing) — "secure"
# because the secret *files* in them are `0600`. A key pair is created by [`newKeyPair`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L90-L113): a random scalar, its
# public point in the scheme's key group, and then a self-signature (below).

# %%
import stat

from drand_edu.node.key_store import FileStore

node_keys = FileStore.generate(scheme, rng=rng)
with tempfile.TemporaryDirectory() as base:
    folder = node_keys.save(base)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            print(f"{stat.S_IMODE(path.stat().st_mode):04o}  {path.relative_to(base)}")
    print(FileStore.load(base) == node_keys)
print(node_keys)

# %% [markdown]
# **A key pair signs its own identity.** When drand makes a key pair, [`SelfSign`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L72-L83) signs, with the
# scheme's `AuthScheme` (plain BLS, on the signature group), the message *scheme name ‖ identity hash*,
# where the identity hash [`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L43-L50) is BLAKE2b-256 of the key as drand
# marshals it: compressed on BLS12-381; on evmnet the uncompressed 128-byte key, and the self-signature is
# then a 64-byte uncompressed G1 point. Anyone holding the public key checks it with
# [`ValidSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L52-L59). What it proves is narrow: whoever made it held the
# secret key, and the key belongs to this scheme. The address is not signed (so a node can move), and a BLS
# signature is deterministic and public, so anyone can pair a key and its signature with any address: what
# ties an address to a key in a DKG is the leader's proposal plus the DKG messages each node signs with that
# key (session 4). The signature travels hex-encoded in the
# `Signature` field of the public key file, drand's [`PublicTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L121-L127),
# and of every node of a group file. Files written by drand v1 carry an older format (the hash alone,
# without the scheme's name), which drand re-signs when it starts (see the deep dive). Ours:
# `drand_edu.crypto.identity.self_sign` and `valid_signature`,
# checked against drand's own code (the same bytes in all five schemes). Ours refuses two things drand's
# accepts: the key at infinity with the signature at infinity, which pass kyber's pairing check; and BN254
# bytes kyber decodes leniently, trailing bytes after a point or a coordinate not reduced mod p.

# %%
from drand_edu.crypto import identity

message_signed = identity.identity_message(scheme, node_keys.public_key)
print("signed message:", message_signed[: len(scheme.id)].decode(), "‖", message_signed[len(scheme.id) :].hex())
print("self-signature valid      :", identity.valid_signature(scheme, node_keys.public_key, node_keys.signature))
other = FileStore.generate(scheme, rng=rng)
print("someone else's signature  :", identity.valid_signature(scheme, node_keys.public_key, other.signature))
with tempfile.TemporaryDirectory() as base:
    public_file = next(node_keys.save(base).rglob("*.public"))
    print(f"\n{public_file.name}:")
    print("\n".join(line[:100] + ("…" if len(line) > 100 else "") for line in public_file.read_text().splitlines()))

# %% [markdown]
# ## Exercises
#
# Five exercises: explore what each scheme signs, implement a faster verifier, break two things a careless
# verifier trusts, and connect to the kyber code that fixes one of them. Each check cell answers "✅ correct"
# or "❌ not yet" with a hint; `drand_edu.exercises.hint("<name>")` gives the next hint each time you call it
# (the last one is the recipe, so try first).
#
# **One rule for types, in every session:** return what the task names — bytes as `bytes` (hex text is
# refused), a point as a `Point` (not its encoding), a number as a number (not its text).

# %% [markdown]
# ### Exercise 1 (Explore) — the message of every scheme
#
# The table of section 5 lists five schemes. Write `my_message(scheme, round_number, previous_signature)`
# returning the 32 bytes that `scheme` signs for that round — for **all five**, including evmnet, and with
# `previous_signature` given as bytes, as `b""` or as `None`. Build it from `hashlib` (and
# `drand_edu.crypto.bn254.keccak256`) by looking at the table's columns: the checker switches
# `scheme.digest` off while it runs yours. Stuck? `drand_edu.exercises.hint("scheme_message")`

# %%
import hashlib
import secrets

from drand_edu.crypto.bn254 import keccak256


def my_message(scheme, round_number, previous_signature):
    ...  # your code


# %%
drand_edu.exercises.check_scheme_message(my_message)


# %% tags=["solution"]
def my_message(scheme, round_number, previous_signature):
    data = (previous_signature or b"") if scheme.chained else b""
    data += round_number.to_bytes(8, "big")
    if scheme.hash_name == "keccak256":
        return keccak256(data)
    return hashlib.sha256(data).digest()


drand_edu.exercises.check_scheme_message(my_message)


# %% [markdown]
# ### Exercise 2 (Implement) — many signatures, one pairing check
#
# A node that syncs a chain checks thousands of signatures under one key. Write
# `my_batch_verify(scheme, public_key, messages, signatures)` (`signatures` are points) that returns True
# exactly when **every** signature is valid, with **one** `pairing_check` of **two** pairs for the whole
# batch, whatever its length. It must work for keys on G1 and on G2, and refuse a batch whose signatures
# are wrong one by one even if they add up to the right sum, even when the attacker knows how you usually
# weigh them, and the key ∞ that section 3 warns about. `scheme.sig_group.msm(points, scalars)` computes
# $\sum_i c_i P_i$. Stuck? `drand_edu.exercises.hint("batch_verify")`

# %%
def my_batch_verify(scheme, public_key, messages, signatures):
    ...  # your code


# %%
drand_edu.exercises.check_batch_verify(my_batch_verify)


# %% tags=["solution"]
def my_batch_verify(scheme, public_key, messages, signatures):
    if public_key.is_identity():
        return False  # the key ∞ makes every pairing 1 (section 3): it would accept anything
    weights = [1 + secrets.randbelow(2**64) for _ in messages]  # fresh and full width: nobody can cancel them
    hashed = scheme.sig_group.msm([bls.hash_message(scheme, m) for m in messages], weights)
    summed = scheme.sig_group.msm(signatures, weights)
    return pairing_check([(public_key, hashed), (-scheme.key_group.generator(), summed)])


drand_edu.exercises.check_batch_verify(my_batch_verify)

# %% [markdown]
# ### Exercise 3 (Break) — a rogue key against naive aggregation
#
# Many signers can prove together that they all signed $m$ by adding their signatures, checked against the
# *sum* of their keys. kyber's [`AggregatePublicKeys`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L114-L120) does exactly that
# sum, and drand's code says why that is no risk there: its comment on the [`signBls`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L19-L26)
# import says drand uses the package for simple signatures only, without any aggregation. Break the naive
# sum. Write `my_rogue(scheme, victim_public, message)` returning `(your_public_key, signature)` such
# that `bls.verify(scheme, victim_public + your_public_key, message, signature)` holds — for a victim
# whose secret you never see and who signs nothing. **What counts as a break:** a fresh victim and message
# each time, keys on G1 and on G2; an aggregate key equal to $\infty$ does not count (`bls.verify` refuses
# it), and neither does a key of your own that leaves the victim out. Stuck?
# `drand_edu.exercises.hint("rogue_key")`

# %%
def my_rogue(scheme, victim_public, message):
    ...  # your code: return (your_public_key, signature)


# %%
drand_edu.exercises.check_rogue_key(my_rogue)


# %% tags=["solution"]
def my_rogue(scheme, victim_public, message):
    a = 1 + secrets.randbelow(CURVE_ORDER - 1)  # a secret we know
    rogue = scheme.key_group.generator() * a - victim_public  # victim + rogue = a·g
    return rogue, bls.hash_message(scheme, message) * a


drand_edu.exercises.check_rogue_key(my_rogue)

# %% [markdown]
# ### Exercise 4 (Break) — a point of small order, outside G1
#
# The curve $y^2 = x^3 + 4$ over $\mathbb{F}_p$ has $h \cdot r$ points, with a cofactor $h$ of about
# $2^{126}$; G1 is the part of order $r$. **What does the subgroup check stop?** Everything proved about BLS
# — one valid signature per message, no forgery — is about points of the group of order $r$. Any curve point
# is a G1 part plus a part $T$ whose order divides $h$: an attacker with a small-order $T$ can try
# $\sigma + T$, a *second* byte string for the same round that a careless verifier might accept (and a
# second "randomness", since that is sha256 of the bytes), or feed such points to a node to learn its secret
# modulo small numbers (small-subgroup attacks). So a point is refused unless it is in G1 (or G2). drand
# relies on its curve library for this: kyber-bls12381's [`UnmarshalBinary`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L124-L129)
# hands the bytes to `kilic/bls12-381`'s `FromCompressed`, and the wrapper exposes the test as
# [`IsInCorrectGroup`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L170-L172). Ours is in `G1.from_bytes` (it raises `InvalidPoint`).
#
# Play the attacker: give the 48-byte compressed encoding (as `bytes`: the course's one rule for types, hex text is refused) of such a $T$ — $x$
# big-endian, the three top bits of the first byte being flags: `0x80` "compressed", `0x40` "the point at
# infinity", `0x20` "the larger of the two $y$". **What counts as a break:** a point $T \neq \infty$ on the
# curve with $h \cdot T = \infty$ (no G1 part at all), which `G1.from_bytes` refuses for the subgroup. The
# checker decodes it and does the arithmetic itself (with py_ecc, which does not care about subgroups).
# Any point with a G1 part is refused: almost every $x$ gives one. Stuck?
# `drand_edu.exercises.hint("not_in_subgroup")`

# %%
encoded = None  # your code: 48 bytes

# %%
drand_edu.exercises.check_not_in_subgroup(encoded)

# %% tags=["solution"]
from py_ecc.bls.point_compression import compress_G1
from py_ecc.optimized_bls12_381 import FQ, multiply

x = next(x for x in range(1, 100) if pow(x**3 + 4, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) == 1)
y = pow(x**3 + 4, (FIELD_MODULUS + 1) // 4, FIELD_MODULUS)  # a square root, since p = 3 mod 4
small = multiply((FQ(x), FQ(y), FQ(1)), CURVE_ORDER)  # r · P: the G1 part is gone, the small part stays
encoded = compress_G1(small).to_bytes(48, "big")  # (another answer: (0, 2), of order 3)
drand_edu.exercises.check_not_in_subgroup(encoded)

# %% [markdown]
# ### Exercise 5 (Connect) — how kyber makes aggregation safe
#
# kyber's answer to exercise 3 is the `bdn` package (Boneh–Drijvers–Neven): before adding keys, it multiplies
# each by a coefficient that depends on *all* the keys, so a key chosen after seeing the others changes every
# coefficient and cannot cancel anyone. Open [`hashPointToR`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bdn/bdn.go#L33-L68) at the pinned
# commit and answer with a pair: **which hash function** does it use to turn the keys into coefficients, and
# **how many bits** has one coefficient? For example `answer = ("sha256", 64)`. Stuck?
# `drand_edu.exercises.hint("bdn_coefficients")`

# %%
answer = None  # your code: (hash function, bits of one coefficient)

# %%
drand_edu.exercises.check_bdn_coefficients(answer)

# %% tags=["solution"]
answer = ("blake2s", 128)  # blake2s.NewXOF over every key; 16-byte slices, each mod 2^128 - 1
drand_edu.exercises.check_bdn_coefficients(answer)

# %% [markdown]
# ## Deep dive: a node's identity across drand versions
#
# *Beyond the 45-minute core: for the question time, or at home.* Three pieces of drand's code that a
# maintainer would show next to section 8: how drand moves old self-signatures to today's format, what it
# does with a group file whose signatures do not verify, and where a key pair's scheme comes from when
# nobody names one.

# %% [markdown]
# ### The self-signature migration: `SelfSignAll`
#
# drand v1 signed only the identity hash, BLAKE2b-256 of the key; v2 puts the scheme's name in front of it
# ([`SelfSign`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L72-L83), "to avoid scheme confusion during DKG"). So a key
# file made by v1 carries a signature that v2's [`ValidSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L52-L59) refuses,
# and [`NewBeaconProcess`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L70-L89) will not run a beacon with an invalid
# self-signature. The way out is in the `start` command itself: its action
# ([`appCommands`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L306-L332)) runs `checkMigration`, then the "v1.5.7 ->
# v2.0.0 migration path" [`selfSign`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L311-L315), which calls
# [`SelfSignAll`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L223-L266). For every beacon id in the folder, those lines load
# the key pair, load the group file, and when the group names a scheme put the key pair on *that* scheme
# (drand's comment: a share file that was never reshared may lack the scheme's name, the group has it); a signature that already verifies is kept, anything else (empty,
# old format, another scheme's) is replaced by a fresh `SelfSign` and the key pair saved again, with the
# log line "migration: self signed key.". Ours: `identity.migrate_signature(scheme, secret, signature)`
# does it for one key pair. Our `FileStore.load` has no such step: it refuses a key file whose signature
# is there but does not verify, where `drand start` would re-sign it first.
#
# The cell checks a real v1 signature, a testnet node of drand's own test data
# ([`TestLenIgnoresMissingNodes`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group_test.go#L196-L212)), in both formats, then migrates
# one of our own keys signed the old way:

# %%
from drand_edu.rng import seeded_rng

v1_key = bytes.fromhex(
    "869f9e68169523c164b4fa114abd7ffd9032f94cf7662f27fd295e37fc8264f1896fee6a6366ccfe55b02e3aa42ad994"
)
v1_signature = bytes.fromhex(
    "b45da17ea324f23c7c9cefdb715cecd0159bb7a1a54a4418a1a4a45604abf957fbdbedd31eb4703e2f4586f1d1a66076"
    "0ce52b536161f2bc84678a9b45a9d5710265d9b78e9315dccfccefebc4c3bd6fbc52c69877d839d408ba560d79ab1be1"
)
chained = scheme_by_id("pedersen-bls-chained")
deep_rng = seeded_rng(3)  # its own generator: the output stays the same whatever ran before
print("v1 format, BLAKE2b(key) alone   :", bls.verify(chained, v1_key, identity.identity_hash(chained, v1_key), v1_signature))
print("v2 format, name ‖ BLAKE2b(key)  :", identity.valid_signature(chained, v1_key, v1_signature))

ours = FileStore.generate(chained, rng=deep_rng)
old_style = bls.sign(chained, ours.secret_key, identity.identity_hash(chained, ours.public_key))
migrated = identity.migrate_signature(chained, ours.secret_key, old_style)
print("our key signed the v1 way, valid:", identity.valid_signature(chained, ours.public_key, old_style))
print("after migrate_signature, valid  :", identity.valid_signature(chained, ours.public_key, migrated))
print("a valid signature is kept as is :", identity.migrate_signature(chained, ours.secret_key, migrated) == migrated)

# %% [markdown]
# ### `checkGroup`: a group file with old signatures
#
# `SelfSignAll` can re-sign only the node's *own* key; the group file also holds every other node's
# signature, in whatever format their drand had. When a beacon process loads its group
# ([`Load`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L130-L141)) it calls
# [`checkGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L456-L466), which asks
# [`UnsignedIdentities`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L473-L484) for the nodes whose `ValidSignature` fails
# (despite its comment, it returns that list, not a boolean) and only logs a warning, "Group contains
# invalid signatures", each node shown as its address and the first ten hex digits of its key, with
# `"FIX", "upgrade"`. The group is not refused: those nodes still hold shares and sign beacons, and
# their self-signatures play no part in a beacon. New signatures arrive with the next resharing: the
# leader's [`generateProposalCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L679-L773) fetches every remainer's
# public key from the node itself ("for migration from v1-v2", says its comment), and the new group file
# is written from the proposal's participants ([`ToKeyNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/util/participant_utils.go#L110-L126) keeps each `Signature`).
# Ours: `identity.unsigned_identities(scheme, nodes)` returns the same list; nothing of ours logs it.
# With the node of drand's test data, one of ours re-signed, and one from before self-signatures:

# %%
from drand_edu.threshold.group import Node

other_keys = FileStore.generate(chained, rng=deep_rng)
nodes = [
    Node("pl3-rpc.testnet.drand.sh:443", v1_key, 0, v1_signature),
    Node("ours.example:443", ours.public_key, 1, migrated),
    Node("older.example:443", other_keys.public_key, 2, b""),
]
for node in identity.unsigned_identities(chained, nodes):
    print(f"{{{node.address} - {node.public_key.hex()[:10]}}}")

# %% [markdown]
# ### `GetSchemeFromEnv`: the scheme nobody named
#
# [`GetSchemeFromEnv`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L329-L335) reads the environment variable `SCHEME_ID` and
# hands it to [`GetSchemeByID`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L318-L327), where an empty id means
# `DefaultSchemeID`, `pedersen-bls-chained` (mainnet's); an unknown id is an error (its comment says the
# function panics; the code returns the error). [`newKeyPair`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L90-L113) falls
# back on it when it is given no scheme, and `util del-beacon` uses it to decide whether the store needs
# previous signatures ([`deleteBeaconCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L853-L879)). The same empty-id
# rule reads old files: [`Pair.FromTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L140-L155) and
# [`Identity.FromTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L162-L182) call `GetSchemeByID` with the file's
# `SchemeName`, so a v1 key file, which has none, is a `pedersen-bls-chained` key. Ours has no
# environment variable: `drand-edu generate-keypair --scheme` (default `pedersen-bls-chained`) and
# `FileStore.generate` take the scheme as an argument, and `scheme_by_id("")` is an error, not the
# default, so a key file must name its scheme.

# %% [markdown]
# ## In drand's source
#
# A summary of the links above (drand at `f45e7e0`, kyber at `d3ad80c`, kyber-bls12381 at `1c8b2e8`):
#
# | here | drand / kyber |
# |---|---|
# | `drand_edu.crypto.groups` (`G1`, `G2`, `pairing`) | [`KyberG1`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L21-L29) and its siblings in `kyber_g2.go`, `kyber_gt.go` of `drand/kyber-bls12381` (over `kilic/bls12-381`) |
# | `drand_edu.crypto.encoding`, subgroup check | [`UnmarshalBinary`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L124-L129), [`IsInCorrectGroup`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L170-L172) |
# | `bls.sign`, `bls.verify` | [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L71-L84), [`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100) |
# | `drand_edu.crypto.schemes` | [`Scheme`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L42-L66), [`SchemeFromName`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L294-L309) |
# | `drand_edu.crypto.bn254` (`hash_to_field`, `map_to_curve_svdw`) | [`hashToField`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L211-L223), [`mapToPoint`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/pairing/bn254/point.go#L225-L276) |
# | `drand_edu.node.key_store.FileStore` | [`NewFileStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L90-L106), [`newKeyPair`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L90-L113) |
# | `identity.self_sign`, `valid_signature`; `migrate_signature`, `unsigned_identities` (deep dive) | [`SelfSign`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L72-L83), [`ValidSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L52-L59); [`SelfSignAll`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L223-L266), [`UnsignedIdentities`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L473-L484) |
# | exercises 3 and 5: naive and safe key aggregation | [`AggregatePublicKeys`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L114-L120), [`hashPointToR`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bdn/bdn.go#L33-L68) |
# | `use_backend("py_ecc")` | kyber-bls12381 has one backend; we switch at run time to read the code |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **6 min** · 1. Prime fields and the curve — Compute 3^-1 mod 53 on the board; move the toy-curve
#   explorer's sliders with p = 53, then p = 43 (not cyclic: ask why some G never reach some points).
# - **5 min** · 2. Two groups and a pairing — GT is written multiplicatively. The moment: e(2P, 3Q) == e(P,
#   Q)^6 — numbers move across the pairing, which is why BLS works.
# - **9 min** · 3. Keys and BLS signatures, step by step — `bls.keygen`, `bls.sign`, `bls.verify`, then a
#   wrong message. The question that always comes, "why not ECDSA?": BLS signatures aggregate and are unique,
#   which threshold signing needs.
# - **6 min** · 4. Hash to curve, and why the DST matters — The same message under another domain is another
#   point, and verification fails: a story about compatibility; ask what they would have done.
# - **3 min** · 5. The schemes side by side — Walk the table: which group holds the key, which the signature,
#   chained or not.
# - **3 min** · 6. Verifying real beacons, offline — Real mainnet and quicknet beacons verified with no
#   network.
# - **4 min** · 6b. The fifth scheme: BN254, for Ethereum (evmnet) — Why Ethereum needs another curve (its
#   precompiles); show the verification line.
# - **4 min** · 7. Backends: read one, run another — py_ecc to read, blst to run: the same bytes.
# - **2 min** · 8. The key store: a node's keys on disk — `ls -l` in a terminal next to the notebook: 0600
#   files; key rotation and backups.
# - **2 min** · Recap — The recap, and where the same things live in kyber.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Deep dive: a node's identity across drand versions — Questions. "Is it 128-bit?" and "what
#   about quantum computers?" are answered in section 1's box; a maintainer's question (old keys, group files
#   with old signatures, the default scheme) in the deep dive.
# - **24 min** · Exercises — Pairs: Exercise 2 (Implement: many signatures, one pairing check; point to
#   bilinearity, not the recipe) and Exercise 3 (Break: a rogue key against naive aggregation; ask why drand
#   is not exposed); Exercise 5 (Connect: kyber's bdn coefficients) for fast pairs; 1 and 4 at home. Short of
#   time: keep 3, send 2 home.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - Coordinates live mod a 381-bit prime $p$; the groups G1 (48 B), G2 (96 B) and GT have prime order $r$.
# - A pairing is bilinear: $e(aP, bQ) = e(P,Q)^{ab}$ — that is what lets anyone verify a BLS signature.
# - BLS: $\sigma = s \cdot H(m)$; verify $e(pk, H(m)) = e(g, \sigma)$ with one pairing check.
# - The DST separates uses of hash-to-curve; drand keeps a scheme with the wrong one for compatibility.
# - Keys live in a key folder (drand's file store) with `0600` secrets, never printed.
#
# Next: [Session 4 — Distributed key generation](04_dkg.ipynb), where nobody ever holds $s$.
