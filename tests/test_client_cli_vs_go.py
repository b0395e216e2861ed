"""``drand-edu client get`` beside go-clients' real ``drand-client get`` (v0.2.3), on our HTTP API.

What drand's command line does at the pinned commit, read in ``internal/cli.go`` and ``internal/lib/cli.go``
and shown here by running it:

* without ``--insecure`` it refuses: ``makeClient`` says "no root of trust specified" (no silent
  trust-on-first-use). Ours refuses ``get public`` the same way, exit 2.
* with ``--insecure`` it takes the chain ``/info`` serves and verifies beacons against its key. Ours too,
  byte for byte the same beacon, and both refuse a forged one.
* ``--hash-list`` is a flag of ``get`` that ``Create`` never reads (a wrong hash passes; a right one is
  not a root of trust), and ``--hash`` is not a flag of ``get`` at all. Ours pins with either: the
  difference ``client-get-hash-list`` of tests/data/differences.toml.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from drand_edu.api.server import ServedChain, serve
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore

PERIOD = 3
FORGED = 7  # the served round 7 carries round 8's signature: a real group signature, on the wrong round


@pytest.fixture(scope="module")
def served():
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=seeded_rng("client-cli-vs-go"))
    genesis = int(time.time()) - 100 * PERIOD  # every stored round is in the past
    # drand-client without a hash reads /info and accepts only the default beacon id
    info = ChainInfo(keys.public.to_bytes(), PERIOD, genesis, b"cli-vs-go", scheme, "default")
    store = MemoryStore()
    for r in range(1, 11):
        signed = FORGED + 1 if r == FORGED else r
        store.put(Beacon(r, bls.sign(scheme, keys.secret, scheme.digest(signed))))
    server = serve(ServedChain(info, store))
    try:
        yield info, server.url
    finally:
        server.close()


def _go(binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=120)


def _go_beacon(result: subprocess.CompletedProcess) -> dict:
    """drand-client prints its log lines and then the beacon's JSON on stdout: the last line."""
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ours(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["client", "get", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_no_root_of_trust_both_refuse(drand_client_binary, served, capsys) -> None:
    _, url = served
    theirs = _go(drand_client_binary, "get", "public", "--url", url, "3")
    assert theirs.returncode != 0 and "no root of trust specified" in theirs.stdout + theirs.stderr
    code, out, err = _ours(capsys, "public", "--url", url, "3")
    assert (code, out) == (EXIT_USAGE, "") and "no root of trust specified" in err


def test_insecure_same_beacon(drand_client_binary, served, capsys) -> None:
    _, url = served
    for round_args in (["3"], []):  # a round, and the latest
        theirs = _go(drand_client_binary, "get", "public", "--url", url, "--insecure", *round_args)
        assert theirs.returncode == 0, theirs.stdout + theirs.stderr
        code, out, err = _ours(capsys, "public", "--url", url, "--insecure", *round_args)
        assert code == EXIT_OK and "trusting" in err
        ours = json.loads(out)
        assert {k: ours[k] for k in ("round", "signature", "randomness")} == _go_beacon(theirs)
    assert _go_beacon(theirs)["round"] == 10


def test_insecure_still_verifies_both_refuse_a_forged_beacon(drand_client_binary, served, capsys) -> None:
    _, url = served
    theirs = _go(drand_client_binary, "get", "public", "--url", url, "--insecure", str(FORGED))
    assert theirs.returncode != 0 and "verification of" in theirs.stdout + theirs.stderr
    code, out, _ = _ours(capsys, "public", "--url", url, "--insecure", str(FORGED))
    assert (code, out) == (EXIT_INVALID, "")


def test_hash_list_ignored_by_drand_pins_ours(drand_client_binary, served, capsys) -> None:
    info, url = served
    wrong = "00" * 32
    # drand's: a wrong --hash-list is not even read (the beacon comes), a right one is no root of trust
    ignored = _go(drand_client_binary, "get", "public", "--url", url, "--insecure", "--hash-list", wrong, "3")
    assert ignored.returncode == 0 and _go_beacon(ignored)["round"] == 3
    unread = _go(drand_client_binary, "get", "public", "--url", url, "--hash-list", info.hash_hex, "3")
    assert unread.returncode != 0 and "no root of trust specified" in unread.stdout + unread.stderr
    no_hash_flag = _go(drand_client_binary, "get", "public", "--url", url, "--hash", info.hash_hex, "3")
    said = no_hash_flag.stdout + no_hash_flag.stderr
    assert no_hash_flag.returncode != 0 and "flag provided but not defined: -hash" in said
    # ours: --hash-list pins (the wrong chain is refused even with --insecure), the right one is enough
    code, out, _ = _ours(capsys, "public", "--url", url, "--insecure", "--hash-list", wrong, "3")
    assert (code, out) == (EXIT_INVALID, "")
    for flag in ("--hash-list", "--hash", "--chain-hash"):
        code, out, err = _ours(capsys, "public", "--url", url, flag, info.hash_hex, "3")
        assert code == EXIT_OK and json.loads(out)["round"] == 3 and "trusting" not in err


def test_two_different_pins_refused(served, capsys) -> None:
    info, url = served
    code, out, err = _ours(capsys, "public", "--url", url, "--hash", info.hash_hex, "--hash-list", "11" * 32)
    assert (code, out) == (EXIT_USAGE, "") and "2 different chain hashes" in err
    same = _ours(capsys, "public", "--url", url, "--hash", info.hash_hex, "--hash-list", info.hash_hex, "2")
    assert same[0] == EXIT_OK and json.loads(same[1])["round"] == 2


def test_chain_info_without_pin_drand_wants_insecure(drand_client_binary, served, capsys) -> None:
    info, url = served
    theirs = _go(drand_client_binary, "get", "chain-info", "--url", url)
    assert theirs.returncode != 0 and "no root of trust specified" in theirs.stdout + theirs.stderr
    insecure = _go(drand_client_binary, "get", "chain-info", "--url", url, "--insecure")
    assert insecure.returncode == 0 and info.hash_hex in insecure.stdout
    # ours prints it without --insecure (the documented difference: it is how one learns the hash)
    code, out, err = _ours(capsys, "chain-info", "--url", url)
    assert code == EXIT_OK and json.loads(out)["hash"] == info.hash_hex and "trusting" in err


def test_insecure_trusts_only_the_default_beacon_both_refuse_another(drand_client_binary, capsys) -> None:
    """go-clients' FetchChainInfo without a chain hash refuses an /info of another beacon id; ours too."""
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=seeded_rng("not the default beacon"))
    info = ChainInfo(keys.public.to_bytes(), PERIOD, int(time.time()) - 30, b"other", scheme, "quicknet")
    store = MemoryStore()
    for r in range(1, 4):
        store.put(Beacon(r, bls.sign(scheme, keys.secret, scheme.digest(r))))
    server = serve(ServedChain(info, store))
    try:
        theirs = _go(drand_client_binary, "get", "public", "--url", server.url, "--insecure", "2")
        said = theirs.stdout + theirs.stderr
        assert theirs.returncode != 0 and "does not advertise the default drand" in said
        code, out, err = _ours(capsys, "public", "--url", server.url, "--insecure", "2")
        assert (code, out) == (EXIT_USAGE, "") and "does not advertise the default drand" in err
        pinned = _ours(capsys, "public", "--url", server.url, "--hash", info.hash().hex(), "2")
        assert pinned[0] == EXIT_OK and json.loads(pinned[1])["round"] == 2  # a pin is a root of trust
    finally:
        server.close()
