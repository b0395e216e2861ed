# %% [markdown]
# # Session 4 — Distributed key generation
#
# A drand network signs with a key that nobody ever holds: the **distributed key generation** (DKG) gives
# each node a share of it, and a public key for all. This session builds it from Shamir's secret sharing
# to drand's Pedersen DKG with complaints, the group file, the DKG lifecycle, and resharing.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 90 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. to split a secret with Shamir's scheme and rebuild it from any t of n shares;
# 2. to check a share against a dealer's public (Feldman) commitments, and catch a bad one;
# 3. the three phases of drand's Pedersen DKG — deal, response, justification — and how a cheating
#    dealer is caught and disqualified;
# 4. what the group file holds, how the DKG lifecycle moves, and what resharing changes (and keeps).

# %% [markdown]
# ## Setup

# %%
import matplotlib.pyplot as plt

import drand_edu
from drand_edu.crypto import G1, bls, scheme_by_id
from drand_edu.errors import DKGError
from drand_edu.threshold import PriPoly, PriShare, recover_secret, shamir
from drand_edu.threshold.dkg import FaultPlan, run_dkg, run_reshare
from drand_edu.viz.dkg import plot_dkg_flow, plot_shamir_toy, shamir_explorer

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. Shamir's secret sharing
#
# To share a secret $s$ among $n$ people so that any $t$ of them can rebuild it but $t - 1$ learn nothing:
# pick a random polynomial of degree $t - 1$ with $f(0) = s$, and give the share with index $i$ ($i = 0, 1,
# \dots, n - 1$, as drand numbers nodes) the point $(x, f(x))$ with $x = i + 1$ — never $x = 0$, which is the
# secret. $t$ points fix a polynomial of degree $t-1$ (Lagrange, session 2); $t-1$ points fit *every* possible
# $f(0)$. On a toy field (numbers mod 97) we can draw it:

# %%
plot_shamir_toy(t=3, n=5, prime=97, secret=42)
plt.show()

# %% [markdown]
# Move the sliders to change $t$, $n$, the secret and how many shares are used (the figure above is the
# default state). Use fewer than $t$ shares and watch the rebuild fail: the curve through $t - 1$ points
# meets $x = 0$ at some other number, and any secret would have fitted them as well.

# %%
shamir_explorer()

# %% [markdown]
# With the real field (numbers mod the curve order $r$, 255 bits) the library does the same. In kyber,
# [`NewPriPoly`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L52-L66) draws the $t$ coefficients (the first is the secret) and
# [`Eval`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L83-L92) gives share $i$ the value $f(i+1)$ — index 0 holds $f(1)$, since $f(0)$
# is the secret. Ours are `PriPoly.random` and `PriPoly.eval`, used by `shamir.split`:

# %%
secret = 123456789
shares, commitments = shamir.split(secret, n=5, t=3, group=G1, rng=rng)
print(shares[:2], "…")
print("any 3 rebuild it:", recover_secret([shares[4], shares[0], shares[2]], 3) == secret)
print("two shares 'rebuild':", recover_secret([shares[0], shares[1]], 2), "(a random-looking number)")

# %% [markdown]
# **Try it.** On the toy field, fix two shares and list, for every candidate secret 0…96, whether a
# degree-2 polynomial passes through it and the two shares (`drand_edu.threshold.interpolate`). How many
# candidates fail?

# %% [markdown] tags=["try-answer"]
# **Answer.** None, if "degree 2" means "degree at most 2": three points with different $x$ (the candidate
# at $x = 0$ and the two shares) fix exactly one polynomial of degree $\le 2$ (Lagrange), for each of the 97
# candidates. So two shares leave all 97 secrets possible, each with exactly one polynomial: they say
# nothing about the secret. Strictly degree 2, exactly one candidate fails — where the *line* through the
# two shares meets $x = 0$, the $x^2$ coefficient comes out 0 — and that polynomial is as likely as any
# other, since kyber's [`NewPriPoly`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L52-L66) draws every coefficient
# uniformly, 0 included. This is why kyber's
# [`RecoverSecret`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L180-L184) refuses fewer than $t$ shares
# outright: with $t - 1$ any answer would be a guess.

# %% [markdown]
# ## 2. Feldman commitments: checking a dealer
#
# Shamir trusts the dealer. Feldman's fix: the dealer also publishes $A_k = a_k \cdot G$ for each
# coefficient. Anyone can then check share $i$ without learning it: with $x = i + 1$,
# $f(x) \cdot G \stackrel{?}{=} \sum_k A_k \, x^k$. And $A_0 = s \cdot G$ is the public key that goes with the secret.
#
# kyber: [`Commit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L139-L147) multiplies each coefficient by the base point, and
# [`Check`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L403-L408) compares the public polynomial evaluated at the share's index
# with $\text{share} \cdot G$. Ours: `PriPoly.commit(group)` and `shamir.verify_share(share, commitments)`.

# %%
print("share 0 matches the commitments:", shamir.verify_share(shares[0], commitments))
tampered = PriShare(shares[0].index, shares[0].value + 1)
print("tampered share 0 matches       :", shamir.verify_share(tampered, commitments))
print("A_0 == s·G                     :", commitments.commit() == G1.generator() * secret)

# %% [markdown]
# ## 3. Pedersen's DKG, as drand runs it
#
# Remove the dealer: **every node deals**. Each node $j$ picks its own random polynomial $f_j$, sends
# share $f_j(i+1)$ to node $i$ (encrypted to $i$'s long-term key) and publishes its commitments. Each node
# adds up what it received: $s_i = \sum_j f_j(i+1)$ is a share of $s = \sum_j f_j(0)$ — a secret that no one
# ever computes. The group key is $\sum_j A_{j,0}$. drand runs it in three phases on one clock:
#
# 1. **deal** — every dealer broadcasts its bundle (encrypted shares + commitments), signed with its key;
# 2. **response** — every holder checks its shares against the commitments and broadcasts *complaints*
#    (drand also sends "success" responses so everyone can move on early: **fast sync**);
# 3. **justification** — only if there were complaints: an accused dealer reveals the disputed share in
#    clear; a wrong or missing justification **disqualifies** the dealer.
#
# Dealers that survive form **QUAL**; only their polynomials count. A node can also lose its place as a
# *holder*: with fast sync, one whose response never came is evicted, and kyber then leaves it out of QUAL
# even if its deal was perfect (`computeDKGResult`, below).
#
# **The real timeouts: one phaser.** drand moves between phases on a single clock started at kickoff:
# [`startDKGExecution`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L173-L238)
# starts one kyber [`TimePhaser`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L36-L62)
# per DKG, which signals deal, response, justification and finish and sleeps one period $P$ in between:
# at the **fixed offsets 0, P, 2P and 3P** from kickoff. drand's $P$ is
# [`DefaultDKGPhaseTimeout`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/constants.go#L27-L38),
# 10 s. A phase entered early does not get a fresh 10 s: it ends at the phaser's next signal.
# **Fast sync** only moves a node *forward* early, in kyber's
# [`startFast`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L153-L272):
# to the response phase once it holds every old node's deal, to the justification phase once it holds
# every new node's response, and out of the justification phase only once **every old node** has sent a
# justification — rare, since only accused dealers justify, so a DKG with a complaint normally ends at
# $3P$ = 30 s. Before kickoff, every node waits `DefaultDKGKickoffGracePeriod` (5 s) after the leader's
# "execute", so that all have their broadcast ready; and a whole DKG, from proposal to end, is abandoned
# after the proposal's timeout, `DefaultDKGTimeout` (24 h) unless the leader sets another. Our driver
# runs the same phaser (`TimePhaser`, period `DEFAULT_PHASE_TIMEOUT` = 10) on a logical clock of "ticks",
# so no cell sleeps.
#
# **Where each step lives in kyber** (`share/dkg/dkg.go`; ours is `drand_edu.threshold.dkg.protocol`, the
# `DistKeyGenerator` with the same method names in snake case):
#
# - [`Deals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L339-L380): evaluate the dealer's polynomial for every holder, encrypt
#   each share to the holder's long-term key, sign the bundle (our `deals`).
# - [`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L382-L548): decrypt the share meant for this node, check it
#   against the dealer's commitments, and answer with a success or a complaint per dealer (`process_deals`).
#   kyber's `share/dkg` makes that check itself, in
#   [`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L386-L548) (lines 467–473: the dealer's public polynomial at
#   the holder's index against share·G); drand adds no check of its own before it.
# - [`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L554-L718): with no complaint the DKG is over; otherwise some
#   dealers are evicted at once (which ones: exercise 7), and an accused dealer produces its justifications
#   (`process_responses`).
# - [`ProcessJustifications`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L720-L852): check each revealed share against the
#   commitments, evict the dealers that fail, and abort if fewer than $t$ dealers are left
#   (`process_justifications`).
# - [`computeDKGResult`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L984-L1036): add up the shares and the public polynomials
#   of the dealers whose row is all success — that set is QUAL. One difference, on purpose: kyber also drops
#   evicted *share holders* from QUAL there, after the count, and can end a fresh DKG with fewer than $t$ — a
#   group that can never sign; in ours a fresh DKG whose QUAL ends below the threshold is refused.
#
# **How are deals encrypted and signed?** Each share is encrypted with kyber's ECIES,
# [`Encrypt`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ecies/ecies.go#L17-L69): a fresh ephemeral scalar $r$, the Diffie–Hellman point
# $r \cdot pk$, HKDF-SHA256 of it for a 32-byte AES key and a 12-byte nonce, AES-GCM; the ciphertext is
# $R = r \cdot G$ followed by the sealed share (ours: `drand_edu.threshold.dkg.ecies`). Every bundle is then
# signed with Schnorr on the key group, kyber's [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/schnorr/schnorr.go#L53-L82): $R = k G$,
# $h = \mathrm{SHA512}(R \| pk \| m)$, $s = k + x h$, sent as $R \| s$ (ours: `drand_edu.crypto.schnorr`), and checked
# on arrival by [`VerifyPacketSignature`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L255-L297) against the key of the node the
# bundle's index names.
#
# > **Asked in the room:** what stops a dealer from sending one deal bundle to some nodes and another to the
# > rest (*equivocation*)? The signature binds each version to the dealer, and drand's
# > [`echoBroadcast.BroadcastDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/broadcast.go#L138-L174)
# > sends every new, well-signed packet it receives on to every participant once; so honest nodes tend to
# > see both versions, and kyber's packet set
# > [`Push`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L362-L380) then drops *both* and marks the
# > author bad, as if it had sent nothing (a missing deal: complaints, eviction). It is not a reliable
# > broadcast — a node that fast-syncs on the first version before the second one arrives has moved on —
# > and the deep dive after the exercises walks through `BroadcastDKG`, the phaser and what that costs.
#
# An honest run among 5 nodes (t = 3):

# %%
outcome = run_dkg(5, 3, rng=rng)
print(outcome)
print("messages per phase:", outcome.message_counts)
plot_dkg_flow(outcome, "an honest DKG: deals, then responses, done in 2 ticks (fast sync)")
plt.show()

# %% [markdown]
# Every node ends with its share, all agree on the group key, and any 3 of them sign beacons that verify
# against that key — with nobody holding the secret:

# %%
from drand_edu.threshold import recover_signature, sign_partial

scheme = scheme_by_id("pedersen-bls-chained")
message = scheme.digest(1, b"genesis")
partials = [sign_partial(scheme, share, message) for share in outcome.shares()[2:]]
signature = recover_signature(scheme, outcome.public_poly, message, partials, outcome.threshold)
print("signed by nodes 2, 3, 4; valid under the group key:", bls.verify(scheme, outcome.group_key, message, signature))

# %% [markdown]
# ## 4. A malicious dealer, caught
#
# Dealer 2 sends a wrong share to node 4. Node 4 complains; dealer 2 must reveal the share in clear. Here
# it reveals a *wrong* one too — so it is disqualified, and the DKG goes on with the 4 others:

# %%
cheater = FaultPlan(bad_shares={(2, 4)}, bad_justifications={2})
caught = run_dkg(5, 3, rng=rng, faults=cheater)
print(caught)
for event in caught.log:
    if event.kind != "deal":
        complaint = f"complains about dealer {list(event.complaints)}" if event.complaints else ""
        print(f"  tick {event.sent}: {event.kind:13} from node {event.author}  {event.note}{complaint}")
plot_dkg_flow(caught, "dealer 2 cheats: a complaint, a bad justification, QUAL without 2")
plt.show()

# %% [markdown]
# The dashed lines are the phaser's signals: one dealer's justification is not every old node's, so
# nobody may finish early and the run ends at the finish signal, tick 30 ($3P$), however fast the deals
# and responses went.
#
# If instead dealer 2 justifies correctly (it made an honest mistake), it stays in QUAL and node 4 uses
# the revealed share. Too many faults — here 3 silent dealers among 5 with t = 3 — and the honest nodes
# **abort** with a clear reason rather than produce a weak key:

# %%
with drand_edu.expect_error(DKGError):
    run_dkg(5, 3, rng=rng, faults=FaultPlan(silent={0, 1, 2}))

# %% [markdown]
# ## 5. The group file
#
# After the DKG, drand writes the **group file**: threshold, period, genesis time and seed, scheme, beacon
# id, every node (address, long-term key, index) and the distributed public key (all the commitments). Its
# hash — not a hash of the file: drand's [`Group.Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L105-L134)
# is BLAKE2b over chosen fields only (each node's index and key, the threshold, the genesis time, the
# transition time when set, the distributed key, the beacon id unless default; no period, scheme nor
# addresses) — becomes the genesis seed of a first DKG, and so seeds the chain. drand builds it in [`asGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L240-L277) (ours:
# `DKGOutcome.to_group`), from facts worth knowing:
#
# - **indices are ranks of public keys.** [`setupDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L48-L79) sorts the
#   participants (remaining and joining) with
#   [`SortedByPublicKey`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/util/participant_utils.go#L140-L146) — by the bytes of their
#   keys — and participant $k$ of that list gets DKG index $k$, for a first DKG and a resharing alike.
#   Our `run_dkg` and `run_reshare` sort the same way, so the group hash and the genesis seed are the ones
#   drand would compute for the same keys:
# - **the catch-up period** comes from the proposal, in whole seconds; the `--catchup-period` flag of
#   `drand dkg init` [defaults to `0s`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L137-L142).
# - **the transition time** is set in
#   `startDKGExecution` as [`transitionTime`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L204-L212): at epoch 1 it is the genesis time, later
#   it is 10 rounds after the round current when the resharing finishes.
# - **the genesis seed** of a first DKG is the group's own hash (`asGroup`, when the seed is empty).
# - **reading one back**, drand's [`FromTOML`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L229-L292) is lenient: a missing
#   field is Go's zero value. Ours refuses files a node could not use: a missing genesis time, address
#   or index, two nodes with one index, a period that is not a positive whole number of seconds, a
#   distributed key whose coefficients do not match the threshold.
#
# Here it is, as drand's TOML (each node carries its key's self-signature, section 6):

# %%
ranks = [node.public.to_bytes().hex()[:12] for node in outcome.nodes]
print("DKG index → public key:", dict(enumerate(ranks)))
print("sorted by key bytes   :", ranks == sorted(ranks))

# %%
group = outcome.to_group(period=3, genesis_time=1_700_000_000, beacon_id="session4")
text = group.to_toml()
print("\n".join(line[:100] for line in text.splitlines()[:16]))
print("…")
print("group hash:", group.hash().hex())

# %% [markdown]
# ## 6. The lifecycle of a DKG
#
# In drand v2 a DKG is driven by a leader's **proposal**; each node's state moves through an explicit state
# machine: Fresh → Proposed → Accepted/Joined → Executing → Complete, or off the path to Rejected, Left,
# Aborted, TimedOut or Failed. Any other move is refused: drand's
# [`isValidStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L670-L701) is one `switch` listing, for each
# state, where it may go; our `TRANSITIONS` is the same table. drand calls Aborted, TimedOut and Failed its
# [`terminalStates`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L64-L68), but "terminal" means *this attempt* is
# over, not the node: each of them still leads to a new proposal, TimedOut and Failed also to Aborted (the
# leader's abort may come after them), and Failed also to Left, as the table shows. A new proposal is not
# applied to the terminal state itself: drand's
# [`applyPacketToState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L69-L90) (and, for the
# leader, [`Command`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_active.go#L50-L61)) swaps it for the
# *last finished* state — the last completed DKG, or a fresh state if there was none — and applies the
# proposal to that, so the failed attempt leaves no trace on the next one (ours: `lifecycle.last_finished`).
# The table of legal moves:

# %%
from drand_edu.threshold.lifecycle import TRANSITIONS, DKGState, Join, Propose, ProposalTerms, ReceiveProposal

for status, targets in TRANSITIONS.items():
    print(f"{status!s:9} → {', '.join(sorted(str(t) for t in targets))}")

# %% [markdown]
# A node receives a proposal and joins; jumping straight to "Complete" from "Proposed" is an error:

# %%
terms = ProposalTerms(
    beacon_id="session4",
    epoch=1,
    leader="leader:443",
    threshold=2,
    timeout=100.0,
    joining=("leader:443", "me:443", "you:443"),
)
me = DKGState.fresh("session4", "me:443").apply(ReceiveProposal(terms, "leader:443"))
print(me)
me = me.apply(Join())
print(me)
leader = DKGState.fresh("session4", "leader:443").apply(Propose(terms))
print(leader)

# %% [markdown]
# **A joiner must prove it holds its key.** A proposal lists every participant with its address, its
# long-term key and that key's *self-signature* (session 3). Before a node accepts a proposal, drand's
# [`validateJoinerSignatures`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L768-L779) checks each joiner's with
# `ValidSignature` and refuses the whole proposal with `ErrInvalidKeyScheme` if one fails. What is signed is
# the scheme's name followed by BLAKE2b-256 of the key
# ([`Hash` and `ValidSignature`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/keys.go#L43-L59)): no address. It proves that
# whoever made the signature holds the key's secret, and binds the key to one scheme. Without it, a
# leader could list a key nobody holds. It does not bind the address: the signature is public and BLS is
# deterministic, so a key and its signature can be listed under any address; what ties an address to a key
# is the proposal itself plus the DKG messages each node then signs with that key. Ours is
# `lifecycle.validate_joiner_signatures`, called when a node receives the proposal. Here "you:443" shows up
# with a key and the signature of *another* key:

# %%
from dataclasses import replace

from drand_edu.crypto import identity
from drand_edu.threshold.lifecycle import Participant

lifecycle_scheme = scheme_by_id(terms.scheme_id)
pairs = {address: bls.keygen(lifecycle_scheme, rng=rng) for address in terms.joining}
signed = tuple(
    Participant(address, k.public.to_bytes(), identity.self_sign(lifecycle_scheme, k.secret))
    for address, k in pairs.items()
)
print(DKGState.fresh("session4", "me:443").apply(ReceiveProposal(replace(terms, identities=signed), "leader:443")))

# %%
impostor = Participant("you:443", pairs["you:443"].public.to_bytes(), signed[1].signature)  # me's signature
forged_terms = replace(terms, identities=(signed[0], signed[1], impostor))
with drand_edu.expect_error(DKGError):
    DKGState.fresh("session4", "me:443").apply(ReceiveProposal(forged_terms, "leader:443"))

# %%
from drand_edu.threshold.lifecycle import Complete

with drand_edu.expect_error(DKGError):
    DKGState.fresh("session4", "me:443").apply(ReceiveProposal(terms, "leader:443")).apply(
        Complete(None, outcome.results[1].key)
    )

# %% [markdown]
# ### A DKG squatted by a stranger, and `dkg nuke`
#
# The state machine guards the *steps* of a DKG, not *who may start one*. A fresh node has no group yet,
# so nobody to trust. drand's [`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L21-L67)
# hands every proposal to [`applyPacketToState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L69-L116),
# which applies it and then checks its signature against the keys *that proposal lists*. A stranger who
# read three fresh nodes' keys (any node serves its own at `/identity`), names itself leader and signs
# with its own key passes every check: **the first well-signed proposal wins**, Fresh → Proposed. Then:
#
# - the real leader is refused: Proposed → Proposing (to lead) and Proposed → Proposed (to receive
#   another proposal) are not in the table above;
# - the operator cannot `abort` (only the leader may) nor `reject` (a joiner may not: "just turn your
#   node off", says drand's message);
# - waiting does not help: the stranger picks the timeout (ten years, say), and at this commit nothing in
#   drand ever takes the `TimedOut` transition (its `TimedOut()` is called only by its tests); a passed
#   timeout only makes every further step fail with "timeout has been reached".
#
# A node that joined a real proposal whose leader then died before `execute` is stuck the same way, in
# Joined. drand's way out is an operator command, `drand dkg nuke`
# ([`NukeDKGStateCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_repair.go#L17-L43)): it asks "y/n", then
# [`NukeState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/store.go#L248-L257) deletes the beacon's DKG records from
# the node's database. The key pair, share and group file stay, so after a restart a member is back to
# its last completed DKG and a new node is Fresh. Ours is `drand-edu dkg nuke --folder nodeI`: since our
# DKG state lives in the running node's memory (drand's is in a database file it nukes while the node
# is off), it goes through the control port to `DKGProcess.nuke`. (Beyond drand, our node does move
# itself to TimedOut when a proposal's timeout passes — after ten years, here.)
#
# One more difference at this door: a deal that arrives before our own execution started. drand's
# `BroadcastDKG` refuses any bundle while no execution runs; our node keeps such an early bundle for the
# execution to come, but only while a proposal is active, only when a participant of that proposal signed
# it, and only the first of each kind from each participant (so a stranger cannot fill its memory).
#
# Below, three fresh nodes and a stranger, each a real `DKGProcess` (the code `drand-edu start` runs),
# exchange signed packets through a post office in memory whose clock stands still:

# %%
from drand_edu.node.dkg_process import DKGProcess
from drand_edu.node.key_store import FileStore
from drand_edu.rng import seeded_rng


class PostOffice:
    """DKG processes in one Python process: a packet is delivered at once, the clock stands still (no
    timeout fires), and `identity_of` answers what a node's `GET /identity` would."""

    def __init__(self, seed: str) -> None:
        self.nodes: dict[str, DKGProcess] = {}
        self.rng = seeded_rng(seed)

    def now(self) -> float:
        return 1_700_000_000.0

    def schedule(self, at, action) -> None:
        pass  # the clock stands still

    def send_to(self, address, message) -> None:
        self.nodes[address].receive(message)

    def identity_of(self, address: str) -> dict:
        keys = self.nodes[address].key_store
        return {"address": address, "key": keys.public_key.hex(), "scheme": keys.scheme.id,
                "signature": keys.signature.hex()}

    def node(self, address: str) -> DKGProcess:
        keys = FileStore.generate(scheme_by_id("pedersen-bls-chained"), rng=self.rng, address=address)
        # the folder is never written: no DKG completes in this example
        self.nodes[address] = DKGProcess(keys, "unused", self, identity_of=self.identity_of, rng=self.rng)
        return self.nodes[address]


post = PostOffice("squat")
fresh = [post.node(f"node{i}:443") for i in range(3)]
stranger = post.node("stranger:443")
TEN_YEARS = 10 * 365 * 24 * 3600
stranger.propose_initial([n.address for n in fresh], threshold=3, period=3, timeout=TEN_YEARS)
for n in fresh:
    print(f"{n.address}: {n.state.status}, leader {n.state.leader}")

# %% [markdown]
# The real leader, node0, tries to propose; node1's operator tries to abort, then to reject:

# %%
with drand_edu.expect_error(DKGError):
    fresh[0].propose_initial([n.address for n in fresh[1:]], threshold=2, period=3)
with drand_edu.expect_error(DKGError):
    fresh[1].abort()
with drand_edu.expect_error(DKGError):
    fresh[1].reject()

# %% [markdown]
# `dkg nuke` on each node, and the real leader's proposal goes through:

# %%
for n in fresh:
    print(f"{n.address} nuked: {n.nuke()}")
fresh[0].propose_initial([n.address for n in fresh[1:]], threshold=2, period=3)
for n in fresh:
    print(f"{n.address}: {n.state.status}, leader {n.state.leader}")

# %% [markdown]
# **Try it.** Let the real leader propose *first*, then the stranger: who wins now, and why does the
# stranger's packet change nothing? Then make node1 `join()` the stranger's proposal and "kill" the stranger
# (it will never `execute`): what does node1's status say, and what does `nuke()` return?

# %% [markdown] tags=["try-answer"]
# **Answer.** The real leader wins: its proposal moves the fresh nodes to Proposed (node0 itself to
# Proposing), and the stranger's well-signed proposal then asks each of them for Proposed → Proposed (or
# Proposing → Proposed), which is not in the table: every node refuses it, and its log says "invalid
# transition attempt". Whoever is first wins, honest or not — drand's
# [`isValidStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L670-L701) knows states, not
# people. After `join()`, node1 says **Joined**, and stays there: only the leader can move it on (execute
# or abort), and the stranger chose a ten-year timeout. `nuke()` returns **Fresh**: node1 never completed a
# DKG, so with its DKG records gone it is a fresh node again, free to take the real leader's proposal.

# %% [markdown]
# ## 7. Security considerations
#
# - **t − 1 colluders learn nothing.** Their shares fit every possible secret (section 1, and session 2's
#   fan of polynomials). They cannot sign either: they lack a t-th partial.
# - **n − t crashes are survived.** Any t honest nodes keep producing beacons; a DKG finishes as long as
#   enough dealers qualify.
# - **t colluders can sign anything** — including future rounds, so for tlock (session 8) they could
#   decrypt early. The threshold is the security assumption, and drand enforces a floor: kyber's and
#   drand's [`MinimumT`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L355-L358) is $\lfloor n/2 \rfloor + 1$, and every proposal
#   is checked against it by `validateForAllDKGs`, which answers
#   [`ErrThresholdTooLow`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L756-L763), so two disjoint halves of the network can never both sign. Our `run_dkg` and `run_reshare` skip the
#   proposal, so they check their threshold argument against the same floor: `run_dkg(5, 2)` is refused
#   unless an experiment says `allow_insecure_threshold=True`.
# - **Every bundle is signed** by its author's long-term key, so nobody can speak for another node.
# - **A dealer *can* bias the key — with two levers — yet nobody learns the secret.** kyber runs Pedersen's
#   "Joint-Feldman" DKG, and Gennaro, Jarecki, Krawczyk and Rabin (1999) showed that its key is not uniformly
#   random. Deal bundles travel in clear, and every node takes them as they arrive: kyber's
#   [`startFast`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L153-L272) verifies each deal, pushes
#   it into its set and moves on once it holds all of them. Nothing makes a dealer commit to its polynomial
#   before it has seen the others'.
#   1. *Choosing QUAL, in sight.* A dealer who drew a complaint (it sent one holder a bad share, or an
#      accomplice complained) has seen *every* commitment before the justification phase, so it knows both
#      possible group keys: $\sum_{j} A_{j,0}$ if it justifies and stays in QUAL, the same sum without its own
#      $A_{0}$ if it stays silent and is disqualified. It picks one: one bit per such dealer, $2^c$ keys for
#      $c$ of them — but the complaint is on the board for all to see (Exercise 5,
#      `FaultPlan(justify=...)`). A dealer that withholds its deal altogether is the same lever, cruder.
#   2. *Grinding, sending last, unseen.* A dealer that waits until every other deal bundle has arrived knows
#      $B = \sum_{j \ne i} A_{j,0}$. It draws polynomial after polynomial until the key $B + a_0 \cdot G$ has
#      the property it wants — any $k$ bits, in about $2^k$ tries of one scalar multiplication each, and
#      the deal phase gives it $P$ = 10 s for that — then deals that one, honestly. No complaint, no
#      eviction, nothing another node can see: a ground polynomial looks like any other (the note our
#      driver prints below is the grinder's own diary).
#
#   Either way the secret stays unknown: the key is still $\sum_j f_j(0) \cdot G$ with the *other* dealers'
#   random $f_j(0)$ in it, and choosing a few bits of a point's encoding says nothing about its discrete
#   log. Why drand can live with it: the key only ever verifies threshold BLS signatures, and a key with a
#   few chosen bits is still one whose secret nobody holds — it gives no control over any beacon (BLS
#   signatures are unique). The same authors later showed that uses such as threshold Schnorr signatures
#   stay secure with Joint-Feldman's keys ("Secure applications of Pedersen's distributed key generation
#   protocol", 2003); their bias-free DKG costs an extra round of commitments. Below, dealer 4 deals last
#   and forces the low 6 bits of the group key's last byte to zero (`FaultPlan(last_dealer=4, grind=...)`);
#   every node ends with that key and nobody complained.

# %%
from drand_edu.threshold import minimum_threshold

for n in (4, 7, 16, 23):
    print(f"n = {n:2}: drand's minimum threshold t = {minimum_threshold(n)}; survives {n - minimum_threshold(n)} crashes")

# %% [markdown]
# The grinding dealer, on our DKG (64 polynomials on average for 6 bits; well under a second):

# %%
def six_low_bits_zero(key):
    return key.to_bytes()[-1] % 64 == 0  # any 6-bit property of the key would do


from drand_edu.rng import seeded_rng

grinder = FaultPlan(last_dealer=4, grind=six_low_bits_zero)
ground = run_dkg(5, 3, rng=seeded_rng("grind"), faults=grinder)  # its own seed: the same run on every re-run
print("last byte of the group key:", f"{ground.group_key.to_bytes()[-1]:08b}")
print("every node holds a share of it:", all(r.key.commits.commit() == ground.group_key for r in ground.results.values()))
print("QUAL:", ground.qual, "| complaints:", sum(len(e.complaints) for e in ground.log), "| ends at tick", ground.clock)
print("dealer 4:", next(e.note for e in ground.log if e.kind == "deal" and e.author == 4))

# %% [markdown]
# ## 8. Initial sharing vs resharing
#
# A group changes over time: nodes leave, new ones join. Throwing the key away would start a new chain.
# **Resharing** instead runs a DKG where the *old* share holders deal shares of their shares, so the new
# group holds a fresh sharing of the **same** secret: same public key, same chain, new shares. Every old
# holder deals, *including those leaving the group*: in kyber a node only in the old group can issue but not
# receive, so [`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L386-L400) just moves it on to the next phase, and
# [`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L560-L566) refuses it: a leaver never answers
# a complaint, so a wrong share it dealt costs it its deal. drand runs its leavers that way: on the leader's
# execute packet a leaver's state becomes Left, yet
# [`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L60-L64) still calls `executeDKG`,
# whose `reshareDKGConfig` lists it among the old nodes with its old share — it deals, gets nothing, and
# is done (a leaver that is offline deals nothing). The
# new holders need at least the *old* threshold of qualified dealers
# (`ProcessJustifications` counts them against [`OldThreshold`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L837-L848) when resharing). Here 5 → 7
# nodes, threshold 3 → 4:

# %%
reshared = run_reshare(outcome, 7, 4, rng=rng)
print(reshared)
print("same group key:", reshared.group_key == outcome.group_key)
print("new shares    :", all(s not in outcome.shares() for s in reshared.shares()))
new_partials = [sign_partial(scheme, s, message) for s in reshared.shares()[:4]]
new_signature = recover_signature(scheme, reshared.public_poly, message, new_partials, 4)
# BLS signatures are unique: valid under the group key of the DKG above = the very signature it made
print("4 new nodes sign the same beacon as before:",
      bls.verify(scheme, outcome.group_key, message, new_signature))

# %% [markdown]
# > **Asked in the room:** why does QUAL list every old and new node after a reshare? Because in a
# > resharing kyber's QUAL is not the list of dealers that counted: its
# > [`computeResharingResult`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L870-L982) lists the *new* share
# > holders that ran the protocol correctly — every node of the new group, stayers and joiners alike,
# > unless it sent no response or dealt badly as an old node. drand writes exactly that list into the new
# > group file ([`startDKGExecution`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L173-L238) maps
# > QUAL onto the new nodes). The dealers that counted — old nodes only, leavers included — show nowhere in
# > the result; a leaver is never in QUAL, since it holds no new share. Above, all 7 new nodes qualified.
#
# An old node's partial no longer verifies against the *new* public polynomial, so the new group ignores it:

# %%
from drand_edu.threshold import is_valid_partial

old_partial = sign_partial(scheme, outcome.shares()[0], message)
print("old partial vs old polynomial:", is_valid_partial(scheme, outcome.public_poly, message, old_partial))
print("old partial vs new polynomial:", is_valid_partial(scheme, reshared.public_poly, message, old_partial))

# %% [markdown]
# **Must old shares be deleted after a reshare?** Yes. The secret did not change, so any $t_{old}$ old shares
# still rebuild it — and sign any round — with the *old* public polynomial, which is public. A resharing
# protects the chain only if fewer than $t_{old}$ former holders keep their old shares and collude. drand
# keeps one finished DKG state per beacon id: [`SaveFinished`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/store.go#L115-L140)
# writes the new state, new share included, over the previous one, and the file store's share file is
# replaced by [`SaveShare`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/store.go#L169-L172). A node that *left* is not touched by
# the new DKG: deleting its share is its operator's job.

# %%
old_signers = [sign_partial(scheme, s, message) for s in outcome.shares()[:3]]
again = recover_signature(scheme, outcome.public_poly, message, old_signers, 3)
print("3 old shares still sign the chain's beacons after the reshare:", again == new_signature)

# %% [markdown]
# ## Exercises
#
# Seven exercises: find what faults cost a DKG phase by phase, implement the two checks every node makes,
# break the DKG three times, and read kyber's rule for throwing a dealer out. Each check cell answers "✅ correct" or "❌ not yet"
# with a hint; `drand_edu.exercises.hint("<name>")` gives the next hint each time you call it (the last
# one is the recipe, so try first).

# %% [markdown]
# ### Exercise 1 (Explore) — what one fault costs, phase by phase
#
# An honest DKG among 5 nodes ends at tick 2 (section 3): deals at tick 1, responses at tick 2, fast sync
# all the way. `.phase_times` lists each phase as `(phase, start, end)`. Find, **by experiment**, three
# `FaultPlan`s for `run_dkg(5, 3, rng=rng, faults=...)` in which exactly **one** node misbehaves and the DKG
# still succeeds:
#
# - `"free"`: a fault that costs no time at all (the DKG still ends at tick 2);
# - `"deal_waits"`: a fault that makes the **deal** phase wait for the phaser's signal;
# - `"response_waits"`: a fault that makes the **response** phase wait for it (and not the deal phase).
#
# Before you run them, predict when each plan's *response phase* ends: the deal phase waits until tick
# $P$ = 10 — and then? Set `plans = {"free": …, "deal_waits": …, "response_waits": …}` and, in `ticks`, the
# tick at which each plan's response phase ended (read off `.phase_times`); then explain the three numbers
# with section 3's phaser. `help(FaultPlan)` lists the faults. Stuck? `drand_edu.exercises.hint("dkg_ticks")`

# %%
from drand_edu.threshold.dkg import Phase

plans = None  # your code: {"free": FaultPlan(...), "deal_waits": FaultPlan(...), "response_waits": FaultPlan(...)}
ticks = None  # your code: {"free": ..., "deal_waits": ..., "response_waits": ...}

# %%
drand_edu.exercises.check_dkg_ticks(plans, ticks)

# %% tags=["solution"]
plans = {
    "free": FaultPlan(late={(1, Phase.JUSTIFICATION)}),  # no complaint, so no justification phase to be late for
    "deal_waits": FaultPlan(silent={1}),  # a deal that never comes: the deal phase waits for the signal at P
    "response_waits": FaultPlan(late={(1, Phase.RESPONSE)}),  # a response that comes too late
}
ticks = {}
for kind, plan in plans.items():
    run = run_dkg(5, 3, rng=rng, faults=plan)
    print(f"{kind:15}", [(str(phase), start, end) for phase, start, end in run.phase_times])
    ticks[kind] = next(end for phase, _, end in run.phase_times if phase == Phase.RESPONSE)
# 2: nothing waits. 11: fast sync moves on as soon as every response is in, one tick after the deal
# phase's wait. 20: the waiting response phase ends at the phaser's signal 2P from kickoff, not 1 + P
drand_edu.exercises.check_dkg_ticks(plans, ticks)


# %% [markdown]
# ### Exercise 2 (Implement) — Shamir split
#
# Write `my_split(secret, n, t, prime)` returning the n shares `[(x, f(x) mod prime) for x = 1..n]` of a
# **random** polynomial f with f(0) = secret, such that any t shares rebuild the secret and t − 1 do not.
# Use `secrets.randbelow(prime)` for the random coefficients. The checker tries several (n, t), including
# t = 1 and t = n. Stuck? `drand_edu.exercises.hint("shamir_split")`

# %%
import secrets


def my_split(secret, n, t, prime):
    ...  # your code


# %%
drand_edu.exercises.check_shamir_split(my_split)


# %% tags=["solution"]
def my_split(secret, n, t, prime):
    coefficients = [secret % prime] + [secrets.randbelow(prime) for _ in range(t - 1)]
    return [(x, sum(a * x**k for k, a in enumerate(coefficients)) % prime) for x in range(1, n + 1)]


drand_edu.exercises.check_shamir_split(my_split)


# %% [markdown]
# ### Exercise 3 (Implement) — check a final DKG share
#
# After a DKG, node $i$ holds $s_i = \sum_j f_j(x)$ with $x = i + 1$: one term per qualified dealer $j$
# (section 3). Write `my_check(share, dealer_commitments)`: `dealer_commitments` holds, for every dealer,
# its tuple of commitments $(A_{j,0}, \dots, A_{j,t-1})$ (G1 points, $A_{j,0}$ first), and `share` is a
# `PriShare`. Return True exactly when `share.value` is node `share.index`'s final share. `G1.generator()` is
# $G$. Stuck? `drand_edu.exercises.hint("feldman_verify")`

# %%
def my_check(share, dealer_commitments):
    ...  # your code


# %%
drand_edu.exercises.check_feldman_verify(my_check)


# %% tags=["solution"]
def my_check(share, dealer_commitments):
    x = share.index + 1
    expected = G1.identity()
    for commits in dealer_commitments:  # Σ_j f_j(x)·G, each from dealer j's commitments
        for k, commit in enumerate(commits):
            expected = expected + commit * pow(x, k)
    return G1.generator() * share.value == expected


drand_edu.exercises.check_feldman_verify(my_check)

# %% [markdown]
# ### Exercise 4 (Break) — evict a dealer that answers every complaint
#
# Section 4 caught a dealer whose *answer* to a complaint was wrong. Here dealer 2 is more careful: its
# commitments are right and it answers every complaint on time with the right share — its only fault is
# sending wrong shares (`FaultPlan(bad_shares={(2, holder), …})`), and nothing else may be faulty. Get it
# thrown out of QUAL anyway in a 5-node DKG with t = 3, with **as few wrong shares as possible**, while
# the other four finish. A dealer that is merely absent (silent, late) was not caught by anyone and does
# not count. Find the number by experiment: run the DKG with 1, 2, 3, … wrong shares and read `.qual` and
# the complaints in `.log`. Why that number? Stuck? `drand_edu.exercises.hint("disqualify_dealer")`

# %%
plan = None  # your code: FaultPlan(bad_shares={(2, ...), ...})

# %%
drand_edu.exercises.check_disqualify_dealer(plan)

# %% tags=["solution"]
for holders in ([4], [3, 4], [1, 3, 4]):  # the experiment: one more complaint each time
    tried = run_dkg(5, 3, rng=rng, faults=FaultPlan(bad_shares={(2, h) for h in holders}))
    print(f"wrong shares to {holders}: dealer 2 {'in' if 2 in tried.qual else 'out of'} QUAL")
plan = FaultPlan(bad_shares={(2, 1), (2, 3), (2, 4)})  # t = 3 complaints: evicted before it can answer
drand_edu.exercises.check_disqualify_dealer(plan)

# %% [markdown]
# ### Exercise 5 (Break) — steer the group key
#
# Section 7: a dealer who drew a complaint chooses between two group keys. Play that dealer. Build a
# `FaultPlan` for a 5-node DKG (t = 3) in which one dealer sends one holder a wrong share (`bad_shares`) and
# decides with `justify=my_choice` whether to answer the complaint. `my_choice` receives a
# `JustificationChoice`, whose `keys()` are the two group keys on offer — `(if you justify, if you stay
# silent)`, computed from the commitments everyone has seen — and returns `True` to justify. End each DKG
# with the key whose compressed bytes (`point.to_bytes()`) sort first. The checker runs several DKGs with
# your plan and checks that every honest node ends with that key. Stuck?
# `drand_edu.exercises.hint("steer_group_key")`

# %%
def my_choice(choice):
    ...  # your code: True to justify, False to stay silent


plan = None  # your code: FaultPlan(bad_shares=..., justify=my_choice)

# %%
drand_edu.exercises.check_steer_group_key(plan)


# %% tags=["solution"]
def my_choice(choice):
    if_justified, if_silent = choice.keys()
    return if_justified.to_bytes() < if_silent.to_bytes()


plan = FaultPlan(bad_shares={(2, 4)}, justify=my_choice)
drand_edu.exercises.check_steer_group_key(plan)


# %% [markdown]
# ### Exercise 6 (Break) — squat a fresh network
#
# Play the stranger of section 6. `stranger` is a node's DKG process (a `DKGProcess`, as in the post office
# example), `victims` the addresses of three fresh nodes whose identities you read. Write
# `squat(stranger, victims)` so that their real leader, `victims[0]`, is refused for at least a year. The
# checker builds a fresh network each time, runs your squat, tries the real leader's proposal, then nukes
# every victim (`dkg nuke`) and checks that the real proposal goes through. Stuck?
# `drand_edu.exercises.hint("squat_dkg")`

# %%
def squat(stranger, victims):
    ...  # your code


# %%
drand_edu.exercises.check_squat_dkg(squat)


# %% tags=["solution"]
def squat(stranger, victims):
    # 4 nodes (the stranger joins its own first DKG): drand wants t >= 4 // 2 + 1 = 3
    stranger.propose_initial(victims, threshold=3, period=3, timeout=10 * 365 * 24 * 3600)


drand_edu.exercises.check_squat_dkg(squat)


# %% [markdown]
# ### Exercise 7 (Connect) — when kyber stops waiting for a justification
#
# In the response phase, kyber throws some accused dealers out at once, before any justification. Open
# [`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L554-L718) at the pinned commit and find the rule. Write
# `evicted_at_once(complaints, n, t)`: True exactly when a dealer with that many complaints, in a DKG of
# n nodes with threshold t, is evicted there. Then read the comment above the rule: why can kyber not wait?
# Stuck? `drand_edu.exercises.hint("eviction_rule")`

# %%
def evicted_at_once(complaints, n, t):
    ...  # your code


# %%
drand_edu.exercises.check_eviction_rule(evicted_at_once)


# %% tags=["solution"]
def evicted_at_once(complaints, n, t):
    return complaints >= t  # `complaints >= d.c.Threshold`: t justified shares would rebuild its polynomial


drand_edu.exercises.check_eviction_rule(evicted_at_once)

# %% [markdown]
# ## Deep dive: what drand wraps around kyber's DKG
#
# *Beyond the 45-minute core: for the question time, or at home.* Sections 3 to 8 run kyber's protocol;
# around it, drand's `internal/dkg` decides the session id, builds kyber's configuration, carries the
# bundles between nodes, keeps the clock, checks a resharing's terms and, at the end, hands the result to
# the beacon. Each piece below: drand's lines, what they do, and which of ours plays the part.

# %% [markdown]
# ### The session id: `nonceFor`
#
# [`nonceFor`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L354-L358) hashes the DKG's epoch (a `uint32`, written
# big-endian) with SHA-256: 32 bytes, the length kyber's
# [`NewDistKeyHandler`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L192-L197) insists on. Every bundle carries it as its
# `SessionID`, inside the bytes its Schnorr signature covers
# ([`DealBundle.Hash`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L113-L131)), and a deal with another session id gets its
# dealer evicted (lines 419–423 of [`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L382-L548)). So a bundle recorded at epoch 3
# is worthless at epoch 4, and no node has to send the nonce to anyone: they all compute it. One
# consequence to know: a DKG retried at the *same* epoch after an abort or a time-out (which
# `validateEpoch` allows) has the same session id, so with the same participants the earlier attempt's
# bundles still verify in it; a dealer whose old and new deal both arrive (replayed by anyone who kept the
# old one) is then dropped as an equivocator (below). Ours:
# `nonce_for_epoch` in `drand_edu/threshold/dkg/protocol.py`, which `drand_edu/node/dkg_process.py` uses;
# the in-process `run_dkg` draws a random nonce instead (kyber's `GetNonce`), unless given one.

# %%
import hashlib

from drand_edu.threshold.dkg.protocol import nonce_for_epoch

for epoch_number in (1, 2, 3):
    matches = nonce_for_epoch(epoch_number) == hashlib.sha256(epoch_number.to_bytes(4, "big")).digest()
    print(
        f"epoch {epoch_number}: session id {nonce_for_epoch(epoch_number).hex()[:16]}…"
        f"  sha256(uint32 big-endian): {matches}"
    )

# %% [markdown]
# ### kyber's configuration: `initialDKGConfig` and `reshareDKGConfig`
#
# [`setupDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L48-L101) sorts the remaining and joining participants by
# public key (their DKG indices) and picks a builder by one question: has *this node* finished a DKG
# before? If not, [`initialDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L280-L317); if so,
# [`reshareDKGConfig`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L319-L352). Both fill kyber's `dkg.Config` alike:
# the suite is the scheme's key group, `Longterm` is the node's long-term secret (the key of its
# self-signature, which also decrypts the deals sent to it), `NewNodes` the sorted participants,
# `Threshold` the proposal's, `FastSync: true`, `Nonce: nonceFor(current)`, and `Auth`, the Schnorr
# scheme on the key group that signs and checks every bundle. They differ in the old group: a resharing
# passes the previous group's nodes (`OldNodes`, the dealers), its public polynomial (`PublicCoeffs`),
# its threshold and this node's old `Share`; the initial builder sets those from `current.FinalGroup`
# only when it is there, which is the case of a node *joining* an existing network (it brought the group
# file with `dkg join`), a new share holder with no share to deal. Ours: the `Config` of
# `drand_edu/threshold/dkg/protocol.py`, built by `run_dkg`/`run_reshare` in one process and by
# `_Execution` in `drand_edu/node/dkg_process.py` between processes (old nodes and coefficients from the
# previous group when the epoch is above 1, the share when this node holds one): the same configuration,
# chosen by the epoch rather than by the node's own history.

# %% [markdown]
# ### Carrying the bundles: `echoBroadcast.BroadcastDKG`
#
# A node's own bundles leave through [`PushDeals`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/broadcast.go#L102-L136) and its two
# siblings: straight to every participant. A bundle from a peer arrives at
# [`Process.BroadcastDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L159-L177), which refuses it while no
# execution runs for that beacon id, then at [`echoBroadcast.BroadcastDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/broadcast.go#L138-L174):
# decode it, hash it, ignore it if that hash was seen before, check its signature with kyber's
# [`VerifyPacketSignature`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L255-L297) (the Schnorr signature of the node the
# bundle's index names), and only then *send it on to every participant once* (`sendout`, through a
# rate-limited dispatcher) and pass it to kyber's protocol. Ours sends each bundle straight to every
# participant and never re-sends one: the in-process board delivers every bundle to everyone, and
# `drand_edu/node/dkg_process.py` says so ("drand re-gossips them").

# %% [markdown]
# ### Dealer equivocation, and what the echo does and does not stop
#
# > The room's question of section 3 in full: *"What stops a dealer from sending different deals to
# > different nodes?"* That is **equivocation**: bundle A, with one polynomial, to half the nodes, bundle B, with another,
# > to the rest, so that they disagree on the group key. Two things together answer it. The echo: an
# > honest node re-sends every new bundle it accepts, so if A and B both reach honest nodes before the
# > phase ends, both reach everyone. And kyber's packet set ([`Push`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L362-L380)):
# > a second bundle under the same index with another hash evicts that index for good, so every node that
# > saw both drops the dealer. drand's own comment ([`echoBroadcast`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/broadcast.go#L31-L50))
# > states the limit: the echo guarantees nothing about *when* nodes accept, so a dealer who sends B just
# > before the phase ends may still split them, and Byzantine-reliable broadcasts (it cites
# > eprint 2011/535) need a larger honest share and fall to the same "epoch boundary" timing. A split
# > would leave nodes that disagree on QUAL and on the group key, so their group files differ and their
# > partial signatures cannot make one beacon: a failure to run, not a leak of the secret. Our in-process driver does what `Push` does
# > (`_dedupe` in `drand_edu/threshold/dkg/driver.py`), and so does our networked node
# > (`_Execution.receive` in `drand_edu/node/dkg_process.py`: a copy is ignored, a second signed version
# > evicts its author for good). What our node does *not* do is the echo: it never re-sends a peer's
# > bundle, so only a node that a two-faced dealer sends both versions to catches it.

# %% [markdown]
# ### The clock: the phaser and `startFast`
#
# [`startDKGExecution`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L173-L238) starts one kyber
# [`TimePhaser`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L36-L62) per DKG: it signals deal, sleeps `P` (drand's
# `TimeBetweenDKGPhases`), response, sleeps, justification, sleeps, finish; and it bounds the whole run by
# the proposal's timeout. With `FastSync` kyber runs [`startFast`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L153-L272): a
# signal moves a node into its phase unless it is already there, and the counts move it early: every old
# node's deal in, respond (`deals.Len() == oldN`); every new node's response in, process them
# (`resps.Len() == newN`), which ends the DKG at once when nobody complained; every old node's
# justification in, finish. So a clean DKG ends as soon as the responses are in, and one with a complaint
# waits for the phaser's finish signal at `3P`, unless every old node sent a justification. Ours: the
# `TimePhaser` and `Board` of `drand_edu/threshold/dkg/driver.py` (ticks, not seconds) and the deadlines of
# `drand_edu/node/dkg_process.py`, both at the fixed offsets `P`, `2P`, `3P` from kickoff:

# %%
from drand_edu.rng import seeded_rng

clock_rng = seeded_rng(4)  # its own generator: the output stays the same whatever ran before
for case, case_faults in (("no complaint", FaultPlan()), ("one complaint", FaultPlan(bad_shares={(2, 4)}))):
    timed = run_dkg(5, 3, rng=clock_rng, faults=case_faults)
    spans = ", ".join(f"{phase.name.lower()} {start}→{end}" for phase, start, end in timed.phase_times)
    print(f"{case:13} (P = {timed.phase_timeout} ticks): {spans}")

# %% [markdown]
# ### A resharing's terms: `validateReshareTerms`
#
# For every proposal after epoch 1, [`ValidateProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L708-L730)
# runs [`validateReshareTerms`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L819-L839): at least one node must
# remain; the leader may not be a joiner (only at epoch 1) and must be among the remaining, not the leavers
# (the comment: no theoretical reason, but someone must still be there if the DKG fails or aborts); and
# the remaining nodes must be at least the *current* threshold, so that the old shares the resharing deals
# from are there even if no leaver shows up. A node already in the network then runs
# [`validateReshareForRemainers`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L841-L879): the same genesis time and
# seed, and remaining plus leaving exactly the last group's nodes (matched by address). Ours:
# `_validate_reshare_terms` and `_validate_reshare_for_remainers` in `drand_edu/threshold/lifecycle.py`,
# with the same messages; drand matches the leader by address, key and signature, ours by address:

# %%
from drand_edu.threshold.lifecycle import DKGState, ProposalTerms, validate_proposal

newcomer = DKGState.fresh("default", "d:4")  # a joiner checks the terms too
for case, proposer, staying, going, coming, t_new in (
    ("the leader remains", "a:1", ("a:1", "b:2", "c:3"), (), ("d:4",), 3),
    ("the leader leaves", "a:1", ("b:2", "c:3"), ("a:1",), ("d:4",), 2),
    ("the leader joins", "d:4", ("a:1", "b:2", "c:3"), (), ("d:4",), 3),
    ("nobody remains", "a:1", (), ("a:1", "b:2", "c:3"), ("d:4", "e:5"), 2),
):
    reshare_terms = ProposalTerms(
        "default", 2, proposer, t_new, 100.0, joining=coming, remaining=staying, leaving=going
    )
    try:
        validate_proposal(newcomer, reshare_terms)
        print(f"{case:19}: accepted")
    except DKGError as refused:
        print(f"{case:19}: refused, {refused}")

# %% [markdown]
# ### After the DKG: `executeAndFinishDKG`, `onDKGCompleted`, and three ways on
#
# [`executeAndFinishDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L104-L171) runs the protocol; on an error it saves
# the state `Failed`; on success it saves the `Complete` state as the last finished DKG and sends a
# `SharingOutput` (the old finished state and the new one) to the beacon processes. Each one's
# [`onDKGCompleted`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L204-L245) ignores other beacon ids, then asks two
# questions by address: was I in the old group, am I in the new one?
#
# - in both: [`transitionToNext`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L247-L268) checks the new group
#   against the old ([`validateGroupTransition`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L597-L632): same
#   genesis time, period, beacon id and seed, a transition time still ahead), saves group and share, and
#   tells the running chain to switch to the new share at the transition time (`TransitionNewGroup`);
# - only in the old one: [`leaveNetwork`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L292-L302) asks the beacon to
#   stop one second before `bp.group.TransitionTime` and then deletes its share and group file
#   (`store.Reset`). Read it closely: `bp.group` is still the group being *left*, whose transition time
#   has normally passed, and [`StopAt`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L570-L588) refuses a time in the past ("can't stop in the
#   past or present"), an error `leaveNetwork` only logs: the files go, but that call stops nothing;
# - only in the new one: [`joinNetwork`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L304-L325) checks against a
#   group it may hold from an earlier epoch, saves, and starts the beacon, with catch-up (sync the chain
#   from the others) unless this is epoch 1;
# - in neither: an error, "failed to join the network during the DKG but somehow got to transition".
#
# Ours: `DKGProcess._finish` in `drand_edu/node/dkg_process.py` saves the key folder (share, group file,
# epoch) and calls the service's `_on_dkg_complete` (`drand_edu/node/service.py`), which starts the chain
# at once after the first DKG and at the transition time after a resharing, for remainers and joiners
# alike (a remainer's running chain is replaced, as `TransitionNewGroup` does); a leaver's `_on_leave`
# stops its chain at the new group's transition time. Two differences: our leaver stops there and keeps
# its files; and our remainers do not re-check the new group against the old one at this point (the proposal's checks above and our refusal of a resharing that changes the group
# key stand in for it).

# %% [markdown]
# ## In drand's source
#
# A summary of the links above (drand at `f45e7e0`, kyber at `d3ad80c`):
#
# | here | drand / kyber |
# |---|---|
# | `PriPoly.random`, `eval`, `commit`, `shamir.verify_share` | [`NewPriPoly`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L52-L66), [`Eval`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L83-L92), [`Commit`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L139-L147), [`Check`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/poly.go#L403-L408) |
# | `DistKeyGenerator` (`threshold/dkg/protocol.py`) | [`Deals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L339-L380), [`ProcessDeals`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L382-L548), [`ProcessResponses`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L554-L718), [`ProcessJustifications`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/dkg.go#L720-L852) |
# | `ecies`, `schnorr` | [`Encrypt`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/encrypt/ecies/ecies.go#L17-L69), [`Sign`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/sign/schnorr/schnorr.go#L53-L82), [`VerifyPacketSignature`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/structs.go#L255-L297) |
# | `DKGOutcome.to_group`, `Group` | [`asGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L240-L277), [`SortedByPublicKey`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/util/participant_utils.go#L140-L146) |
# | `minimum_threshold` | [`MinimumT`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L355-L358), [`ErrThresholdTooLow`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L756-L763) |
# | `lifecycle` (`DKGState`, `TRANSITIONS`) | [`isValidStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L670-L701) |
# | a proposal from anyone, then `DKGProcess.nuke` (`drand-edu dkg nuke`) | [`Packet`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/actions_passive.go#L21-L67), [`NukeDKGStateCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_repair.go#L17-L43), [`NukeState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/store.go#L248-L257) |
# | phase timeout (`DEFAULT_PHASE_TIMEOUT`), `TimePhaser` | [`DefaultDKGPhaseTimeout`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/constants.go#L27-L38), kyber's [`TimePhaser`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L36-L62) and [`startFast`](https://github.com/drand/kyber/blob/d3ad80c126a7ae4002bd1eec63ff9c6b9d86538c/share/dkg/protocol.go#L153-L272) |
# | the same DKG between real processes: `drand_edu/node/dkg_process.py`, `drand-edu dkg ...` (session 1) | [`executeDKG`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/execution.go#L23-L46) in `internal/dkg/execution.go`; `drand dkg init/join/execute` |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **6 min** · 1. Shamir's secret sharing — The Shamir sliders: set t = n, then t = 1, and ask what each
#   means operationally; the figure shows t shares on the polynomial that rebuilds the secret.
# - **5 min** · 2. Feldman commitments: checking a dealer — Live-code a tampered share that `verify_share`
#   refuses. The commitments reveal s·G, not s.
# - **9 min** · 3. Pedersen's DKG, as drand runs it — Draw the three phases on the board before the flow
#   figure; ask why shares are encrypted (the board is public) and why bundles are signed (no impersonation).
# - **7 min** · 4. A malicious dealer, caught — `FaultPlan(bad_shares={(2, 4)}, bad_justifications={2})`: node
#   4's complaint, dealer 2's rejected justification, dealer 2 not in QUAL; the shaded phase is the waiting.
# - **3 min** · 5. The group file — Show the TOML: what every node must agree on.
# - **5 min** · 6. The lifecycle of a DKG — The transition table; drand's `drand dkg` commands of session 1
#   map onto these states. The squatted DKG: the state machine guards steps, not who may start; ask how a node
#   could tell a stranger's proposal from its leader's (it cannot, before its first group).
# - **3 min** · 7. Security considerations — "Can a dealer bias the key?" Yes, with two levers: one bit per
#   dealer that draws a complaint (it chooses QUAL, in sight: Exercise 5), and any k bits, unseen, for a
#   dealer that deals last and grinds its polynomial against everyone's commitments (~2^k tries; the demo
#   forces 6 bits). Nobody learns the secret either way.
# - **5 min** · 8. Initial sharing vs resharing — `run_reshare`: the moment is the same beacon signed by 4 new
#   nodes — the members changed, the public key did not.
# - **1 min** · Recap — The recap.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Exercises — Questions.
# - **24 min** · Exercises — Pairs: Exercise 2 (Implement: Shamir split) and Exercise 4 (Break: evict a dealer
#   that answers every complaint, with the fewest wrong shares; found by experiment); Exercise 7 (Connect:
#   kyber's eviction rule) for fast pairs; 1, 3, 5 and 6 at home. Short of time: keep 4, send 2 home.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - Shamir: a random degree-(t−1) polynomial hides its f(0); any t points rebuild it, t − 1 reveal nothing.
# - Feldman commitments let anyone check shares; Pedersen's DKG makes every node a dealer, so nobody knows s.
# - Complaints and justifications expose cheating dealers; QUAL is who counts; too many faults abort.
# - The group file records the result; a state machine drives the DKG; resharing keeps the key, changes shares.
#
# Next: [Session 5 — The layers](05_system_layers.ipynb): what a node does with its share every round.
