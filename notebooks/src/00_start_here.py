# %% [markdown]
# # Start here — the drand code-walkthrough course
#
# Eight sessions take you from "what is a randomness beacon?" to running a drand network on your laptop,
# verifying real League of Entropy beacons and encrypting messages to the future. Every idea is a few lines
# of `drand_edu` away, so you can run it, change it, and break it.
#
# *Estimated time: 10 minutes.*

# %% [markdown]
# ## How to use this course
#
# **Which copy to open.** `make lab` opens JupyterLab at the top of the repository, on the *student* copy of
# this notebook. There are two folders of the same notebooks:
#
# - `student/` — **learners open these.** The exercises are there, their solutions are not; a check cell
#   says "not yet" with a hint until your answer is right. Your edits stay in your copy (`git checkout
#   student/` gives you fresh ones).
# - `notebooks/` — the instructor's copies: the same notebooks, plus each exercise's solution in a collapsed
#   cell (click the "…" to open it) and the instructor notes. Instructors present from these; self-learners
#   can open one to compare *after* trying.
#
# - **Following a live session?** Open the session's notebook before it starts and run the *Setup* cell.
#   The instructor live-codes the examples; you run them, and try the *Try it* prompts during the breaks.
# - **Learning on your own?** Go in order. Each session is 45 minutes of teaching and 30 of questions and
#   exercises; alone, plan on about an hour and a half. Each exercise has a check cell that tells you
#   "✅ correct" or gives a hint, and `drand_edu.exercises.hint("name")` gives more, one step at a time.
# - **Teaching?** The instructor copies hold talking points and timings (`docs/instructor-guide.md` has the
#   plan of every session). Every notebook also presents as slides (`make slides`, or in JupyterLab *View →
#   Render as slideshow*).
#
# **What talks to the internet.** Exactly this, and nothing else:
#
# - **three cells**, one each in sessions 1, 2 and 8, ask the League of Entropy's public relays
#   (`api.drand.sh`, `api2.drand.sh`, `api3.drand.sh`, `drand.cloudflare.com`) for the *latest* beacon of each
#   chain, within 3 seconds (`drand_edu.client.league`). Offline, or with `DRAND_EDU_OFFLINE=1` (the tests
#   and the notebook builds set it), they say so and verify real beacons recorded from drand's own tests;
# - **the JavaScript cells** of sessions 1 and 8, on their first run on a machine with `node`, run `npm ci`
#   once, which downloads the pinned npm packages (`drand-client`, `tlock-js`) from the npm registry; after
#   that they run from `tests/js/node_modules`, and without `node` they are skipped;
# - **installing**, not running: `make lab` and `make test` fetch the Python packages from PyPI, and the
#   optional `make drand` fetches drand's Go modules through the Go module proxy.
#
# Everything else — the stored beacons, our node processes, their DKG and public APIs, the real drand
# network of session 1 — runs on `127.0.0.1` or on a simulated clock. Randomness in notebooks is **seeded so
# outputs are reproducible — for teaching only**; the library's default is the operating system's secure
# generator.

# %% [markdown]
# ## Which drand this course follows
#
# The course reads drand's code at fixed commits, and every link into it is a permalink at one of them:
#
# | repository | commit | release it follows |
# |---|---|---|
# | drand/drand | `f45e7e0` (2026-03-12) | drand **v2.1.4** + 10 commits |
# | drand/kyber | `d3ad80c` (2025-12-15) | kyber v1.3.2 |
# | drand/kyber-bls12381 | `1c8b2e8` (2026-06-16) | v0.3.4 |
# | drand/go-clients | `7c89673` (2026-02-11) | v0.2.3 + 6 commits |
# | drand/drand-client (JavaScript) | `b9572b2` (2026-04-02) | npm drand-client |
# | drand/tlock | `962ec50` (2025-11-13) | tlock v1.2.0 + 4 commits (evmnet support) |
# | drand/tlock-js | `17d817e` (2024-03-18) | npm tlock-js |
#
# **Reading drand's code offline** (for the *Connect* exercises): clone each repository once while online and
# check out its commit, for example `git clone https://github.com/drand/drand && git -C drand checkout
# f45e7e0435299e45a7ea5c321e2963cd2c81605f` (the full hashes are in the links of every notebook). With Go
# installed, `go mod download github.com/drand/drand/v2@v2.1.4` also puts the nearest release's source in
# Go's module cache.
#
# **Where our code mirrors drand's folders:**
#
# | `drand_edu` | drand / kyber | what lives there |
# |---|---|---|
# | `crypto/` | drand `crypto/`, kyber `pairing/`, `sign/bls`, kyber-bls12381 | curves, the five schemes, BLS, identities |
# | `threshold/` | kyber `share/`, `share/dkg`, `sign/tbls`; drand `internal/dkg` | Shamir, threshold BLS, the DKG, the group file |
# | `chain/` | drand `common/chain`, `common/` (time), `crypto/schemes.go` | `Beacon`, `ChainInfo`, rounds and time, verification |
# | `node/` | drand `internal/core`, `internal/chain/beacon`, `internal/dkg` | daemon, beacon process, sync manager, vault, DKG process |
# | `net/` | drand `internal/net`, `protobuf/` | the node-to-node messages (HTTP here, gRPC in drand) |
# | `store/` | drand `internal/chain/boltdb`, `memdb`, `postgresdb` | the chain stores (SQLite here) |
# | `api/` | drand `handler/http`, `internal/metrics` | the public HTTP API, the control port, metrics |
# | `client/` | drand/go-clients `client/`, drand-client | randomness clients that verify |
# | `tlock/` | drand/tlock, kyber `encrypt/ibe` | timelock encryption |
# | `cli/` | drand `internal/drand-cli`, tlock `cmd/tle` | `drand-edu`, modelled on `drand` and `tle` |

# %% [markdown]
# ## The map
#
# | # | session | you will be able to… |
# |---|---|---|
# | 1 | [What drand is; its CLI and clients](01_cli_and_clients.ipynb) | run nodes, a DKG and a client from the command line |
# | 2 | [What a beacon is](02_beacons.ipynb) | build a chained / unchained beacon's message by hand, verify it, derive randomness, aggregate partials |
# | 3 | [Cryptographic primitives](03_crypto_primitives.ipynb) | use BLS12-381 points and pairings, sign and verify, pick the right DST |
# | 4 | [Distributed key generation](04_dkg.ipynb) | split a secret, run a Pedersen DKG, catch a cheating dealer, reshare |
# | 5 | [The layers](05_system_layers.ipynb) | follow one beacon through daemon → beacon process → store → API → client |
# | 6 | [Networking and monitoring](06_networking_and_monitoring.ipynb) | read a round's messages, call the HTTP API, spot trouble in metrics |
# | 7 | [Storage and sync](07_storage_and_sync.ipynb) | compare stores, sync and verify history, repair a corrupted store |
# | 8 | [Client libraries and tlock](08_client_libraries_and_tlock.ipynb) | consume randomness safely and encrypt to a future round |
#
# Each link opens the notebook of that session in the folder this copy is in: `student/` links to the
# student copies, `notebooks/` to the instructor's.

# %% [markdown]
# ## A five-minute primer: the notation every session uses
#
# - **Scalars and points.** A *scalar* is a whole number modulo a large prime $r$. A *point* lives in a
#   group where you can add points and multiply a point by a scalar: $a \cdot P$ is $P + P + \dots$ ($a$
#   times). Going from $a$ and $P$ to $a \cdot P$ is fast; going back from $a \cdot P$ to $a$ is what nobody
#   can do (the discrepancy that all of drand's cryptography rests on).
# - **G1 and G2.** BLS12-381 gives two such groups, $G_1$ (points of 48 bytes) and $G_2$ (96 bytes), each with
#   a fixed generator $g_1$, $g_2$. A drand scheme puts public keys in one and signatures in the other.
# - **Key pair.** A secret key is a scalar $sk$; its public key is $pk = sk \cdot g$ (in the key group).
# - **$H(m)$.** "Hash to the curve": a message becomes a point of the signature group whose discrete log
#   nobody knows. A BLS signature is $\sigma = sk \cdot H(m)$.
# - **Pairing.** A map $e(P, Q)$ with $e(a \cdot P, Q) = e(P, a \cdot Q)$. It lets anyone check a signature
#   without the secret: $e(g, \sigma) = e(pk, H(m))$ (session 3).
# - **"In the exponent".** Arithmetic on scalars done through points: from $a \cdot P$ and $b \cdot P$ anyone
#   gets $(a + b) \cdot P$, and $\lambda \cdot (a \cdot P) = (\lambda a) \cdot P$, without knowing $a$ or $b$.
#   That is how $t$ partial signatures combine into one (session 2) and how a DKG publishes commitments.
# - **Shares and indices.** With $n$ nodes and threshold $t$, node *index* $i$ (0, 1, …, n − 1, as drand
#   numbers them) holds the share $f(x)$ at $x = i + 1$ of a secret polynomial $f$ of degree $t - 1$: the
#   secret itself is $f(0)$, so no node sits at $x = 0$. Every notebook and formula uses this convention.

# %% [markdown]
# ## Setup
#
# Every notebook starts with this cell. It picks the fastest crypto backend, makes the randomness
# reproducible, and sets the plot style.

# %%
import drand_edu

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## Check that your environment works
#
# Each line should say `ok`. If one does not, run `make lab` again from the repository root (it installs
# what is missing).

# %%
import importlib.util
import shutil
import sys
from pathlib import Path


def check(label: str, ok: bool) -> None:
    print(f"{'ok ' if ok else 'MISSING'}  {label}")


check("Python 3.11 or newer", sys.version_info >= (3, 11))
for package in ["py_ecc", "py_arkworks_bls12381", "pyblst", "matplotlib", "ipywidgets", "prometheus_client",
                "cryptography"]:
    check(f"package {package}", importlib.util.find_spec(package) is not None)
check("the crypto backends", sorted(drand_edu.available_backends()) == ["arkworks", "blst", "py_ecc"])

# %%
# NBVAL_IGNORE_OUTPUT
# Versions differ from machine to machine; this is for your bug reports
from importlib.metadata import version

print("python", sys.version.split()[0], "· drand_edu", drand_edu.__version__,
      "· backend", drand_edu.current_backend().name)
for package in ["py_ecc", "py-arkworks-bls12381", "pyblst", "jupyterlab", "matplotlib", "ipywidgets"]:
    try:
        print(f"{package:22} {version(package)}")
    except Exception:
        print(f"{package:22} not installed")
print("node/npm (only for the JavaScript interop cells):", "found" if shutil.which("node") else "not found")

# %% [markdown]
# **Optional: Go, for drand's own code.** With Go installed, `make drand` builds drand's real `drand` binary
# (and tlock's `tle`) from drand's released modules into `tests/drandref/bin/`. Session 1 then runs the real
# `drand` CLI and a real three-node drand network beside ours, and the test suite lets drand's own functions
# and daemons check ours (`tests/drandref`, `tests/test_real_drand.py`). Nothing else in the course needs Go;
# without it those cells print one line and those tests are skipped with the reason.

# %%
# NBVAL_IGNORE_OUTPUT
# Whether Go and a built drand are here differs from machine to machine
import subprocess

from drand_edu import realdrand

go = shutil.which("go")
if go is None:
    print("Go: not found — optional; install Go and run `make drand` to see the real drand in session 1")
else:
    print("Go:", subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip())
print("real drand binary:", "found" if realdrand.find_drand() else "not built yet — `make drand` (needs Go)")

# %% [markdown]
# And a first taste: a real beacon of the League of Entropy's *quicknet* chain, verified right here,
# offline. (Session 2 explains every line.)

# %%
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.chain.verify import is_valid_beacon

import json
from pathlib import Path

stored = json.loads(Path("data/beacons-quicknet.json").read_text())  # copied from drand's own tests
quicknet = ChainInfo.from_json(stored["info"])
beacon = Beacon.from_json(stored["beacons"][0])
print(quicknet)
print("valid:", is_valid_beacon(quicknet, beacon))
print("randomness:", beacon.randomness.hex())

# %% [markdown]
# **Try it.** Claim this signature belongs to the *next* round: run
# `is_valid_beacon(quicknet, dataclasses.replace(beacon, round=beacon.round + 1))` (after `import
# dataclasses`). Predict what it prints. Then flip one bit of the signature instead and predict again.

# %% [markdown] tags=["try-answer"]
# **Answer.** `False`, both times. A quicknet beacon is a BLS signature of the round number, so the same
# signature cannot be the signature of another round: the verifier hashes `round + 1` to a different curve
# point and the pairing check fails. drand's check is one line,
# [`Scheme.VerifyBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L69-L71): it verifies the signature against the chain's
# public key over the beacon's digest. A flipped bit gives bytes that are either no point of the curve or
# another point, and both are refused. The randomness, `sha256(signature)`, would not notice the round
# change at all: that is why a client verifies before it uses a beacon (session 2).

# %% [markdown] tags=["instructor"]
# **Instructor notes.** This notebook is the opening of session 1, on the projector; learners run it
# again at home to check their setup.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **A 10-minute opening, before session 1:**
#
# - **2 min** · How to use this course — Ten minutes before session 1. Show where the instructor copies
#   (notebooks/) and the learners' copies (student/) are, the exercise checkers and where the solutions are
#   hidden.
# - **2 min** · The map — Show the map of the eight sessions; ask who has used a public randomness source
#   before (lotteries, leader election, sortition): session 1 builds on those answers.
# - **2 min** · A five-minute primer: the notation every session uses — Point at the notation (t, n, G1, G2,
#   rounds); say it is for reading at home.
# - **4 min** · Check that your environment works — Run the environment check on the projector; learners whose
#   check fails pair with a neighbour for session 1.
# <!-- end of plan -->

# %% [markdown]
# ## Next
#
# Go to [Session 1 — What drand is, its CLI and clients](01_cli_and_clients.ipynb), or jump to any session
# from the map above.
