# %% [markdown]
# # Session 2 — What is a drand beacon?
#
# A drand beacon is a round number and a BLS signature: that is all, and it is enough to give everyone the
# same random value that nobody could predict or bias. This session takes a real beacon apart — JSON, bytes,
# curve point — rebuilds the message it signs, verifies it, and shows how t partial signatures become it.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 75 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. to read a beacon as JSON, as bytes and as a point on a curve;
# 2. to build the signed message of a **chained** and of an **unchained** beacon by hand;
# 3. why anyone can verify a beacon with only the chain's public key, and how the randomness is derived;
# 4. how t partial signatures aggregate into the beacon (Lagrange interpolation), and why t − 1 give nothing.

# %% [markdown]
# ## Setup

# %%
import hashlib
import json
from pathlib import Path

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.chain import Beacon, ChainInfo, verify_beacon
from drand_edu.crypto import bls
from drand_edu.errors import InvalidBeacon, NotEnoughShares

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. A beacon as JSON
#
# This is what `GET https://api.drand.sh/public/2634945` answered for the League of Entropy's **mainnet**
# chain, and what `GET /52db9ba7…/public/12040883` answered for **quicknet**. We stored them in `data/`.

# %%
mainnet = json.loads(Path("data/beacons-mainnet-default.json").read_text())
quicknet = json.loads(Path("data/beacons-quicknet.json").read_text())
print(json.dumps(mainnet["beacons"][0], indent=1))
print(json.dumps(quicknet["beacons"][0], indent=1))

# %% [markdown]
# Three fields matter: the **round**, the **signature**, and on mainnet the **previous_signature**.
# `randomness` is a convenience: it is derived from the signature (section 4), and a careful client
# recomputes it rather than trusting it.
#
# **In drand's code.** The Go type [`Beacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/beacon.go#L61-L69) has exactly those three
# fields (`PreviousSig`, `Round`, `Signature`) and no stored randomness: its method
# [`Randomness`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/beacon.go#L88-L91) recomputes it each time it is asked. Our
# `drand_edu.chain.Beacon` is the same frozen triple, and its property `Beacon.randomness` likewise recomputes.

# %% [markdown]
# ## 2. As bytes, and as a point
#
# The signature is a compressed point of an elliptic-curve group (session 3): 96 bytes on mainnet (a G2
# point), 48 bytes on quicknet (a G1 point). The top three bits of the first byte are flags of the encoding.
#
# drand decodes them with kyber-bls12381: [`UnmarshalBinary`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L124-L129) of a G1 point
# hands the 48 bytes to the `kilic/bls12-381` library's `FromCompressed`, which reads the flags, rebuilds
# $y$ from $x$ and refuses bytes that are not a point of the group. Ours is `G1.from_bytes` (flags parsed
# in `drand_edu.crypto.encoding`), called below through `scheme.sig_group`.

# %%
mainnet_info = ChainInfo.from_json(mainnet["info"])
quicknet_info = ChainInfo.from_json(quicknet["info"])
mainnet_beacon = Beacon.from_json(mainnet["beacons"][0])
quicknet_beacon = Beacon.from_json(quicknet["beacons"][0])

for info, beacon in ((mainnet_info, mainnet_beacon), (quicknet_info, quicknet_beacon)):
    point = info.scheme.sig_group.from_bytes(beacon.signature)  # decoded and checked: on the curve, in the group
    flags = beacon.signature[0] >> 5
    print(f"{info.beacon_id:8} {len(beacon.signature)} bytes, flags {flags:03b} (compressed, not ∞, sort bit)"
          f" → {point}")

# %% [markdown]
# ## 3. The message: chained and unchained
#
# A beacon is a signature **of a message**. Which message depends on the chain's scheme:
#
# - **chained** (mainnet, `pedersen-bls-chained`): $m_r = \mathrm{sha256}(\sigma_{r-1} \,\|\, r)$ — the previous
#   round's signature followed by the round number as 8 bytes, big-endian. Each beacon commits to the one
#   before it.
# - **unchained** (quicknet): $m_r = \mathrm{sha256}(r)$. Anyone can compute round $r$'s message years
#   in advance — which is exactly what timelock encryption (session 8) needs.
#   evmnet's `bls-bn254-unchained-on-g1`, the fifth scheme, is unchained too but hashes with Keccak-256 (Ethereum's hash; session 3).
#
# In drand each scheme carries its message function. The chained
# [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L108-L117) (in `NewPedersenBLSChained`), writes the previous
# signature into SHA-256 *only if it is not empty*, then the round as a big-endian `uint64`; the unchained
# [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L234-L239) (in `NewPedersenBLSUnchainedG1`, quicknet's scheme) writes the round alone.
# Our `Scheme.digest(round, previous_signature)` does both, with the same "only when non-empty" test.
#
# By hand, with nothing but `hashlib`:

# %%
r = mainnet_beacon.round
chained_message = hashlib.sha256(mainnet_beacon.previous_signature + r.to_bytes(8, "big")).digest()
print("chained, round", r, ":", chained_message.hex())
print("same as the scheme's :", chained_message == mainnet_info.scheme.digest(r, mainnet_beacon.previous_signature))

q = quicknet_beacon.round
unchained_message = hashlib.sha256(q.to_bytes(8, "big")).digest()
print("unchained, round", q, ":", unchained_message.hex())
print("same as the scheme's   :", unchained_message == quicknet_info.scheme.digest(q))

# %% [markdown]
# **Try it.** Compute the unchained message of round 12,040,884 — the next quicknet round. You now hold the
# exact bytes the network will sign three seconds after this one.

# %% [markdown] tags=["try-answer"]
# **Answer.** `hashlib.sha256((12_040_884).to_bytes(8, "big")).hexdigest()` (or
# `quicknet_info.scheme.digest(12_040_884)`) gives `33cf5810…a071b60d`, whoever computes it and whenever:
# quicknet's [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L234-L239)
# writes the round alone, so every future message is public today. What nobody has is the *signature* on
# it: that needs $t$ nodes' partials, which they only make when the round is due. Knowing the message is
# harmless — and it is what lets timelock encryption (session 8) encrypt to round 12,040,884 now.

# %% [markdown]
# **What is round 1's previous signature?** There is no round 0 signature, so drand stores a stand-in:
# [`GenesisBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L81-L87) is a "beacon" of round 0 whose `Signature` is the
# chain's **genesis seed**, put in the store when the chain starts. Round 1 of a chained chain therefore signs
# $\mathrm{sha256}(\text{seed} \,\|\, 1)$. The seed of a first DKG is the group's hash
# ([`asGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L240-L277) sets `GenesisSeed = group.Hash()` when it is
# empty), and [`Group.Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L105-L134)
# is not a hash of the group file's bytes: it is BLAKE2b over chosen fields — each node's hash (index and
# key) in index order, the threshold, the genesis time, the transition time when not 0, the distributed
# key's hash and, for a beacon id other than `default`, the id. It is the `groupHash` of the chain info.
# Our `DKGOutcome.to_group` does the same (`Group.hash`, session 4).

# %%
seed = mainnet_info.genesis_seed
print("mainnet genesis seed (groupHash):", seed.hex())
print("round 1 of mainnet signs         :", mainnet_info.scheme.digest(1, seed).hex())
print("= sha256(seed ‖ 1)               :", hashlib.sha256(seed + (1).to_bytes(8, "big")).hexdigest())

# %% [markdown]
# **Why did drand move from chained to unchained?** drand's own comments say it: chaining
# ([`NewPedersenBLSChained`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L91-L96)) stops anyone from knowing a future message
# before the previous signature exists, "however" it makes timelock encryption impossible, because to
# encrypt to round $r$ you must know the message of round $r$ today;
# [`NewPedersenBLSUnchained`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L134-L138) hashes the round only, "compatible with
# timelock encryption". Chaining added no security to the randomness — a signature is already unique and
# unpredictable without it — but it forced a verifier to hold the previous beacon. Unchained beacons verify
# alone, and messages are known in advance; quicknet (2023) is unchained, with signatures on G1.

# %% [markdown]
# **When is round $r$ due?** drand's [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L17-L38): round 1 at the genesis
# time, round $r$ at $\text{genesis} + (r - 1) \cdot \text{period}$. Its
# [`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L47) never answers less than 1: before genesis it says round 1,
# the round about to come. Ours: `ChainInfo.time_of_round` and `ChainInfo.round_at`. Run beside drand's own
# functions (`tests/test_ref_time.py`) they give the same numbers, `TimeOfRound`'s cap for huge rounds
# included; only a period of 0 or less (drand divides by it anyway, ours refuses it) and times beyond
# ±2**62 seconds (drand's int64 sums wrap around, ours do not) differ.

# %%
due = quicknet_info.time_of_round(q)
print(f"quicknet round {q} is due at {due}, {due - quicknet_info.genesis_time} s after genesis;"
      f" current round then: {quicknet_info.round_at(due)}")
print("an hour before genesis, the current round is", quicknet_info.round_at(quicknet_info.genesis_time - 3600))

# %% [markdown]
# **Slide along the chain.** The picture shows the rounds around mainnet's recorded beacon: on a chained
# chain each round's message needs the signature before it (the arrows), so a round whose predecessor does
# not exist yet has no known message; an unchained round's message is known for any round, past or future.
# Round 1's message is known too: its "previous signature" is the chain's genesis seed — drand's
# [`GenesisBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L81-L87)
# stores round 0 with the seed as its signature. With a kernel, move the slider under it: the text gives
# each round's due time and both messages.

# %%
from drand_edu.viz.rounds import plot_round_messages, round_explorer

plot_round_messages(mainnet_info, [mainnet_beacon], mainnet_beacon.round + 1)
plt.show()

# %%
round_explorer(mainnet_info, [mainnet_beacon], start=mainnet_beacon.round + 1)

# %% [markdown]
# ## 4. Why a beacon is verifiable, and where the randomness comes from
#
# The chain's **info** (its `/info` JSON) names the chain by a hash: drand's
# [`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L42-L64) is SHA-256 of the period (4 bytes), the genesis time (8 bytes),
# the public key, the genesis seed and — only for a beacon id other than `default` — the id; the scheme is
# not hashed. Our `ChainInfo.hash()` writes the same bytes. The JSON above is drand's v1 form, the
# protobuf `ChainInfoPacket`: its `hash` is there "for ease of use", and drand's
# [`InfoFromProto`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/convert.go#L15-L34) does not read it; only the v2 form's
# `chain_hash` is compared with the recomputed hash, in [`UnmarshalJSON`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L86-L138).
# Our `ChainInfo.from_json` reads the same fields and, on purpose, also refuses a v1 `hash` that does not match.
#
# The info carries one group public key. A beacon is valid when its
# signature verifies against that key for the round's message — an ordinary BLS check, which anyone can do
# offline. Then the randomness is $\mathrm{sha256}(\sigma_r)$: unpredictable because nobody can compute the
# signature before enough nodes sign, unbiasable because BLS signatures are **unique** (one valid signature
# per message and key: the signers have no choice to make).
#
# drand's check is [`VerifyBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L68-L71): the scheme's digest of the beacon, then
# kyber's `VerifyRecovered`, an ordinary BLS verification against the group key. Ours is
# `drand_edu.chain.verify_beacon(info, beacon)`.
#
# **Checked by drand's own code, and where ours refuses more.** The course's tests run drand's `UnmarshalJSON`,
# `Hash` and `VerifyBeacon` beside ours on generated inputs (`tests/test_ref_chain.py`,
# `tests/test_ref_schemes.py`): the same chain hashes and the same verdicts, except where ours refuses, on
# purpose, what drand lets through:
#
# - drand's `VerifyBeacon` accepts the point at infinity as signature when the key is the point at infinity
#   too: the pairing equation holds trivially, $e(\infty, H(m)) = 1 = e(g, \infty)$. Ours refuses the point at
#   infinity as a key or a signature.
# - drand verifies a beacon of round 0 if someone signed round 0's digest; for us round 0 is the genesis,
#   which has no signature to verify.
# - On a chained scheme drand's digest skips an empty previous signature, so a chained beacon without one
#   verifies if it signs $\mathrm{sha256}(\text{round})$, the unchained message; ours asks for the previous
#   signature.
# - Reading chain info JSON, drand takes a missing `period` as 0 and hashes a period above $2^{32} - 1$ cut to
#   32 bits (so 2**32 + 3 seconds names the same chain as 3); we refuse a period outside 1 to 2**32 - 1
#   seconds. Go matches JSON field names whatever their case (`PUBLIC_KEY` works); we match them exactly.
# - Writing chain info, drand writes the beacon id it holds, even an empty one for the default chain, and
#   its v1 writer leaves zero values out; ours writes `default` and every field.
# - drand has two readers: go-clients' HTTP client uses `InfoFromJSON`, which reads a v1 document without
#   `schemeID` (as drand served before schemes) with its `groupHash`; `UnmarshalJSON` then ignores
#   `groupHash` and gets another chain hash. Ours reads like `UnmarshalJSON`, so such a document's stated
#   `hash` does not match and ours refuses it.
#
# **Why hash the signature at all?** A signature is a point: its 48 or 96 bytes are not uniformly random
# bits. Only about half of all $x$ are coordinates of a point at all, the first byte carries fixed flags, and
# $x < p$ leaves the top bits skewed. A random *point* is still unpredictable, so hashing it gives 32 bytes
# that are uniform. That is the reason written above drand's
# [`RandomnessFromSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L337-L344), which is `sha256(sig)`. Ours, beside it:

# %%
import inspect

from drand_edu.chain.beacon import randomness_from_signature

print(inspect.getsource(randomness_from_signature))
for beacon in (mainnet_beacon, quicknet_beacon):
    print(f"signature's first byte {beacon.signature[0]:08b} (top bit always 1: the compression flag);"
          f" randomness' first byte {beacon.randomness[0]:08b}")

# %%
for info, beacon in ((mainnet_info, mainnet_beacon), (quicknet_info, quicknet_beacon)):
    verify_beacon(info, beacon)  # raises InvalidBeacon otherwise
    derived = hashlib.sha256(beacon.signature).hexdigest()
    print(f"{info.beacon_id:8} verified; randomness = sha256(signature) = {derived[:24]}…"
          f" matches the JSON: {derived == beacon.to_json()['randomness']}")

# %% [markdown]
# A forged beacon — here, the real signature presented as the next round — fails:

# %%
with drand_edu.expect_error(InvalidBeacon):
    verify_beacon(quicknet_info, Beacon(round=quicknet_beacon.round + 1, signature=quicknet_beacon.signature))

# %% [markdown]
# **Try it.** Check the mainnet beacon against the *quicknet* chain: `verify_beacon(quicknet_info,
# mainnet_beacon)`. Which check refuses it — the pairing, or something before it?

# %% [markdown] tags=["try-answer"]
# **Answer.** Something before it: `InvalidBeacon: … signature has 96 bytes, bls-unchained-g1-rfc9380
# signatures have 48`. Mainnet signs on G2 (96-byte points), quicknet on G1 (48 bytes), so the bytes are
# not even a point of quicknet's signature group and no pairing is computed. drand fails at the same
# place: `VerifyBeacon` hands the bytes to kyber-bls12381's G1
# [`UnmarshalBinary`](https://github.com/drand/kyber-bls12381/blob/1c8b2e8b3e9c1a5e0c2953700b0fa720badc6fdf/kyber_g1.go#L124-L129),
# whose `FromCompressed` refuses any input that is not 48 bytes long. A signature is only ever valid for
# one scheme, one key and one message.

# %% [markdown]
# ### The real League of Entropy, right now
#
# Everything above checked beacons recorded from drand's tests. The cell below asks the League of
# Entropy's public relays for the **latest** beacon of mainnet, quicknet and evmnet, each with its chain
# hash pinned, and verifies it exactly as above (`drand_edu.client.league.latest_all`). Offline, or with
# `DRAND_EDU_OFFLINE=1` as in the course's tests, it says so and verifies the recorded real beacons instead.

# %%
# NBVAL_IGNORE_OUTPUT
# Online this shows the current rounds, which change every few seconds; offline, the recorded ones.
from drand_edu.client import league

for result in league.latest_all(budget=3.0):
    print(result.summary())

# %% [markdown]
# ## 5. From t partial signatures to one beacon
#
# No node holds the group's secret key $s$. After the distributed key generation (session 4) node $i$ holds
# a **share** $s_i = f(i+1)$ of a secret polynomial $f$ of degree $t-1$ with $f(0) = s$. Each round:
#
# 1. every node signs the round's message with its share: a **partial signature** $\sigma_i = s_i \cdot H(m)$;
# 2. anyone holding $t$ partials interpolates **in the exponent**: $\sigma = \sum_j \lambda_j \sigma_j =
#    f(0) \cdot H(m)$, where $\lambda_j$ are Lagrange's weights for the point $x = 0$.
#
# In kyber, step 1 is tbls [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L72-L87): the share's index as a 2-byte
# big-endian number, then the plain BLS signature with the share's scalar — our `sign_partial`. Step 2 is
# tbls `Recover` (below), whose arithmetic is
# [`RecoverCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L446-L475), Lagrange interpolation at 0 with points instead of
# numbers (note $x_i = i + 1$: index 0 holds $f(1)$) — our `drand_edu.threshold.recover_commit`.
#
# The picture: any $t$ shares determine the polynomial, hence its value at 0. Under each share its tick
# names the node that holds it (node $i$ at $x = i + 1$); the two dashed curves use the shares of nodes
# 0, 1, 2 and of nodes 1, 3, 4 — the two sets of partials the next cell recovers from.

# %%
from drand_edu.viz.beacons import plot_fewer_than_t, plot_lagrange

plot_lagrange(coefficients=(7, -3, 1), n=5, nodes=((0, 1, 2), (1, 3, 4)))
plt.show()

# %% [markdown]
# Now for real: a group of 5 nodes with threshold 3 (a dealer makes the shares here, to keep the focus on
# signing; session 4 removes the dealer). Three nodes sign round 1000 of an unchained chain; we recover
# the beacon and check it against the **group** key, as any client would.

# %%
from drand_edu.crypto import scheme_by_id
from drand_edu.threshold import PriPoly, recover_signature, sign_partial

scheme = scheme_by_id("bls-unchained-g1-rfc9380")
n, t = 5, 3
polynomial = PriPoly.random(t, rng=rng)
public_polynomial = polynomial.commit(scheme.key_group)  # the commitments; its constant term is the group key
group_info = ChainInfo(
    public_key=public_polynomial.commit().to_bytes(),
    period=3,
    genesis_time=1_700_000_000,
    genesis_seed=b"\x00" * 32,
    scheme=scheme,
    beacon_id="session2",
)

message = scheme.digest(1000)
partials = {i: sign_partial(scheme, polynomial.eval(i), message) for i in range(n)}
print("partial of node 0:", partials[0][:2].hex(), "‖", partials[0][2:].hex()[:24] + "…  (2-byte index, then a point)")

signature = recover_signature(scheme, public_polynomial, message, [partials[4], partials[1], partials[3]], t)
beacon_1000 = Beacon(round=1000, signature=signature)
verify_beacon(group_info, beacon_1000)
print("recovered from nodes 1, 3, 4 → a valid beacon of the group key")
other = recover_signature(scheme, public_polynomial, message, [partials[0], partials[2], partials[1]], t)
print("from nodes 0, 1, 2 → the same bytes:", other == signature)

# %% [markdown]
# **How kyber's `Recover` picks the partials, and where we differ.** kyber's tbls
# [`Recover`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150) walks the list in order and can skip a partial
# (`continue`) at three calls: `sh.Index()` (fewer than 2 bytes: no index), `s.Scheme.Verify` against the
# signer's public share `public.Eval(i)` — kyber's BLS
# [`Verify`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/bls/bls.go#L86-L100) decodes the point before its
# pairing, so bytes that are no point of the group are skipped *here* — and `point.UnmarshalBinary`, which
# decodes the same bytes again and so skips nothing `Verify` let through. It stops as soon as it has $t$.
# It does not skip a repeated index: two copies of node 4's partial both count towards $t$, and then
# `RecoverCommit` keeps one point per index, finds fewer than $t$ and fails ("not enough good public
# shares"). Nor does it check the index against $n$. Our `recover_signature` skips the same partials,
# but on purpose skips a repeat before it counts, and with `n=` given skips indices $\ge n$; so a
# duplicate handed to it cannot make a recovery fail:

# %%
with_repeat = [partials[4], partials[4], partials[1], partials[3]]
print("node 4 twice, then 1 and 3 → same beacon:",
      recover_signature(scheme, public_polynomial, message, with_repeat, t) == signature)
forged = partials[2][:2] + partials[0][2:]  # node 0's point under node 2's index
print("a partial that fails verification is skipped:",
      recover_signature(scheme, public_polynomial, message, [forged, partials[0], partials[1], partials[3]], t)
      == signature)

# %% [markdown]
# **In a drand node, duplicates and strangers never reach `Recover`.** A partial arrives over gRPC at
# [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238),
# which checks in this order: the round (not beyond the next one, not already stored), the index
# (`IndexOf`), that the index names a node of the group file (`Group.Node`, lines 174–182) and is not the
# node's own — both *before* any pairing — and only then `VerifyPartial`. The aggregator's round cache
# ([`roundCache.append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L150-L162))
# then keeps the **first** partial of each index and drops a second one, so `Recover` is only called with
# distinct indices of the group. Our `BeaconProcess` does the same checks in the same order
# (`tests/test_partial_pipeline.py`); the deep dive after the exercises walks through every line.

# %% [markdown]
# **Try it.** Call `recover_signature(scheme, public_polynomial, message, [partials[4], partials[4],
# partials[1]], t)`: three partials for $t = 3$. Predict the outcome before you run it.

# %% [markdown] tags=["try-answer"]
# **Answer.** It raises `NotEnoughShares` ("need 3 valid partial signatures, got 2"): the second copy of
# node 4's partial is skipped, so only two distinct indices remain, and two points of a degree-2
# polynomial fix nothing (section 6). kyber's `Recover` fails too, one step later: it counts the copy
# towards $t$ and `RecoverCommit`, which keeps one point per index, finds two and gives up. In a drand
# node the copy never gets that far: the round cache kept node 4's first partial and dropped the second,
# so the aggregator is still waiting for a third node
# ([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301),
# lines 242–246, waits while the round cache holds fewer partials than the threshold).

# %% [markdown]
# **Can the last signer withhold its partial, and bias the output?** Suppose $t - 1$ partials of round $r$
# are out and one node holds the $t$-th. It can compute the beacon before anyone else, and it can refuse to
# send. But it cannot *choose*: the round's signature is $s \cdot H(m_r)$, one value fixed by the group key
# and the round, whoever sends the $t$-th partial. Withholding only delays the round until any other node's
# partial arrives (the $n - t$ spare nodes), and drand never skips a round: round $r$ is the same value
# whenever it comes out. An attacker holding $n - t + 1$ nodes can stop the chain, but still not steer it;
# to *change* a value you would need a second valid signature for the same message — BLS has none.

# %% [markdown]
# > **Asked in the room: who sees a beacon first — and can they front-run it?** The group's own nodes.
# > Each node sends its partial only to the other members, over drand's private gRPC API
# > ([`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L468-L546)
# > loops over the group's nodes), and each node's aggregator recovers the signature the moment its
# > round cache holds $t$ partials
# > ([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301)):
# > the fastest-served node knows round $r$'s value first, and so does anyone a member hands $t$
# > partials to — recovery is a local computation, no key needed. A node's public API serves the beacon
# > only once it is stored: [`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L45-L121)
# > answers from the store, and a request for the next round waits for the store's callback. Relays ask
# > nodes, clients ask relays: they learn it milliseconds to a second or more later. So an insider *can*
# > know the value before you; it cannot change it (above). For an application that means: **commit
# > before the round** — fix and publish every input (tickets, players, the rule) *and* the round number
# > $r$ that will decide, before $r$ is due (`time_of_round(r)`) — and **never use a round already
# > emitted** (such as "the latest beacon" at the moment you decide), which someone may have seen before
# > you committed.

# %% [markdown]
# ## 6. What fewer than t partials give you: nothing
#
# With $t - 1$ shares, *every* possible secret is still consistent: for any candidate $f(0)$ there is
# exactly one polynomial of degree $t-1$ through it and the known shares. The picture, with the shares of
# nodes 1 and 3 ($x = 2$ and $4$) of a threshold-3 polynomial:

# %%
plot_fewer_than_t(coefficients=(7, -3, 1), known=(1, 3))
plt.show()

# %% [markdown]
# In code, asking for a beacon with two partials when three are needed is an error, not a weak answer:

# %%
with drand_edu.expect_error(NotEnoughShares):
    recover_signature(scheme, public_polynomial, message, [partials[0], partials[1]], t)

# %% [markdown]
# **Try it.** Lie about the threshold: `recover_signature(scheme, public_polynomial, message, [partials[0],
# partials[1]], 2)`. Do you get an error, the beacon, or something else? Check the result with
# `verify_beacon(group_info, Beacon(1000, ...))`.

# %% [markdown] tags=["try-answer"]
# **Answer.** Something else, and silently: both partials verify under the public polynomial, so the
# recovery runs and returns a point — what the *line* through those two shares gives at $x = 0$ (in the
# exponent), not the degree-2 polynomial's value. It is not the group's signature, and `verify_beacon` refuses it (`InvalidBeacon:
# round 1000: invalid signature`). The threshold belongs to the group, not to the caller: drand's
# aggregator reads it from the group file (`c.crypto.GetGroup().Threshold`) and, after kyber's `Recover`,
# still checks the result with `VerifyRecovered` against the group key
# ([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301),
# lines 214–264) — which is what catches a wrong threshold or a wrong polynomial (the deep dive shows one).

# %% [markdown]
# ## Exercises
#
# Each exercise has a task cell (write your answer there), a check cell, and hints in steps: stuck? call
# `drand_edu.exercises.hint("<name>")` (each call gives one more step; the name is given in the task).
#
# **One rule for types, in every session:** return what the task names — bytes as `bytes` (hex text is
# refused), a point as a `Point` (not its encoding), a number as a number (not its text).

# %% [markdown]
# ### Exercise 1 (Explore) — which round is this beacon?
#
# A relay forwards you a beacon's signature (and, on a chained chain, its previous signature) but **not its
# round number**. You know when it reached you, `seen_at` (unix seconds), and that relays forward a beacon
# at most 5 periods after its round was due. Write `my_round(info, signature, previous_signature, seen_at)`
# returning the round the beacon belongs to, or `None` when no round of that window is right (a forgery, or
# an old beacon replayed as new). Nothing in this notebook computes it for you: find out by experiment.
# Start with the recorded mainnet beacon, seen 70 s (2⅓ periods) after its round — is the round current
# at `seen_at` the answer? The check uses fresh keys on three schemes, relays on time and late, and
# beacons that must be refused. Stuck? `drand_edu.exercises.hint("round_of")`.

# %%
from drand_edu.chain import is_valid_beacon

seen_at = mainnet_info.time_of_round(mainnet_beacon.round) + 70
print("current round at seen_at:", mainnet_info.round_at(seen_at), "— the beacon's own round is for you to find")


def my_round(info, signature, previous_signature, seen_at):
    ...  # your code


# %%
drand_edu.exercises.check_round_of(my_round)


# %% tags=["solution"]
def my_round(info, signature, previous_signature, seen_at):
    now = info.round_at(seen_at)
    for candidate in range(now, max(0, now - 6), -1):  # the rounds due in the last 5 periods
        late_enough = info.time_of_round(candidate) >= seen_at - 5 * info.period
        if late_enough and is_valid_beacon(info, Beacon(candidate, signature, previous_signature)):
            return candidate  # the signed message binds the round: only one candidate verifies
    return None


print("the recorded beacon is round", my_round(mainnet_info, mainnet_beacon.signature,
                                             mainnet_beacon.previous_signature, seen_at))  # fmt: skip
drand_edu.exercises.check_round_of(my_round)


# %% [markdown]
# ### Exercise 2 (Implement) — Lagrange weights at zero
#
# Write `my_lagrange(xs, modulus)` returning the list of $\lambda_j = \prod_{m \ne j} \frac{x_m}{x_m - x_j}
# \bmod$ `modulus`, one per `x`, in the order of `xs`, so that $f(0) = \sum_j \lambda_j f(x_j)$ for every
# polynomial $f$ of degree below `len(xs)`. The check tries 1 to 7 points, unsorted, mod small primes and
# mod the curve order. Stuck? `drand_edu.exercises.hint("lagrange")`.

# %%
def my_lagrange(xs, modulus):
    ...  # your code


# %%
drand_edu.exercises.check_lagrange_at_zero(my_lagrange)


# %% tags=["solution"]
def my_lagrange(xs, modulus):
    weights = []
    for j, xj in enumerate(xs):
        numerator, denominator = 1, 1
        for m, xm in enumerate(xs):
            if m != j:
                numerator = numerator * xm % modulus
                denominator = denominator * (xm - xj) % modulus
        weights.append(numerator * pow(denominator, -1, modulus) % modulus)
    return weights


drand_edu.exercises.check_lagrange_at_zero(my_lagrange)


# %% [markdown]
# ### Exercise 3 (Implement) — recover the beacon yourself
#
# Write `my_recover(scheme, partials, threshold)` where `partials` is a list of `(index, point)` pairs — at
# least `threshold` of them, in any order; node `index` holds the share at $x = $ `index + 1`. Return the
# group's signature as a point. Use your `my_lagrange` with `drand_edu.crypto.constants.CURVE_ORDER` (the
# library's `recover_signature` takes bytes and verifies: here you do the interpolation yourself).
# Stuck? `drand_edu.exercises.hint("recover")`.

# %%
from drand_edu.crypto.constants import CURVE_ORDER


def my_recover(scheme, partials, threshold):
    ...  # your code


# %%
drand_edu.exercises.check_recover_signature(my_recover)


# %% tags=["solution"]
def my_recover(scheme, partials, threshold):
    chosen = partials[:threshold]
    weights = my_lagrange([index + 1 for index, _ in chosen], CURVE_ORDER)
    return scheme.sig_group.msm([point for _, point in chosen], weights)


drand_edu.exercises.check_recover_signature(my_recover)


# %% [markdown]
# ### Exercise 4 (Break) — steer a combiner that does not verify
#
# Your `my_recover` trusts every partial it is given. Suppose $t - 1$ honest partials of a round are out and
# you control one more node, number `index`. Write `my_steer(scheme, honest, index, target)` returning the
# point your node sends so that interpolating `honest` (a list of $t - 1$ `(index, point)` pairs) together
# with `(index, your_point)` — exactly as `my_recover` does, $x = $ `index + 1` — gives **`target`**, any
# point of the signature group the check picks (a random one, and the identity), not the round's real
# signature. That is what counts as a break; sending the target itself or an honest partial does not land
# there. Stuck? `drand_edu.exercises.hint("steer")`.

# %%
def my_steer(scheme, honest, index, target):
    ...  # your code


# %%
drand_edu.exercises.check_steer_interpolation(my_steer)


# %% tags=["solution"]
def my_steer(scheme, honest, index, target):
    weights = my_lagrange([i + 1 for i, _ in honest] + [index + 1], CURVE_ORDER)
    honest_part = scheme.sig_group.msm([point for _, point in honest], weights[:-1])
    return (target - honest_part) * pow(weights[-1], -1, CURVE_ORDER)  # solve for the last term


# Any target is reachable: t - 1 partials fix nothing about the result (section 6, in the exponent).
drand_edu.exercises.check_steer_interpolation(my_steer)


# %% [markdown]
# ### Exercise 5 (Connect) — what kyber's `Recover` does about it
#
# drand nodes combine partials with kyber's tbls
# [`Recover`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150).
# Read it and answer, as strings: `recover_error` — the error message it returns when fewer than `t`
# partials survive its loop; `verify_call` — three calls in that loop can `continue` past a partial
# (`sh.Index()`, a verification, `point.UnmarshalBinary`): name the one that skips a point like yours
# from Exercise 4, which has a good index and decodes fine (the reason it never reaches the interpolation).
# Stuck? `drand_edu.exercises.hint("kyber_recover")`.

# %%
recover_error = ...  # your answers
verify_call = ...

# %%
drand_edu.exercises.check_kyber_recover(recover_error, verify_call)

# %% tags=["solution"]
recover_error = "not enough valid partial signatures"  # errors.New(...) right after the loop
verify_call = "s.Scheme.Verify"  # against public.Eval(i).V; it decodes first: bad points stop here too
drand_edu.exercises.check_kyber_recover(recover_error, verify_call)

# %% [markdown]
# ## Deep dive: a partial's way from the wire to the chain
#
# *Beyond the 45-minute core: for the question time, or at home.* Section 5 recovered a beacon from a list
# of partials. A drand node gets them one by one from the network, and three pieces of
# `internal/chain/beacon` decide which ones count: `ProcessPartialBeacon` (the gRPC handler), the round
# cache, and the aggregator loop `runAggregator`, which calls kyber's `Recover` and then
# `VerifyRecovered`. Each below: the lines, what they do, and ours beside them, run.

# %% [markdown]
# ### `ProcessPartialBeacon`: the cheap checks first
#
# [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238) checks, in this order:
#
# - [`NextRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L137-L148) (lines 137–148): a partial for a round after the next one is
#   refused — one round of clock drift is allowed (before genesis the next round is 1);
# - [`Last`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L150-L156) (150–156): a round already stored is ignored, without error;
# - [`IndexOf`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L158-L172) (158–172): the length must be a point's plus 2 bytes, then the index;
# - [`Node`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L174-L182) (174–182): the index must name a node of the group file;
# - [`DigestBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L184-L194) (184–194): the round's message; a partial carrying the index
#   of the node's own address is refused;
# - [`VerifyPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L196-L213) (196–213): the one pairing check, against `public.Eval(idx)`;
# - [`NewValidPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L224-L237) (224–237): its own index is dropped, the rest go to the
#   aggregator.
#
# Everything before the pairing is a lookup or a length: a stranger's index or a malformed packet costs a
# node no pairing. Ours is `BeaconProcess._on_partial`, the same steps in the same order:

# %%
from dataclasses import replace

from drand_edu.net.messages import PartialBeaconPacket
from drand_edu.net.sim import Simulator
from drand_edu.node.beacon_process import BeaconProcess
from drand_edu.node.vault import Vault
from drand_edu.node.verifier import PartialVerifier
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore
from drand_edu.threshold.dkg import run_dkg
from drand_edu.threshold.poly import recover_pri_poly
from drand_edu.threshold.tbls import is_valid_partial


class CountingVerifier(PartialVerifier):
    """drand's checks, counting the partials that reach a pairing."""

    pairings = 0

    def partial_ok(self, *args):
        self.pairings += 1
        return super().partial_ok(*args)


dkg = run_dkg(4, 3, scheme, rng=seeded_rng("session 2, deep dive"))  # 4 nodes, threshold 3
group4 = dkg.to_group(3, 1_700_000_000)
f = recover_pri_poly([dkg.share(i) for i in range(3)], 3)  # a simulation may hold the whole polynomial
checks = CountingVerifier()
node0 = BeaconProcess(Vault(group4, dkg.share(0)), MemoryStore(), Simulator(4, start=1_700_000_001),
                      verifier=checks, peers=[0, 1, 2, 3])  # fmt: skip
over = node0.store.last().signature  # what round 1 is signed over (the genesis beacon's "signature")


def partial_of(index, round_number=1):
    """Node ``index``'s partial of ``round_number`` (unchained: the digest is the round's alone)."""
    signed = sign_partial(scheme, f.eval(index), scheme.digest(round_number))
    return PartialBeaconPacket(round_number, over, signed)


node0.tick()  # round 1 is due: node 0 signs and caches its own partial
cut = partial_of(1)
swapped = replace(cut, partial_sig=partial_of(2).partial_sig[:2] + cut.partial_sig[2:])
for what, packet in [
    ("node 1, round 3 (the next round is 2)", partial_of(1, 3)),
    ("index 6: valid under the polynomial, no such node", partial_of(6)),
    ("node 1's partial, one byte short", replace(cut, partial_sig=cut.partial_sig[:-1])),
    ("index 0: node 0's own", partial_of(0)),
    ("node 2's index with node 1's point", swapped),
    ("node 1's partial", partial_of(1)),
    ("node 1's partial again", partial_of(1)),
    ("node 3's partial", partial_of(3)),
]:
    before = checks.pairings
    node0.receive(1, packet)
    print(f"{what:50} pairing: {'yes' if checks.pairings > before else 'no '}  cached for round 1:"
          f" {sorted(node0.partials.get(1, {}))}  stored up to round {node0.head()}")

# %% [markdown]
# Five packets were turned away, only one of them (the forged point) after a pairing. Node 1's second copy
# was verified but not kept — that is the round cache's doing, next. With node 3's partial the cache
# held three distinct indices, the aggregator recovered round 1 and stored it, and flushed the cache.

# %% [markdown]
# ### The round cache: one partial per index and round
#
# drand's aggregator keeps partials in a
# [`partialCache`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L13-L32), keyed by
# [`roundID`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L34-L39) — the round *and* the previous signature, so partials over two
# different histories never mix. [`Append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L41-L58) finds or makes the round's cache; in
# [`getCache`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L92-L122) a signer that already has partials in `MaxPartialsPerNode` = 100
# rounds loses its oldest (a flood from one index cannot fill the memory);
# [`append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L150-L162) keeps the **first** partial of an index and drops any later one; and
# [`FlushRounds`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L60-L85) forgets every round up to a stored one. Ours is
# `drand_edu.node.partial_cache.PartialCache`, with the same rules (its `per_node` is 100 by default; 2
# here, to see an eviction):

# %%
from drand_edu.node.partial_cache import PartialCache

cache = PartialCache(per_node=2)
for round_number in (5, 6):
    cache.append(round_number, over, partial_of(1, round_number).partial_sig)
cache.append(5, over, partial_of(1, 5).partial_sig)  # node 1 again for round 5: dropped
print("rounds cached:", sorted(r for r, _ in cache.rounds), "| partials of round 5:", len(cache.rounds[(5, over)]))
cache.append(7, over, partial_of(1, 7).partial_sig)  # node 1's third round: its oldest (5) goes
print("after node 1's round 7:", sorted(r for r, _ in cache.rounds))
cache.flush(6)
print("after storing round 6:", sorted(r for r, _ in cache.rounds))

# %% [markdown]
# ### `runAggregator`: `Recover`, then `VerifyRecovered`
#
# [`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301) takes each partial that passed `ProcessPartialBeacon`:
#
# - [`partialCacheStoreLimit`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L193-L208) (lines 193–208): only rounds after the last
#   stored one and at most 1 + 3 ahead of it are cached;
# - [`Append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L225-L246) (225–246): into the round cache; fewer than the threshold
#   distinct indices — wait for more;
# - [`Recover`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L248-L257) (248–257): kyber's tbls
#   [`Recover`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150) over the round cache's partials, which **verifies each one again** and
#   interpolates;
# - [`VerifyRecovered`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L258-L264) (258–264): an ordinary BLS check of the result
#   against the group key, `GetPub().Commit()` (kyber's [`VerifyRecovered`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L109-L111));
# - [`FlushRounds`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L266-L282) (266–282): the cache forgets the round, and `tryAppend`
#   stores it if it is the next one; a beacon further ahead means the others are ahead:
#   [`shouldSync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L292-L297) starts a sync.
#
# Ours is `BeaconProcess._new_valid_partial` (window, cache, threshold), `_recover` and `_is_valid`
# (`verify_beacon`: the digest, then the same BLS check), `_try_append`. One difference in work, not in
# outcome: our `_recover` does not verify each partial a second time (it passes `verify=False`), since
# `_on_partial` verified them on arrival.
#
# Why check the recovered signature when every partial was checked? Because the partials were checked
# against the *public polynomial*, and the beacon must verify under the *chain's key*. If the two ever
# disagreed — a wrong group loaded, a botched resharing — every partial would pass and the beacon would
# still be wrong. Partials made and checked under another polynomial show it:

# %%
from drand_edu.chain import is_valid_beacon

stray = PriPoly.random(t, rng=seeded_rng("another polynomial"))
stray_public = stray.commit(scheme.key_group)
stray_partials = [sign_partial(scheme, stray.eval(i), message) for i in range(t)]
print("each partial verifies under its own polynomial:",
      all(is_valid_partial(scheme, stray_public, message, p) for p in stray_partials))
recovered = recover_signature(scheme, stray_public, message, stray_partials, t)  # Recover: no complaint
print("VerifyRecovered under the chain's key:", is_valid_beacon(group_info, Beacon(1000, recovered)))

# %% [markdown]
# ## In drand's source
#
# A summary of the links above (drand at `f45e7e0`, kyber at `d3ad80c`):
#
# | here | drand / kyber |
# |---|---|
# | `Beacon`, `Beacon.randomness` | [`Beacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/beacon.go#L61-L69), [`RandomnessFromSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L337-L344) |
# | `Scheme.digest` | [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L108-L117) (chained), [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L234-L239) (unchained) |
# | round 1's previous signature | [`GenesisBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L81-L87) |
# | `ChainInfo.time_of_round`, `round_at` | [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L17-L38), [`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L47) |
# | `verify_beacon` | [`VerifyBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L68-L71) |
# | `ChainInfo`, `ChainInfo.hash` | [`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L42-L64), [`InfoFromProto`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/convert.go#L15-L34) |
# | `sign_partial`, `recover_signature` | [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L72-L87), [`Recover`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/tbls/tbls.go#L113-L150) |
# | Lagrange in the exponent | [`RecoverCommit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L446-L475) |
# | `BeaconProcess._on_partial` | [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238) |
# | `PartialCache` | [`partialCache`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L13-L32), [`roundCache.append`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/cache.go#L150-L162) |
# | `BeaconProcess._new_valid_partial` | [`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301) |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **4 min** · 1. A beacon as JSON — Open https://api.drand.sh/public/latest in a browser (if online) next to
#   the recorded beacons; print one as JSON.
# - **5 min** · 2. As bytes, and as a point — Point at the first byte of each signature; ask why 48 vs 96
#   bytes.
# - **8 min** · 3. The message: chained and unchained — Type the chained message by hand:
#   `sha256(previous_signature + round.to_bytes(8, "big"))`. The "Try it" about the next quicknet round leads
#   into tlock (session 8).
# - **9 min** · 4. Why a beacon is verifiable, and where the randomness comes from — `verify_beacon` on both
#   chains, then the same signature with round + 1: refused. Stress the uniqueness of BLS signatures: nothing
#   to grind.
# - **12 min** · 5. From t partial signatures to one beacon — Draw the parabola on the board; `plot_lagrange`
#   with two subsets, then `recover_signature` from two sets of partials. The moment: the same bytes from
#   nodes 0, 1, 2. The last signer can only withhold, never steer.
# - **4 min** · 6. What fewer than t partials give you: nothing — The fan of polynomials: t - 1 points fit
#   every secret.
# - **2 min** · Recap — The recap, and where the same things live in drand's and kyber's source.
#
# **Questions and pairs, 30 minutes:**
#
# - **8 min** · Exercises — Questions.
# - **22 min** · Exercises — Pairs: Exercise 1 (Explore: which round is this beacon? found by verifying
#   candidates) as a warm-up, then Exercise 3 (Implement: recover the beacon, with Exercise 2's Lagrange
#   weights; run Exercise 2's solution if short of time); Exercise 4 (Break: steer a combiner that does not
#   verify) for pairs that finish early; Exercises 2 and 5 (Connect: kyber's `Recover`) as homework.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - A beacon = round + BLS signature (+ previous signature on chained chains); randomness = sha256(signature).
# - Chained chains sign sha256(previous signature ‖ round); unchained ones sign sha256(round).
# - Anyone verifies a beacon with the chain's single public key — no trust in the server that sent it.
# - Any t partial signatures interpolate (in the exponent) to the same beacon; t − 1 reveal nothing.
# - A node refuses a partial from outside its group before any pairing, keeps one partial per index and
#   round, and checks the recovered beacon against the chain's key; the group's nodes see a beacon first,
#   so commit to a round before it is due.
#
# Next: [Session 3 — Cryptographic primitives](03_crypto_primitives.ipynb): what those points and pairings are.
