# %% [markdown]
# # Session 8 — Client libraries and timelock encryption
#
# A drand client turns "some JSON from a URL" into randomness you can *prove* is right — if it pins the
# chain and verifies every beacon, which drand's own clients do only in some configurations. Ours always
# does, and fails over between endpoints. Then we use the beacons as keys from
# the future: **tlock** encrypts a message that nobody — not even the sender — can open before a given round.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 75 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. the client's workflow — **info → pin → get → verify → watch** — and why pinning the chain hash matters;
#    what go-clients and drand-client (JS) really check, and where ours is stricter;
# 2. how a client survives a dead endpoint (failover) and picks the fastest one;
# 3. how to draw a lottery fairly from a beacon (no modulo bias, domain separation, auditable by anyone);
# 4. timelock encryption step by step: what the ciphertext's **U, V, W** are and why a round's signature
#    is the key that opens them;
# 5. that our files and the JavaScript `tlock-js` library's files are the same bytes.

# %% [markdown]
# ## Setup

# %%
import dataclasses
import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.errors import ChainMismatch, InvalidBeacon, InvalidCiphertext, TimelockError, TooEarly

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. The client's workflow
#
# A client starts from one or more base URLs and, ideally, from two values it already trusts:
# the **chain hash** (which chain) and the **public key** (who signs it). Then:
#
# 1. **info** — `GET /{chainhash}/info`: period, genesis time, scheme, public key. The client recomputes the
#    chain hash from these fields and refuses an endpoint whose info does not hash to the pinned value.
# 2. **get** — `GET /{chainhash}/public/{round}`: a beacon.
# 3. **verify** — the pairing check with the pinned public key (and, on chained schemes, the link to the
#    previous signature); the randomness must equal `sha256(signature)`.
# 4. **watch** — yield the current round, then sleep until each next round's time, fetch it, verify, yield.
#
# An endpoint is then just a *cache*: it cannot lie to you, only stay silent. That is why drand's public
# endpoints can sit behind CDNs.

# %% [markdown]
# ### What drand's Go clients check
#
# That is *our* client, `drand_edu.client.Client`. drand's clients do less, and it matters which one you build:
#
# - **go-clients, plain HTTP client.** [`New`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L47-L78) in `client/http`
#   fetches the info; given a hash, its [`FetchChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L227-L294) recomputes
#   the info's hash and compares (step 1, like ours); given none, it reads `/info` and takes the default
#   chain. But its [`Get`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L301-L358) does **not** verify: it checks that a
#   signature is present and derives the randomness from it. Step 3 is missing.
# - **go-clients, `client.New(client.From(c), client.WithChainHash(hash))`.** This one verifies: every source
#   is wrapped by [`newVerifyingClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L98-L112), and `New` refuses to start without
#   a root of trust (`WithChainHash` or `WithChainInfo`) unless you say `Insecurely()`. But `WithChainHash`
#   **alone recomputes nothing**: [`makeClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L60-L126) takes the chain info of the
#   first source that answers ([`tryPopulateInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L204-L217)) and never compares its
#   hash with yours. The hash is checked only where the source itself was built with it
#   (`http.New(ctx, l, url, hash, …)` above): pass it there too, or pin the whole info with `WithChainInfo`.

# %% [markdown]
# ### go-clients' command line: a root of trust, or `--insecure`
#
# `drand-client get public|chain-info`: [`appCommands`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L27-L51)
# gives `get` the flags `--url`, `--insecure`, `--hash-list`, `--json` and `--verbose`. Without `--insecure`
# it refuses — "no root of trust specified", from `makeClient` — so there is no silent trust-on-first-use;
# with it, it verifies beacons against whatever `/info` serves, provided that is the *default* beacon's
# chain ([`FetchChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L227-L294)
# refuses another beacon id without a chain hash; ours too). And it cannot pin a chain:
# [`Create`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/lib/cli.go#L119-L207) never reads `--hash-list`, and the `--hash` it reads is not
# a flag of `get`.
#
# Our `drand-edu client get public` refuses the same way without a pin or `--insecure`, and pins with
# `--hash` or `--hash-list` (drand's `get` ignores it). Our `client get chain-info` prints the info without
# a pin (drand's wants `--insecure` there too): that is how you learn the hash to pin.
# `tests/test_client_cli_vs_go.py` runs the real `drand-client` beside ours.

# %% [markdown]
# ### What drand-client (JS) checks
#
# It verifies a beacon only in [`fetchBeacon`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L70-L81),
# `fetchBeaconByTime` and [`watch`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L91-L107), through
# [`validatedBeacon`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L121-L131) (unless `disableBeaconVerification`); the client's own
# [`get` and `latest`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/http-chain-client.ts#L12-L20) hand back the endpoint's JSON unverified.
# It checks an info only if you pass `chainVerificationParams`, and then with
# [`isValidInfo`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/http-caching-chain.ts#L20-L22): the info's *stated* `hash` and `public_key`
# strings are compared with the pinned ones. The hash is never recomputed, so an info with a false period
# or genesis time but the right two strings is accepted.
#
# Ours recomputes the hash on every info and verifies every beacon; `verify=False` exists only to show what
# goes wrong. That strictness is ours, not drand's.

# %% [markdown]
# ### A network to read from
#
# We start a local network: 5 nodes that ran a DKG (session 4), threshold 3, producing a quicknet-style
# chain every 3 seconds of a **virtual clock** (so this notebook runs in no time), and three of them serve
# drand's HTTP API on `127.0.0.1` — real sockets, real HTTP.

# %%
from drand_edu.api import ServedChain
from drand_edu.client import Client, NotFound
from drand_edu.node.network import LocalNetwork
from drand_edu.notebook import keep_serving

# its own seed: run again, this cell makes the very same chain, so the client below stays pinned to it
network = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", period=3, rng=drand_edu.seeded_rng("net-08"))
network.advance(30.5)  # ten periods pass: rounds 1..11
print(network)
# run again, the same three endpoints (same URLs) serve the new network; the kernel's end stops them
servers = keep_serving("endpoints", [ServedChain(network.info, node.store) for node in network.processes[:3]],
                       clock=network.now)
urls = [server.url for server in servers]  # three endpoints on loopback (their ports vary)

# %% [markdown]
# A client is configured with what it trusts — the chain hash, and here the public key too — and the
# endpoints it may ask. Its clock is the network's virtual clock, and "sleeping" lets the network run.

# %%
client = Client(
    urls,
    chain_hash=network.info.hash_hex,
    public_key=network.info.public_key.hex(),
    retries=0,  # a dead endpoint is skipped at once (retries would wait, on the virtual clock too)
    clock=lambda: network.now(),  # the network made above, even when that cell was run again
    sleep=lambda seconds: network.advance(seconds),
)
info = client.info()  # 1. info: fetched once, its hash recomputed and compared with the pin
print("pinned chain:", info.hash_hex[:16] + "…", "· scheme", info.scheme.id, "· period", info.period, "s")
beacon = client.get(5)  # 2-3. get + verify (signature with the pinned key, randomness = sha256(signature))
print("round 5 verified, randomness", beacon.randomness.hex()[:24] + "…")
print("latest round:", client.latest().round)

# %% [markdown]
# `watch()` (4.) first yields the **current** round — as go-clients'
# [`PollingWatcher`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/poll.go#L13-L24) does (a synchronous `Get` of `RoundAt(now)` before the
# ticks) and as drand-client's [`watch`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L90-L107) does (it starts at
# `roundAt(Date.now())`) — then sleeps until each next round is due, fetches it and verifies it:

# %%
for watched in client.watch(count=3):
    print(f"t = genesis + {network.now() - info.genesis_time:5.1f} s  →  round {watched.round} verified")

# %% [markdown]
# An endpoint that serves *another* chain — or lies about this one — is refused, because its info does not
# hash to the pinned value:

# %%
with drand_edu.expect_error(ChainMismatch):
    Client(urls, chain_hash="00" * 32, retries=0).info()

# %% [markdown]
# The two checks drand's clients leave out, side by side with ours. An endpoint sends an info whose `period`
# is false but whose stated `hash` and `public_key` are right — drand-client's `isValidInfo` (written here in
# Python) accepts it; our `ChainInfo.from_json`, which the client runs on every info, recomputes the hash:

# %%
stated = dict(network.info.to_json(), period=4)  # a lie about the period; the stated hash is unchanged
js_accepts = stated["hash"] == network.info.hash_hex and stated["public_key"] == network.info.public_key.hex()
print("drand-client's isValidInfo would accept it:", js_accepts)
with drand_edu.expect_error(ChainMismatch):
    ChainInfo.from_json(stated)

# %% [markdown]
# And a forged beacon: round 6 carrying a real signature — round 7's. go-clients' plain HTTP `Get` stops after
# parsing and deriving the randomness — the first line below; our client always runs the second:

# %%
forged = Beacon(6, client.get(7).signature)  # a valid point, signed by the group, but not on round 6
print("parsed, randomness derived:", forged.randomness.hex()[:24] + "…")  # all the plain Go client does
with drand_edu.expect_error(InvalidBeacon):
    drand_edu.chain.verify_beacon(network.info, forged)  # what our Client does before you see a beacon

# %% [markdown]
# ### The real League of Entropy, right now
#
# Everything above ran against our local network. The same pinned-hash workflow works against the
# League of Entropy's public relays: the cell below asks them for the latest beacon of each chain —
# mainnet, quicknet and evmnet — with each chain's hash pinned, and verifies it with our code
# (`drand_edu.client.league.latest_all`). Offline (or with `DRAND_EDU_OFFLINE=1`, as in the
# course's tests), it says so and verifies a recorded real beacon of each chain instead, within 3 seconds.

# %%
# NBVAL_IGNORE_OUTPUT
# Online this shows the current rounds, which change every few seconds; offline, the recorded ones.
from drand_edu.client import league

for result in league.latest_all(budget=3.0):
    print(result.summary())

# %% [markdown]
# ## Failover: a node dies
#
# Kill node 0 (it stops signing, and its HTTP API goes away). The client notices the dead endpoint and asks
# the next one; the network still has 4 of 5 nodes, above the threshold, so the chain goes on.
#
# Our `Client._fetch` tries the endpoints in order — `rank_endpoints()` puts the fastest first — and moves on
# whenever one is down, slow, lagging or wrong. go-clients' `client.New` races the two fastest sources and falls
# back to slower ones on failure. drand-client's [`FastestNodeClient`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/fastest-node-client.ts#L17-L76)
# has **no failover**: every request goes to the endpoint with the best average `/info` time (speed tests every
# five minutes), and that endpoint's error is your error.

# %%
servers[0].close()
network.crash(0)
network.advance(3.0)
print("round", client.get(network.head()).round, "read after the failure")
print("failovers:", client.stats.failovers, "· beacons served per endpoint:",
      [client.stats.served_by.get(url, 0) for url in urls])
print(*network.status(), sep="\n")

# %% [markdown]
# ## 2. Fair randomness from a beacon: a lottery
#
# A beacon's randomness is 32 uniform bytes. Turning them into "a winner among 7 tickets" has two classic
# traps.
#
# **Modulo bias.** `int(randomness) % 7` is *almost* fair; but with fewer bits it is visibly not. With one
# random byte (256 values) and 7 tickets, `256 = 7·36 + 4`, so tickets 0–3 get 37 chances and 4–6 get 36.
# The fix is **rejection sampling**: draw the smallest number of bits that covers the range (3 bits: 0–7),
# and when the draw lands past the range (7) throw it away and draw again.

# %%
tickets = 7
byte_counts = [sum(1 for byte in range(256) if byte % tickets == t) for t in range(tickets)]
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(range(tickets), [c / 256 for c in byte_counts], color="tab:red", label="byte % 7")
ax.axhline(1 / tickets, color="black", linestyle="--", label="fair: 1/7")
ax.set_xlabel("ticket")
ax.set_ylabel("probability")
ax.set_ylim(0.13, 0.15)
ax.set_title("Modulo bias: one random byte reduced mod 7")
ax.legend(loc="lower left")
plt.show()
print("chances per ticket out of 256:", byte_counts)

# %% [markdown]
# **Reusing bits.** Two decisions taken from the same bytes are correlated. `drand_edu.client.BeaconRandom`
# expands the randomness into an independent stream per *label*:
# `SHA-256(domain ‖ label ‖ randomness ‖ counter)`. Everyone who has the (verified) beacon recomputes the
# same winners — that is what makes the draw auditable.
#
# Here is a draw from a **real quicknet beacon** (round 12,040,883), stored in `data/`:

# %%
from drand_edu.client import BeaconRandom, sample, shuffle

quicknet = json.loads(Path("data/beacons-quicknet.json").read_text())
quicknet_info = ChainInfo.from_json(quicknet["info"])
real_beacon = Beacon.from_json(quicknet["beacons"][0])
drand_edu.chain.verify_beacon(quicknet_info, real_beacon)  # never use unverified randomness
print("round", real_beacon.round, "randomness", real_beacon.randomness.hex()[:32] + "…")

players = ["Ada", "Brahmagupta", "Carl", "Dorothy", "Emmy", "Fibonacci", "Grace"]
print("two winners:", sample(real_beacon, players, 2, label="lottery-2026"))
print("speaking order:", shuffle(real_beacon, players, label="talk-order"))

# %% [markdown]
# The draw is fair — but a simulation cannot show it next to the bias above: 7,000 simulated draws
# wobble by about ±0.008 around 1/7, more than the byte's bias (37/256 or 36/256 against 1/7: about
# 0.002). So the bars below are **exact**: `plot_fairness` runs `byte % 7` on all 256 bytes, and the
# library's own `BeaconRandom.randbelow(7)` on every possible first draw (a rejected draw starts over
# with fresh bits). The dots are 7,000 simulated draws (beacons made from seeded bytes), with the band
# they wobble in.

# %%
from drand_edu.viz.lottery import plot_fairness, rejection_shares

wins = dict.fromkeys(players, 0)
draws = 7000
for _ in range(draws):
    fake_randomness = bytes(rng.getrandbits(8) for _ in range(32))
    wins[BeaconRandom(fake_randomness, "lottery").choice(players)] += 1
plot_fairness(tickets, {i: wins[player] for i, player in enumerate(players)}, names=players)
plt.show()
print("exact chances with rejection sampling:", *map(str, rejection_shares(tickets)))

# %% [markdown]
# **Try it.** Change the label `"lottery-2026"` to `"lottery-2027"`: the winners change, yet they come from the
# same beacon. Why does a lottery have to **announce the round and the label before** the round is produced?

# %% [markdown] tags=["try-answer"]
# **Answer.** The winners change because the label is hashed into every draw: `BeaconRandom` expands
# `SHA-256(domain ‖ label ‖ randomness ‖ counter)`, so another label is another, independent stream from the
# same 32 bytes. That is exactly why the label — and the round — must be fixed in public *before* the round
# exists: once its randomness is out, whoever chooses the label (or the round, or the list's order, or
# whether to reuse an old beacon) can try label after label until the stream picks the winner they want —
# grinding, with a SHA-256 per try. Announced in advance, the only unknown left is the beacon, which nobody
# can predict or choose: drand signs `sha256(round)` on an unchained chain
# (the unchained [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L149-L154)), and BLS gives one signature per message.

# %% [markdown]
# ## 3. Timelock encryption: the idea
#
# On an **unchained** chain, round $r$'s signature is $\sigma_r = s \cdot H_1(\mathrm{sha256}(r))$, where $s$ is
# the group's secret (held by nobody: it is shared) and $H_1$ hashes into the signature group. The message
# depends only on $r$ — so anyone can know today *what* will be signed at round $r$, but not the signature.
#
# That is exactly **identity-based encryption** (Boneh–Franklin): the identity is the round, the master
# public key is the chain's public key $P = s \cdot G$, and the private key of identity $r$ is $\sigma_r$ —
# published by the network when round $r$ arrives. tlock encrypts a 16-byte **file key** $M$ with IBE, and
# the file itself with that key (the `age` format).
#
# Encryption of $M$ to round $r$ (with the Fujisaki–Okamoto transform that makes it safe against tampering),
# step by step as kyber's [`EncryptCCAonG1`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L50-L96) numbers them (our
# `drand_edu.tlock.ibe.encrypt` follows the same steps, on whichever group the scheme's key lives):
#
# | step | value | meaning |
# |---|---|---|
# | pick | $\sigma \leftarrow$ random, 16 bytes | a one-time secret |
# | | $\rho = H_3(\sigma, M)$ | the randomness of the encryption, bound to $\sigma$ and $M$ |
# | **U** | $\rho \cdot G$ | a point: lets the receiver rebuild the pairing value |
# | **V** | $\sigma \oplus H_2\big(e(H_1(r), P)^{\rho}\big)$ | $\sigma$ hidden by the round's pairing value |
# | **W** | $M \oplus H_4(\sigma)$ | the message hidden by $\sigma$ |
#
# Decryption with the round's signature uses bilinearity:
# $e(\sigma_r, U) = e(s \cdot H_1(r), \rho G) = e(H_1(r), s G)^{\rho} = e(H_1(r), P)^{\rho}$.
# So $\sigma = V \oplus H_2(e(\sigma_r, U))$, $M = W \oplus H_4(\sigma)$, and finally the receiver checks
# $U = H_3(\sigma, M) \cdot G$ (anything tampered fails this check).
#
# Let's do it by hand on a small chain whose secret key *we* hold, so we can play "the network" and sign
# any round we like.

# %%
from drand_edu.crypto import bls, pairing, scheme_by_id
from drand_edu.tlock import ibe

scheme = scheme_by_id("bls-unchained-g1-rfc9380")  # quicknet's scheme: key on G2, signatures on G1
keys = bls.keygen(scheme, rng=drand_edu.seeded_rng("session8-toy"))  # the same toy chain each time it runs
toy_info = ChainInfo(public_key=keys.public.to_bytes(), period=3, genesis_time=1_700_000_000,
                     genesis_seed=b"session-8", scheme=scheme, beacon_id="session8")
print(toy_info.scheme.id, "· chain hash", toy_info.hash_hex[:16] + "…")

round_number = 1000
file_key = bytes(range(16))
ciphertext = ibe.encrypt(scheme, toy_info.public_key_point(), round_number, file_key, rng=rng)
print("U =", ciphertext.U.to_bytes().hex()[:48] + "…", f"({len(ciphertext.U.to_bytes())} bytes, a G2 point)")
print("V =", ciphertext.V.hex(), "(16 bytes)")
print("W =", ciphertext.W.hex(), "(16 bytes)")

# %% [markdown]
# When round 1000 comes, the network publishes its signature. With it, the three steps of decryption:

# %%
signature_bytes = bls.sign(scheme, keys.secret, scheme.digest(round_number))  # "the network" at round 1000
signature = scheme.sig_group.from_bytes(signature_bytes)

mask = ibe.h2(pairing(signature, ciphertext.U).to_bytes(), 16)
sigma = bytes(v ^ m for v, m in zip(ciphertext.V, mask))
message = bytes(w ^ m for w, m in zip(ciphertext.W, ibe.h4(sigma, 16)))
print("recovered file key:", message.hex())
print("FO check U == H3(σ, M)·G:", scheme.key_group.generator() * ibe.h3(sigma, message) == ciphertext.U)

# %% [markdown]
# And with the signature of the **wrong round**, the pairing value differs, σ comes out as garbage and the
# Fujisaki–Okamoto check catches it:

# %%
with drand_edu.expect_error(InvalidCiphertext):
    wrong = scheme.sig_group.from_bytes(bls.sign(scheme, keys.secret, scheme.digest(round_number + 1)))
    ibe.decrypt(scheme, wrong, ciphertext)

# %% [markdown]
# **Why chained chains cannot be used.** On a chained scheme the signed message is
# `sha256(previous_signature ‖ round)`: to know the identity of round $r$ you would need round $r-1$'s
# signature, which does not exist yet. The library refuses with a clear error:

# %%
with drand_edu.expect_error(TimelockError):
    chained = scheme_by_id("pedersen-bls-chained")
    ibe.encrypt(chained, chained.key_group.generator(), 5, b"too early", rng=rng)

# %% [markdown]
# ### Asked in the room: what does a quantum computer break?
#
# > **Asked in the room:** *is tlock safe against a quantum computer?* No. Everything it rests on is a
# > discrete logarithm in the pairing groups: $P = s\cdot G$ hides the group's secret $s$, and the mask
# > $e(H_1(r), P)^\rho$ hides $\sigma$ only while discrete logs in $G_1$, $G_2$ and $G_T$ are hard. Shor's
# > algorithm (P. W. Shor, *Algorithms for quantum computation: discrete logarithms and factoring*, FOCS
# > 1994) computes discrete logs in polynomial time on a large enough quantum computer. Such an adversary
# > reads $s$ off the chain's public key, signs any round itself — and so decrypts **every** tlock
# > ciphertext, past and future, at once, long before its round: "**harvest now, decrypt earlier**" — a file
# > recorded today opens the day that machine exists. It forges beacons too (they are BLS signatures).
# > The age payload (ChaCha20-Poly1305 under the file key) is symmetric and would stand; it is the IBE
# > around the file key ([`EncryptCCAonG1`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ibe/ibe.go#L50-L96) and its G2 twin) that falls.

# %% [markdown]
# ## 4. The tlock file: age with a `tlock` stanza
#
# `drand_edu.tlock.encrypt` wraps all of this in the [age](https://age-encryption.org/v1) format, like
# drand's `tle` tool: a header with one stanza `-> tlock <round> <chainhash>` whose body is U‖V‖W, a MAC over
# the header, then the payload encrypted with ChaCha20-Poly1305 in 64 KiB chunks. The round must be at least
# 1: no drand chain ever signs round 0, so a file locked to round 0 could never open — Go's
# [`TimeLock`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L139-L172) would write
# one all the same (only `tle`'s flags rule it out); ours refuses. Durations differ at the far end too:
# drand's `tle -D` turns the duration into a Go `time.Duration`, which holds about 292 years, and still
# encrypts when asked for more (`-D 300y` exits 0), while `drand-edu tlock encrypt -D` counts the years
# exactly and refuses a duration that ends after the year 9999, with one line.

# %% [markdown]
# ### How `tle` reads `-D` and `-r`
#
# tle's [`parseDurationsAsSeconds`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L65-L102) takes units s m h d w M y,
# each at most once, and [`durationFrom`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L104-L122) turns each into a
# length *from the start*: s, m, h are fixed; d, w, M, y are `start.AddDate(...) - start`, Go's calendar,
# which normalises a day past the month's end into the next month. So `-D 1M` on January 31 means
# "February 31", that is **March 3** (March 2 in a leap year) — not the end of February; and `1y1M` adds the
# year's length to the month's, each counted from the start. Ours counts the same (in UTC;
# `tests/test_tlock_durations_vs_go.py` lets Go's `AddDate` and the real `tle` judge). Then
# [`Encrypt`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L44-L57) refuses a duration that ends at or before the start
# (`-D 0s`, as ours does) and locks to the round *current* at the end — its beacon may come up to a period
# before that moment.
#
# With `-r`, tle refuses only rounds *below* the current one
# ([`Encrypt`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/cmd/tle/commands/encrypt.go#L36-L42)): the current round's beacon is already out, yet
# tle encrypts to it, and anyone can open that file at once. Ours refuses the current round too, unless
# `--force`.

# %%
from drand_edu.tlock import decrypt, encrypt, read_stanza
from drand_edu.tlock.age import dearmor

armored = encrypt(toy_info, round_number, b"The answer is 42.", armor=True, rng=rng)
print(armored.decode())
header = dearmor(armored).split(b"\n---")[0].decode()
print("header lines:", *header.splitlines()[:2], sep="\n  ")
stanza = read_stanza(armored)
print("locked to round", stanza.round, "of chain", stanza.chain_hash.hex()[:16] + "…")

# %% [markdown]
# Decryption needs a way to get round 1000's beacon. Before it exists you get `TooEarly`; afterwards the
# beacon is **verified first** (a fake "beacon" must never be used as a key) and then opens the file — as Go's
# [`TimeUnlock`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L174-L179) does, and our `drand_edu.tlock.decrypt`.

# %%
with drand_edu.expect_error(TooEarly):
    decrypt(armored, toy_info, lambda r: None)  # the network has not reached round 1000 yet

# %%
round_1000 = Beacon(round_number, signature_bytes)
print(decrypt(armored, toy_info, lambda r: round_1000))

# %% [markdown]
# **Whose chain?** The stanza names a chain hash. Go's [`Unwrap`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock_age.go#L105-L140) compares it with
# the network it was given; if they differ and the `Tlock` came from [`New`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L49-L58) — the
# default, and what `tle` uses — it warns and *switches* to the chain the ciphertext names, on the same host;
# only after [`Strict`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L60-L63) does it refuse. tlock-js's
# [`createTimelockDecrypter`](https://github.com/drand/tlock-js/blob/17d817ee259e79381111dd75009b0f022c39ace3/src/drand/timelock-decrypter.ts#L9-L33) does not look at the hash at all.
# Ours is strict by default and never switches: the side that decrypts chooses the chain it trusts.
# `strict=False` ignores the hash, like tlock-js — the beacon is still verified against the chain you gave.

# %%
elsewhere = dataclasses.replace(toy_info, period=30, beacon_id="elsewhere")  # same key, another chain
with drand_edu.expect_error(ChainMismatch):
    decrypt(armored, elsewhere, lambda r: round_1000)  # refused before any beacon is fetched
print("strict=False, like tlock-js:", decrypt(armored, elsewhere, lambda r: round_1000, strict=False))

# %% [markdown]
# The same code opens a **real** ciphertext made by drand's Go `tle` for quicknet round 12,040,883, using the
# real beacon of that round:

# %%
real = json.loads(Path("data/tlock-quicknet-go-r12040883.json").read_text())
real_info = ChainInfo.from_json(quicknet["info"])
print(decrypt(real["ciphertext"], real_info, lambda r: Beacon(r, bytes.fromhex(real["signature"]))))

# %% [markdown]
# ## 5. Encrypting to the future on the local network
#
# Back to our running network: lock a message to the round due three periods from now. Until the network
# produces that round, nobody can open it — not even us, who wrote it.

# %%
def beacon_from_network(round_number):
    """The verified beacon of a round via the client, or None when it does not exist yet."""
    try:
        return client.get(round_number)
    except NotFound:
        return None


target = network.head() + 3
sealed = encrypt(network.info, target, b"meet at the fountain at noon", armor=True, rng=rng)
print(f"now: round {network.head()}; the message is locked to round {target}")
with drand_edu.expect_error(TooEarly):
    decrypt(sealed, network.info, beacon_from_network)

# %%
network.run_until(network.info.time_of_round(target) + 1.5)  # three periods later, round `target` is out
print(f"now: round {network.head()}")
print(decrypt(sealed, network.info, beacon_from_network))

# %% [markdown]
# **When does a round open?** A sender picks a round; the picture says how long its message stays sealed,
# seen from the network's clock now. Move the slider below it (with a kernel) to pick another round: a
# round already produced opens at once, a round a day ahead (28,800 rounds of 3 s) stays shut for a day.

# %%
from drand_edu.viz.rounds import plot_unlock, unlock_explorer

plot_unlock(network.info, network.head() + 20, network.now())
plt.show()

# %%
unlock_explorer(network.info, network.now(), start=network.head() + 20)

# %% [markdown]
# ### Asked in the room: which round, against clock skew and grinding?
#
# > **Asked in the room:** *how do I choose the round, if clocks are skewed and someone could grind?*
# > A deadline becomes a round by arithmetic on the chain's info, not by asking the network: round $r$ is due
# > at genesis $+ (r-1)\cdot$period (drand's [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L18-L38)). Pick the
# > **first round whose time is not before the deadline** (exercise 1) — the round `round_at` calls current
# > at the deadline came out at or *before* it. The **encryptor's clock** only changes which round it computes
# > (`tle -D` counts from it): $\delta$ seconds fast locks about $\delta/$period rounds later (the file opens
# > late), $\delta$ slow that many earlier (it opens *early*: add a margin); `-r`, or a round computed from
# > the chain info and the deadline, takes that clock out of the question. The
# > **decryptor's clock** plays no part: a file opens when the round's beacon exists and verifies, whatever
# > any clock says (our `TooEarly` means "the beacon is not there yet").
# >
# > **Grinding** gains nothing: a round's key is its signature, and there is exactly one — BLS signing is
# > deterministic, and any $t$ partials recover the same group signature (session 2) — so nobody can try
# > several keys for a round, and the encryptor's one choice, the round, is written in the clear in the
# > stanza. A **decryptor who is early** can do nothing but wait: without $\sigma_r$ the mask
# > $e(H_1(r), P)^\rho$ stays hidden (the bilinear Diffie–Hellman assumption); only $t$ nodes pooling their
# > shares could sign round $r$ ahead of time.

# %% [markdown]
# ## 6. The same bytes in JavaScript: tlock-js
#
# drand's web tools use the npm package `tlock-js`. The cell below runs it with `node` on a file *we*
# encrypted, and asks our library to open a file *it* encrypted. drand has four unchained schemes
# ([`schemes.go`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L132-L255): `pedersen-bls-unchained`, `bls-unchained-on-g1`,
# `bls-unchained-g1-rfc9380`, `bls-bn254-unchained-on-g1`); tlock-js's
# [`createTimelockEncrypter`](https://github.com/drand/tlock-js/blob/17d817ee259e79381111dd75009b0f022c39ace3/src/drand/timelock-encrypter.ts#L8-L40) knows the first three (not
# evmnet's BN254), and the tests do this round trip for those three; here we show quicknet's.

# %%
# NBVAL_IGNORE_OUTPUT
# Needs node and npm (it installs tlock-js on first use); the assertions still run,
# and tests/test_tlock_js_interop.py checks this round trip for the three unchained schemes tlock-js knows.
from drand_edu import js

if js.node_available():
    ours = encrypt(toy_info, round_number, b"from Python to JavaScript", armor=True, rng=rng)
    opened_by_js = js.tlock_decrypt(toy_info, round_1000, ours)
    theirs = js.tlock_encrypt(toy_info, round_number, b"from JavaScript to Python")
    opened_by_us = decrypt(theirs, toy_info, lambda r: round_1000)
    assert (opened_by_js, opened_by_us) == (b"from Python to JavaScript", b"from JavaScript to Python")
    print("tlock-js opened our file:   ", opened_by_js)
    print("we opened tlock-js's file:  ", opened_by_us)
    print(theirs[:120] + "…")
else:
    print("node/npm not installed: skipping the JavaScript round trip")

# %%
# the endpoints serve until the kernel stops (keep_serving above), so any cell above can be run again
print("endpoints still serving:", sum(not server.closed for server in servers), "of", len(servers))

# %% [markdown]
# ## Exercises
#
# Five exercises, in the order Explore → Implement → Break → Connect. Each check cell says "correct" or
# "not yet" with a hint; stuck? `drand_edu.exercises.hint("<name>")` gives the next hint each time you call
# it (the name is given with each exercise), the last one is the recipe.

# %% [markdown]
# ### Exercise 1 (Explore) — which round keeps a message sealed until t?
#
# You want a message that nobody can open before the time `t` (a Unix time), and not a period longer than
# needed. Which round do you lock it to? Explore first: the cell prints, for a time exactly at round 5's
# time and for half a second later, the round `round_at` calls current and when that round's beacon is
# due. Then write `my_lock_round(info, unix_time)`: the **first round whose beacon is not due before**
# `unix_time` (before genesis: round 1). The checker tries it on random chains, at round times and between
# them. Stuck? `drand_edu.exercises.hint("lock_round")`.

# %%
for t in (toy_info.time_of_round(5), toy_info.time_of_round(5) + 0.5):
    current = toy_info.round_at(t)
    print(f"t = genesis + {t - toy_info.genesis_time:4} s: current round {current}, "
          f"due at genesis + {toy_info.time_of_round(current) - toy_info.genesis_time} s")


def my_lock_round(info, unix_time):
    ...  # your code


# %%
drand_edu.exercises.check_lock_round(my_lock_round)


# %% tags=["solution"]
def my_lock_round(info, unix_time):
    if unix_time <= info.genesis_time:
        return 1
    periods = -(-(unix_time - info.genesis_time) // info.period)  # the ceiling, without float rounding
    return int(periods) + 1


drand_edu.exercises.check_lock_round(my_lock_round)


# %% [markdown]
# ### Exercise 2 (Implement) — a fair number below n
#
# Write `my_randbelow(stream, n)` returning a uniform integer `x` with `0 <= x < n`, using only
# `stream.getrandbits(k)` (the checker's stream, a stand-in for `BeaconRandom`): the number must be a
# function of the stream alone, so that everyone holding the beacon draws the same one. Any exactly uniform
# method passes — the checker enumerates every way your function can use the draws, with its exact
# probability, for small n; `% n` on a draw that was kept whatever it was does not, nor does giving up after
# a few rejections (section 2 shows why). Stuck? `drand_edu.exercises.hint("randbelow")`.

# %%
def my_randbelow(stream, n):
    ...  # your code


# %%
drand_edu.exercises.check_randbelow(my_randbelow)


# %% tags=["solution"]
def my_randbelow(stream, n):
    bits = max(1, (n - 1).bit_length())
    while True:
        candidate = stream.getrandbits(bits)
        if candidate < n:
            return candidate  # a draw of n or more is thrown away, never folded


drand_edu.exercises.check_randbelow(my_randbelow)


# %% [markdown]
# ### Exercise 3 (Implement) — open U, V, W yourself, and refuse what was tampered
#
# Write `my_ibe_decrypt(scheme, signature, ciphertext)`: the message of an IBE `ciphertext` (fields `.U`,
# `.V`, `.W`) given the round's signature point, with `pairing`, `ibe.h2`, `ibe.h3` and `ibe.h4` —
# `ibe.decrypt` is switched off while the checker runs. The checker tries messages of several lengths (1
# to 32 bytes, not only 16) on chains of both key groups (keys on G2 *and* keys on G1), and a ciphertext
# with one bit of W flipped: that one you must **refuse** (raise an exception, or return `None`), as the
# Fujisaki–Okamoto check does. Stuck? `drand_edu.exercises.hint("ibe_decrypt")`.

# %%
def my_ibe_decrypt(scheme, signature, ciphertext):
    ...  # your code


# %%
drand_edu.exercises.check_ibe_decrypt(my_ibe_decrypt)


# %% tags=["solution"]
def my_ibe_decrypt(scheme, signature, ciphertext):
    n = len(ciphertext.W)
    mask = ibe.h2(pairing(signature, ciphertext.U).to_bytes(), n)
    sigma = bytes(a ^ b for a, b in zip(ciphertext.V, mask, strict=True))
    message = bytes(a ^ b for a, b in zip(ciphertext.W, ibe.h4(sigma, n), strict=True))
    if scheme.key_group.generator() * ibe.h3(sigma, message) != ciphertext.U:
        raise InvalidCiphertext("the Fujisaki–Okamoto check failed: tampered, or the wrong round")
    return message


drand_edu.exercises.check_ibe_decrypt(my_ibe_decrypt)


# %% [markdown]
# ### Exercise 4 (Break) — rewrite a sealed message
#
# Why does decryption need that last check at all? Suppose an attacker knows (or guesses) the 16-byte
# message `known` inside a ciphertext locked to a future round, and has **no key at all**. Write
# `my_tamper(ciphertext, known, wanted)` returning a new `ibe.Ciphertext(U, V, W)` that, once the round's
# signature is out, opens to `wanted` for a decrypter that skips the Fujisaki–Okamoto check (steps 1-2 of
# exercise 3 only). What counts as a break: that, on fresh ciphertexts of random chains of both key
# groups, while the real `ibe.decrypt` still refuses your ciphertext. (You are not given the chain's key
# or the round, so you cannot simply encrypt `wanted` honestly.) Stuck?
# `drand_edu.exercises.hint("rewrite_sealed")`.

# %%
def my_tamper(ciphertext, known, wanted):
    ...  # your code


# %%
drand_edu.exercises.check_rewrite_sealed(my_tamper)


# %% tags=["solution"]
def my_tamper(ciphertext, known, wanted):
    # W = M ⊕ H4(σ): XOR-ing (known ⊕ wanted) into W turns M into wanted, whatever σ is
    w = bytes(c ^ k ^ x for c, k, x in zip(ciphertext.W, known, wanted, strict=True))
    return ibe.Ciphertext(ciphertext.U, ciphertext.V, w)


drand_edu.exercises.check_rewrite_sealed(my_tamper)
with drand_edu.expect_error(InvalidCiphertext):  # the FO check: U is no longer H3(σ, M)·G
    ibe.decrypt(scheme, signature, my_tamper(ciphertext, file_key, b"pay Eve 99 coins"))


# %% [markdown]
# ### Exercise 5 (Connect) — the public key tlock refuses
#
# Go's tlock checks one thing about the chain's public key before it encrypts anything. Open
# [`TimeLock`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L139-L146)
# at the pinned commit: which public key does it refuse? Put your answer in `refused_key` — a few words,
# or the point itself (a point of `scheme.key_group`). Then think: why would encrypting to that key be
# worthless? Stuck? `drand_edu.exercises.hint("refused_key")`.

# %%
refused_key = None  # your answer

# %%
drand_edu.exercises.check_refused_key(refused_key)

# %% tags=["solution"]
refused_key = "the point at infinity"  # publicKey.Equal(publicKey.Clone().Null()): ErrInvalidPublicKey
drand_edu.exercises.check_refused_key(refused_key)

# %% [markdown]
# ## In drand's source
#
# | here | drand / tlock / clients |
# |---|---|
# | `drand_edu.client.Client` | Go: `drand/go-clients` `client/http` (plain, does not verify beacons) and `client.New` (`client/client.go`, verifies); JS: `drand/drand-client` `HttpChainClient`, `HttpCachingChain`, `FastestNodeClient`, `fetchBeacon`, `watch` |
# | chain-hash / public-key pinning | Go: the hash given to `http.New` (recomputed in `FetchChainInfo`); `client.WithChainHash` alone only opens `New`'s root-of-trust gate; JS: `chainVerificationParams` (stated strings compared) |
# | `drand-edu client get public` (`--hash`, `--hash-list`, `--insecure`) | go-clients' `drand-client get public` (`internal/cli.go`, `internal/lib/cli.go`: `--insecure` or no client; `--hash-list` unread) |
# | `Client.watch` (current round first) | Go: `client/poll.go` `PollingWatcher`; JS: `watch` in `lib/index.ts` |
# | `decrypt(..., strict=True)` | Go: `tlock.New(...).Strict()` (`tlock.go`); Go's default switches chains, tlock-js ignores the hash |
# | `BeaconRandom` | nothing in drand: applications derive numbers themselves — do it like this, never `% n` on few bits |
# | `drand_edu.tlock.ibe` | `drand/kyber` `encrypt/ibe/ibe.go` (`EncryptCCAonG1` / `EncryptCCAonG2`) |
# | `drand_edu.tlock.encrypt/decrypt` | `drand/tlock` `tlock.go`, `tlock_age.go`; `cmd/tle`; `drand/tlock-js` `src/drand/timelock-encrypter.ts` |
# | `drand_edu.tlock.age` | `filippo.io/age` (`age.go`, `internal/format`, `internal/stream`) |

# %% [markdown]
# ## Deep dive: inside drand's clients and tlock's network
#
# *Beyond the 45-minute core: for the question time, or at home.* go-clients' `client.New` stacks three
# clients — each source wrapped in a **verifying** client, all of them behind one **optimizing** client, a
# **caching** client on top ([`makeOptimizingClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L129-L154)). Then drand-client's
# checks and defaults, and the network tlock's `tle` talks to.

# %% [markdown]
# ### go-clients' optimizing client
#
# - [`newOptimizingClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L71-L111) sets the defaults: 5 s per request, 2
#   clients raced at a time, a speed test every 5 minutes.
# - [`Get`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L233-L268) walks the speed-ordered list through
#   [`raceGet`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L291-L317) and [`parallelGet`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L319-L353):
#   two requests in flight, the next client starts when one finishes, the first success wins and cancels
#   the rest. A client that failed gets an infinite round-trip time, and
#   [`updateStats`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L355-L376) sorts it to the back.
# - [`testSpeed`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/optimizing.go#L172-L213) asks every client for round 1 in the background and
#   re-sorts, every 5 minutes.
#
# **Ours:** `Client._fetch` asks one endpoint at a time, in order, endpoints that failed before going last;
# `Client.rank_endpoints()` times each `/info` when you call it. No racing, no background timer: simpler to
# follow, slower when the first endpoint hangs.

# %% [markdown]
# ### go-clients' caching client
#
# - [`makeCache`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/cache.go#L22-L32) makes an ARC cache (adaptive replacement, recency and
#   frequency) of `cacheSize` results — 32 by default ([`New`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L25-L44)); 0 means none.
# - [`cachingClient.Get`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/cache.go#L94-L104) answers from the cache when it holds the round, else
#   asks the client below and stores the answer under *the answer's* round. Nothing is stored under 0, so
#   `Get(0)` ("latest") always goes to the network. Its `Watch` stores every result it passes on.
# - It sits above the verifiers, so only verified results get in.
#
# **Ours:** `Client`'s cache is an LRU of 1024 verified beacons (`cache_size`); `latest()` always fetches too.

# %% [markdown]
# ### go-clients' verifying client, and full-chain verification
#
# - [`verifyingClient.Get`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/verify.go#L48-L66) verifies what its source returned, then refuses
#   a round it did not ask for ("malicious relay").
# - [`verify`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/verify.go#L180-L206) by default checks a chained beacon with the previous signature
#   **the beacon itself carries**: a valid signature, but not proof that the link is round $r-1$'s signature.
# - [`WithFullChainVerification`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L308-L320) is for a compromised key: whoever holds
#   it can sign a beacon whose link is made up. Then
#   [`getTrustedPreviousSignature`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/verify.go#L116-L178) walks from round 1 (the genesis seed as
#   its link) — or from a point of trust (`WithTrustedResult`) — to $r-1$. It fetches and verifies every round
#   and uses the *verified* previous signature; the last round it reached becomes the next point of trust.
#   Cost: every round since that point; on unchained schemes the link is not signed, so it only fetches more.
#
# **Ours:** `verify_beacon` checks one beacon with its own link, like go-clients' default;
# `drand_edu.chain.verify_chain` checks a whole segment's links too, like the full walk. Below, a key
# holder signs a round 4 with a made-up link:

# %%
from drand_edu.chain.verify import verify_chain

chained = scheme_by_id("pedersen-bls-chained")
held = bls.keygen(chained, rng=drand_edu.seeded_rng("deep-dive-08"))  # a stolen group key, say
chained_info = ChainInfo(public_key=held.public.to_bytes(), period=30, genesis_time=1_700_000_000,
                         genesis_seed=b"deep-dive", scheme=chained, beacon_id="deep-dive")
honest, previous = [], chained_info.genesis_seed
for r in range(1, 5):
    honest.append(Beacon(r, bls.sign(chained, held.secret, chained.digest(r, previous)), previous))
    previous = honest[-1].signature
made_up = bytes(96)
forged_4 = Beacon(4, bls.sign(chained, held.secret, chained.digest(4, made_up)), made_up)
drand_edu.chain.verify_beacon(chained_info, forged_4)  # no exception: its own link, signed by the key
print("round 4 alone, with the link it carries: verifies")
print("walked from round 1:", *verify_chain(chained_info, [*honest[:3], forged_4]))
print("the honest chain walked:", verify_chain(chained_info, honest))

# %% [markdown]
# ### drand-client's `verifyBeacon` and defaults
#
# - [`verifyBeacon`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/beacon-verification.ts#L22-L60) refuses a beacon of another round and a
#   `randomness` that is not `sha256(signature)`. Then it picks the check by the info's `schemeID`: chained
#   over `sha256(previous_signature ‖ round)`, with the beacon's own link as in go-clients' default;
#   unchained over `sha256(round)`; signatures on G1 by a hand-written pairing check
#   ([`verifySigOnG1`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/beacon-verification.ts#L78-L93), whose default DST is the G2 one that
#   `bls-unchained-on-g1` uses); evmnet with keccak-256. An unknown scheme is `false`.
# - [`defaults.ts`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/defaults.ts#L56-L102) builds `defaultClient()` (mainnet), `quicknetClient()`
#   and the two testnet clients. Each pins `chainVerificationParams` (hash and public key), over
#   [`defaultChainOptions`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L36-L39): verification on, no cache-busting; `watch` retries a
#   failed fetch 3 times.
#
# **Ours:** `drand_edu.chain.verify_beacon` does the same checks for every scheme (and also checks that a
# chained beacon has a link); `drand_edu.client.league` plays `defaults.ts`: the three League chains'
# hashes pinned, every info's hash recomputed.

# %% [markdown]
# ### tlock's HTTP network
#
# - [`NewNetwork`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/networks/http/http.go#L45-L96) puts `https://` in front of a host without a scheme.
#   It builds go-clients' plain HTTP client *with* the chain hash, so the info's hash is recomputed, and
#   compares it once more. A chained chain (the default scheme) is `ErrNotUnchained`.
# - [`Signature`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/networks/http/http.go#L120-L130) is the plain client's `Get`, so **unverified**; the
#   check comes in [`TimeUnlock`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/tlock.go#L174-L179), which verifies the beacon before decrypting.
# - [`RoundNumber`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/networks/http/http.go#L132-L137) is `RoundAt(t)`, the round current at `t` (what
#   `-D` uses); [`SwitchChainHash`](https://github.com/drand/tlock/blob/962ec50d004c1a336bdffb24dfc6a019192fc070/networks/http/http.go#L139-L147) rebuilds the network for another
#   hash on the same host. Every request has a 5-second timeout.
#
# **Ours:** `drand-edu tlock` builds our `Client` (hash recomputed, every beacon verified as it is fetched);
# `drand_edu.tlock.decrypt` verifies the beacon again, as `TimeUnlock` does, and never switches chains.

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **8 min** · 1. The client's workflow — Open the info JSON, recompute the hash live, change one byte of
#   `period`: the client refuses it. Ask what a malicious endpoint can do (withhold, never forge). Its
#   subsection "The real League of Entropy, right now" is two minutes of this.
# - **4 min** · Failover: a node dies — Kill a node live; the failover counter moves. drand-client's
#   `FastestNodeClient` and the CDN story.
# - **7 min** · 2. Fair randomness from a beacon: a lottery — `% 7` on one byte (the bar chart), then
#   rejection sampling; commit to the round and label in advance.
# - **10 min** · 3. Timelock encryption: the idea — Write U, V, W on the board and do the bilinearity line by
#   hand; decrypt with the wrong round. "Can the network decrypt early?" t colluders could: tlock rests on the
#   chain's threshold.
# - **7 min** · 4. The tlock file: age with a `tlock` stanza — An age file with a `tlock` stanza: round and
#   chain hash in the clear.
# - **5 min** · 5. Encrypting to the future on the local network — Encrypt a few periods ahead, advance,
#   decrypt: "meet at the fountain at noon". Then the round picker.
# - **1 min** · 6. The same bytes in JavaScript: tlock-js — The JavaScript library decrypts the same bytes.
# - **2 min** · Recap — The recap.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Exercises — Questions; Exercise 1 (Explore: which round keeps a message sealed) solo.
# - **24 min** · Exercises — Pairs: Exercise 2 (Implement: a fair number below n) and Exercise 3 (Implement:
#   open U, V, W and refuse a tampered W); Exercises 4 (Break: rewrite a sealed message) and 5 (Connect:
#   `TimeLock`) as homework. When late, 3 goes home too.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - A client pins the chain hash and public key; endpoints can withhold beacons but never forge them — if the
#   client verifies: go-clients' plain HTTP client does not, drand-client compares stated strings; ours checks all.
# - `watch` yields the current round first, then each new one, like drand's clients.
# - tlock refuses a file locked to another chain (Go's `Strict()`); Go's default would switch chains.
# - Fair numbers from a beacon need rejection sampling and a label per use.
# - tlock = IBE where the identity is the round and the key is the round's signature; U, V, W carry
#   ρG, the masked σ and the masked message; the FO check rejects tampering.
# - Our files are byte-compatible with drand's Go `tle` and with `tlock-js`.
#
# This was the last session: go back to [Start here](00_start_here.ipynb) for the map, or to
# [Session 1](01_cli_and_clients.ipynb) to run all of it as real processes.
