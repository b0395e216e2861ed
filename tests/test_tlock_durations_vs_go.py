"""``tle -D`` durations: ours counted as tlock's ``cmd/tle`` counts them, with Go's own calendar as the judge.

tlock's ``durationFrom`` (``cmd/tle/commands/encrypt.go``) turns d, w, M and y into
``start.AddDate(...).Sub(start)``, each from the start, and adds the lengths up; ``-D 0s`` and other
durations that end at the start are refused. ``tle`` itself reads the clock, so the calendar cases are judged
by Go's ``time.AddDate`` (what ``durationFrom`` calls), in a small Go program of ours that uses nothing but
Go's standard library; the refusals and the rounds are judged by the real ``tle`` (tlock v1.2.0) on our
HTTP API.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drand_edu.api.server import ServedChain, serve
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.cli import EXIT_OK, EXIT_USAGE, main
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore
from drand_edu.tlock import read_stanza, round_for_duration
from tests.drandref import _missing

ADD_DATE = """package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

// one line in: unix-seconds years months days; one line out: the unix seconds of start.AddDate(...)
func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var start int64
		var y, m, d int
		fmt.Sscan(in.Text(), &start, &y, &m, &d)
		fmt.Println(time.Unix(start, 0).UTC().AddDate(y, m, d).Unix())
	}
}
"""

#: month ends, leap days, year ends: where calendars disagree
STARTS = ["2024-01-31", "2025-01-31", "2024-02-29", "2023-03-31", "2024-05-31", "2024-12-31", "2023-08-31",
          "2024-10-31", "2100-02-28", "2024-07-15"]  # fmt: skip
UNITS = [(0, 1, 0), (0, 13, 0), (1, 0, 0), (4, 0, 0), (0, 11, 0), (0, 0, 1), (0, 0, 7), (0, 0, 400)]


@pytest.fixture(scope="module")
def go_add_date(tmp_path_factory) -> Path:
    go = shutil.which("go")
    if go is None:
        _missing("Go is needed to let Go's own time.AddDate judge ours")
    folder = tmp_path_factory.mktemp("adddate")
    (folder / "main.go").write_text(ADD_DATE)
    (folder / "go.mod").write_text("module adddate\n\ngo 1.21\n")
    built = subprocess.run([go, "build", "-o", "adddate", "."], cwd=folder, capture_output=True, text=True,
                           timeout=600, env={**os.environ, "GOFLAGS": "-mod=mod"})  # fmt: skip
    assert built.returncode == 0, built.stderr
    return folder / "adddate"


def _second_chain() -> ChainInfo:
    """A chain of 1-second rounds from genesis 0: the round current at t is t + 1 (only its clock is used)."""
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    return ChainInfo(scheme.key_group.generator().to_bytes(), 1, 0, b"seed", scheme, "durations")


def _unit_text(years: int, months: int, days: int) -> str:
    return "".join(f"{n}{u}" for n, u in ((years, "y"), (months, "M"), (days, "d")) if n) or "0s"


def test_calendar_units_match_go_add_date(go_add_date: Path) -> None:
    info = _second_chain()
    cases = [(int(datetime.fromisoformat(day).replace(hour=13, tzinfo=UTC).timestamp()), *unit)
             for day in STARTS for unit in UNITS]  # fmt: skip
    lines = "".join(f"{start} {y} {m} {d}\n" for start, y, m, d in cases)
    answers = subprocess.run([str(go_add_date)], input=lines, capture_output=True, text=True, timeout=60)
    go_ends = [int(x) for x in answers.stdout.split()]
    assert len(go_ends) == len(cases)
    rolled_over = 0
    for (start, y, m, d), go_end in zip(cases, go_ends, strict=True):
        # period 1 s from genesis 0: the round current at t is t + 1, so the round says the moment exactly
        assert round_for_duration(info, _unit_text(y, m, d), start) == go_end + 1, (start, y, m, d)
        rolled_over += datetime.fromtimestamp(go_end, UTC).day != datetime.fromtimestamp(start, UTC).day
    assert rolled_over >= 5  # the cases do reach Go's normalisation (Jan 31 + 1M is in March)


def test_units_add_up_from_the_start_as_in_tle(go_add_date: Path) -> None:
    """``1y1M`` from Feb 29 2024 is 366 days (to Mar 1 2025) plus 29 days (to Mar 29 2024): tle adds the
    two lengths, which is not the same as 13 calendar months (to Mar 29 2025)."""
    info = _second_chain()
    start = int(datetime(2024, 2, 29, 13, tzinfo=UTC).timestamp())
    lines = f"{start} 1 0 0\n{start} 0 1 0\n{start} 0 13 0\n"
    year, month, thirteen = map(int, subprocess.run([str(go_add_date)], input=lines, capture_output=True,
                                                    text=True, timeout=60).stdout.split())  # fmt: skip
    tle_end = start + (year - start) + (month - start)
    assert tle_end != thirteen
    assert round_for_duration(info, "1y1M", start) == tle_end + 1


# -- the real tle on a chain of ours: what -D and -r refuse ----------------------------------------------

PERIOD = 3600  # an hour per round, and the clock in the middle of one: the current round stays put


@pytest.fixture(scope="module")
def hourly_chain():
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    keys = bls.keygen(scheme, rng=seeded_rng("tle-durations"))
    genesis = int(time.time()) - 100 * PERIOD - PERIOD // 2  # round 101 is current, for another half hour
    info = ChainInfo(keys.public.to_bytes(), PERIOD, genesis, b"tle-durations", scheme, "tle-durations")
    store = MemoryStore()
    for r in range(1, 102):
        store.put(Beacon(r, bls.sign(scheme, keys.secret, scheme.digest(r))))
    server = serve(ServedChain(info, store))
    try:
        yield info, server.url
    finally:
        server.close()


def _tle(tle_binary: Path, url: str, info: ChainInfo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(tle_binary), "--encrypt", "--network", url, "--chain", info.hash_hex, *args],
                          input=b"sealed", capture_output=True, timeout=120)  # fmt: skip


def _ours(url: str, info: ChainInfo, tmp_path: Path, *args: str) -> tuple[int, Path]:
    (tmp_path / "msg").write_bytes(b"sealed")
    out = tmp_path / "msg.age"
    out.unlink(missing_ok=True)
    code = main(
        ["tlock", "encrypt", "-u", url, "-c", info.hash_hex, *args, str(tmp_path / "msg"), "-o", str(out)]
    )
    return code, out


def test_zero_duration_refused_by_both(tle_binary, hourly_chain, tmp_path: Path) -> None:
    info, url = hourly_chain
    for zero in ("0s", "0m0s", "0y"):
        theirs = _tle(tle_binary, url, info, "-D", zero)
        assert theirs.returncode != 0 and b"in the past or was too large" in theirs.stderr + theirs.stdout
        code, out = _ours(url, info, tmp_path, "-D", zero)
        assert code == EXIT_USAGE and not out.exists()


def test_duration_rounds_agree_with_tle(tle_binary, hourly_chain, tmp_path: Path) -> None:
    info, url = hourly_chain
    for duration in ("1s", "2h", "1d", "1w"):
        theirs = _tle(tle_binary, url, info, "-D", duration)
        assert theirs.returncode == 0, theirs.stderr
        code, out = _ours(url, info, tmp_path, "-D", duration)
        assert code == EXIT_OK
        assert read_stanza(out.read_bytes()).round == read_stanza(theirs.stdout).round


def test_current_round_tle_encrypts_ours_refuses(tle_binary, hourly_chain, tmp_path: Path) -> None:
    info, url = hourly_chain
    current = info.round_at(time.time())
    assert current == 101
    # tle refuses only rounds below the current one: the current round's beacon is out, yet it encrypts
    assert _tle(tle_binary, url, info, "-r", str(current - 1)).returncode != 0
    theirs = _tle(tle_binary, url, info, "-r", str(current))
    assert theirs.returncode == 0 and read_stanza(theirs.stdout).round == current
    # ours: the current round is already out, anyone can open the file: refused unless --force
    assert _ours(url, info, tmp_path, "-r", str(current - 1))[0] == EXIT_USAGE
    code, out = _ours(url, info, tmp_path, "-r", str(current))
    assert code == EXIT_USAGE and not out.exists()
    code, out = _ours(url, info, tmp_path, "-r", str(current), "--force")
    assert code == EXIT_OK and read_stanza(out.read_bytes()).round == current
    for ahead in (current + 1, current + 1000):
        assert _tle(tle_binary, url, info, "-r", str(ahead)).returncode == 0
        assert _ours(url, info, tmp_path, "-r", str(ahead))[0] == EXIT_OK


#: what a learner types after -D: tle's regexp ^([0-9]+[smhMdwy]{1})+$, each unit at most once
DURATION_TEXTS = ["1h30m", "30m1h", "01s", "1w2d", "1M", "1y", "2h0s", "1m1m", "1.5h", "1H", "1 h", "h", "10",
                  "-5s", "1s ", "", "\u0663s", "1d1D", "5ms"]  # fmt: skip


def test_duration_texts_read_as_tle_reads_them(tle_binary, hourly_chain, tmp_path: Path) -> None:
    info, url = hourly_chain
    for text in DURATION_TEXTS:
        theirs = _tle(tle_binary, url, info, "-D", text)
        code, out = _ours(url, info, tmp_path, f"--duration={text}")  # "-5s" is a value, not a flag
        if theirs.returncode == 0:
            assert code == EXIT_OK, text
            assert read_stanza(out.read_bytes()).round == read_stanza(theirs.stdout).round, text
        else:
            assert code == EXIT_USAGE and not out.exists(), text
