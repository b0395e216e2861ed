# %% [markdown]
# # Session 7 — Storage and sync
#
# A drand node is only as good as the history it keeps: it must store every beacon, never a wrong one, and
# a node that joins late — or comes back after a crash — must fetch and *verify* everything it missed.
# This session compares storage backends, shrinks a chained chain with trimmed storage, syncs thousands of
# rounds with batch verification, and detects and repairs a corrupted store.
#
# *Estimated time: 60 minutes · live session: see the course calendar.*

# %% [markdown]
# ## You will learn
#
# 1. what a chain store holds and the small interface every backend shares (put, get, last, cursor);
# 2. why drand's *trimmed* store can drop every previous signature of a chained chain;
# 3. how a syncing node verifies history in chunks — signatures batched, links anchored on what it trusts;
# 4. how `util check`-style verification finds gaps and corrupted rows, and how a repair fixes them safely.

# %% [markdown]
# ## Setup

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.store import MemoryStore, SQLiteStore, StoreSource, check_store, repair

rng = drand_edu.notebook_setup(seed=2024)
workdir = Path(tempfile.mkdtemp(prefix="session7-"))

# %% [markdown]
# ## 1. A chain to store
#
# We need a few thousand rounds of a **chained** chain (mainnet's scheme). A threshold network produces
# them as in sessions 4-6; here a single key signs them, which is faster and gives the same kind of chain
# (a verifier cannot tell the difference: it only sees the group key).

# %%
scheme = scheme_by_id("pedersen-bls-chained")
keys = bls.keygen(scheme, rng=rng)
info = ChainInfo(keys.public.to_bytes(), 30, 1_595_431_050, bytes(32), scheme)
chain, previous = [], info.genesis_seed
for round_number in range(1, 2001):
    signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, previous))
    chain.append(Beacon(round_number, signature, previous))
    previous = signature
print(f"{len(chain)} rounds of chain {info.hash_hex[:16]}…; round 2000 links to round 1999:",
      chain[-1].previous_signature == chain[-2].signature)

# %% [markdown]
# ## 2. Backends side by side
#
# Every store implements the same interface (drand's `chain.Store`): `put`, `get(round)`, `last()`,
# `cursor(start, end)`, `len`. Three backends here:
#
# - **MemoryStore** — a dict; gone when the process ends (drand's `memdb`, for tests and relays);
# - **SQLiteStore** — one file, one row per round, one transaction per write (drand's default is bolt,
#   an embedded key-value file; SQLite plays the same role and ships with Python);
# - **SQLiteStore(trimmed=True)** — the same without the previous signatures.

# %%
stores = {
    "memory": MemoryStore(),
    "sqlite": SQLiteStore(workdir / "full.db"),
    "sqlite, trimmed": SQLiteStore(workdir / "trimmed.db", trimmed=True, genesis_seed=info.genesis_seed),
}
for name, store in stores.items():
    if isinstance(store, SQLiteStore):
        store.put_many(chain)  # one transaction for the whole batch
    else:
        for beacon in chain:
            store.put(beacon)
    print(f"{name:16} {len(store)} beacons, last round {store.last_round()}, round 1234 intact:",
          store.get(1234) == chain[1233])

# %% [markdown]
# A store never forks: writing a *different* beacon for a round it already has is refused.

# %%
with drand_edu.expect_error():
    stores["sqlite"].put(Beacon(5, chain[6].signature, chain[4].signature))

# %% [markdown]
# ## 3. Trimmed storage
#
# On a chained chain, round $r$'s `previous_signature` **is** round $r-1$'s signature: storing it again
# doubles the size for nothing. The trimmed store keeps only round → signature and rebuilds the link when
# reading (round 1 links to the genesis seed) — which is why it needs a chain without gaps.

# %%
sizes = {}
for name in ("sqlite", "sqlite, trimmed"):
    store = stores[name]
    store.close()  # flush the write-ahead log into the file
    sizes[name] = sum(p.stat().st_size for p in workdir.glob(store.path.name + "*"))
    print(f"{name:16} {sizes[name] / 1024:7.0f} KiB, {sizes[name] / len(chain):5.0f} bytes per beacon")
fig, ax = plt.subplots(figsize=(6, 2.6))
ax.barh(list(sizes), [s / 1024 for s in sizes.values()], color=["tab:blue", "tab:green"])
ax.set_xlabel("KiB on disk for 2,000 chained beacons")
plt.show()
trimmed = SQLiteStore(workdir / "trimmed.db", trimmed=True, genesis_seed=info.genesis_seed)
print("a trimmed read gives the full beacon back:", trimmed.get(777) == chain[776])

# %% [markdown]
# ## 4. A new node syncs, verifying everything
#
# A node that joins (or restarts) asks a peer for the rounds after its last one. drand's sync manager
# checks every beacon before storing it; ours does it per chunk: the links (each beacon to the one before,
# the first to the node's own last beacon — the only thing it already trusts) and the signatures, **batched**
# (one pairing check per chunk; session 3's random linear combination). A peer caught lying is dropped.

# %%
# NBVAL_IGNORE_OUTPUT
# The progress bar shows speeds of this machine; the next cell prints what does not vary.
from tqdm.auto import tqdm

from drand_edu.node.sync import SyncManager

newcomer = SQLiteStore(workdir / "newcomer.db")
peer = StoreSource(stores["memory"])
with tqdm(total=len(chain), desc="syncing", unit="round") as bar:
    sync_report = SyncManager(info, newcomer, [peer], chunk=250).sync(
        len(chain), progress=lambda done, total: bar.update(done - bar.n)
    )

# %%
print("stored:", sync_report.stored, "rounds · peers rejected:", sync_report.rejected)
print("problems in the synced store:", check_store(info, newcomer))

# %% [markdown]
# Now a lying peer: it serves one forged beacon (a valid signature of *another* round). The chunk
# containing it is refused, the liar dropped, and the honest peer finishes the job.

# %%
liar_store = MemoryStore()
for beacon in chain:
    liar_store.put(beacon)
liar_store.delete(1500)
liar_store.put(Beacon(1500, chain[99].signature, chain[1498].signature))
second = MemoryStore()
report2 = SyncManager(info, second, [StoreSource(liar_store), peer], chunk=250).sync(len(chain))
print("stored:", report2.stored, "· rejected:", report2.rejected)
print("same history as the honest chain:", list(second.cursor()) == chain)

# %% [markdown]
# ## 5. A corrupted store, detected and repaired
#
# Disks fail and files get edited. Here we damage the node's SQLite file behind its back: one row gets a
# wrong signature, two rows disappear. `check_store` — our `drand util check` — reads everything back and
# verifies it; `repair` refetches exactly the bad rounds from a peer, verifying each before writing.

# %%
import sqlite3

with sqlite3.connect(newcomer.path) as raw:
    raw.execute("UPDATE beacons SET signature = ? WHERE round = 321", (chain[0].signature,))
    raw.execute("DELETE FROM beacons WHERE round IN (1001, 1002)")
problems = check_store(info, newcomer)
for problem in problems:
    print(problem.kind, "·", problem)

# %%
fixed = repair(info, newcomer, peer)
print("rounds refetched:", fixed, "· problems now:", check_store(info, newcomer))

# %% [markdown]
# **Try it.** Corrupt the *previous_signature* column of a full (not trimmed) store instead of the
# signature. Which kind of problem does `check_store` report, and for which round?

# %% [markdown]
# ## Exercises

# %% [markdown]
# ### Exercise 1 (Explore) — what a trimmed store rebuilds
#
# Write `my_previous(signatures, genesis_seed, round_number)` where `signatures` maps round → signature
# bytes: return the previous signature of that round on a chained chain.

# %%
def my_previous(signatures, genesis_seed, round_number):
    ...  # your code


# %%
drand_edu.exercises.check_trimmed_previous(my_previous)


# %% tags=["solution"]
def my_previous(signatures, genesis_seed, round_number):
    return genesis_seed if round_number == 1 else signatures[round_number - 1]


drand_edu.exercises.check_trimmed_previous(my_previous)


# %% [markdown]
# ### Exercise 2 (Implement) — find the gaps
#
# Write `my_gaps(rounds)`: given the stored rounds (in any order), return the missing runs between round
# 1 and the highest stored round as `(first, last)` pairs, in order. `[1, 4, 5, 9]` → `[(2, 3), (6, 8)]`.

# %%
def my_gaps(rounds):
    ...  # your code


# %%
drand_edu.exercises.check_find_gaps(my_gaps)


# %% tags=["solution"]
def my_gaps(rounds):
    present, gaps, start = set(rounds), [], None
    for r in range(1, max(rounds, default=0) + 1):
        if r not in present and start is None:
            start = r
        elif r in present and start is not None:
            gaps.append((start, r - 1))
            start = None
    return gaps


drand_edu.exercises.check_find_gaps(my_gaps)


# %% [markdown]
# ### Exercise 3 (Break) — valid signatures are not enough
#
# Build `chunk`, a list of beacons taken from `chain`, that a lying peer could send after round 1: **every
# beacon verifies on its own**, yet the sync manager refuses the chunk. (Which checks besides signatures
# does it make?)

# %%
chunk = None  # your code: a list of Beacon

# %%
drand_edu.exercises.check_sneaky_chunk(info, chain, chunk)

# %% tags=["solution"]
chunk = [chain[1], chain[3], chain[2]]  # rounds out of order: each is valid, the sequence is not
drand_edu.exercises.check_sneaky_chunk(info, chain, chunk)

# %% [markdown]
# ## In drand's source
#
# | here | drand |
# |---|---|
# | `ChainStore`, `MemoryStore` | `drand/drand` `chain/store.go` (`Store` interface), `internal/chain/memdb` |
# | `SQLiteStore` (+ `trimmed`) | `internal/chain/boltdb/store.go` and its trimmed variant; `internal/chain/postgresdb` |
# | `SyncManager` | `internal/chain/beacon/sync_manager.go` (`SyncManager`, `tryNode`) |
# | `check_store`, `repair` | `drand util check` and `drand sync --follow` (`internal/drand-cli`) |

# %% [markdown] tags=["instructor"]
# **Instructor notes** (≈60 min)
#
# - 10 min — the interface: show that the API (session 6) and sync only use these five methods.
# - 10 min — trimmed storage: ask *why* it is safe (the link is implied) and what it costs (gaps hurt).
# - 15 min — sync: run it live, then the lying peer; ask "what does the newcomer trust?" (only the
#   chain info and its own last beacon).
# - 15 min — corrupt and repair; the "Try it" makes a good pair exercise.
# - Exercises 1-2 in class, 3 as homework.

# %% [markdown]
# ## Recap
#
# - Every store offers the same small interface; SQLite gives one file, crash-safe writes, and no forks.
# - Trimmed storage drops the previous signatures of chained chains: they are the previous rows.
# - Sync verifies links from the last trusted beacon and batch-verifies signatures; liars are dropped.
# - `check_store` finds gaps, bad rows and broken links; `repair` refetches and verifies before writing.
#
# Next: [Session 8 — Client libraries and tlock](08_client_libraries_and_tlock.ipynb).
