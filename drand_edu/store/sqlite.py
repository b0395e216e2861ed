"""The embedded default store: SQLite, one row per round, one transaction per write.

drand's default is an embedded key-value database (bolt, ``internal/chain/boltdb/store.go``) keyed by
round; ours is SQLite from the standard library, for the same reasons: one file, no server, and
crash safety from its journal — a process killed in the middle of a write leaves either the whole
row or nothing (the test suite kills a real writer with SIGKILL to prove it).

**Trimmed storage, the default for new stores.** drand v2's
[`trimmedStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L100-L123)
writes only round → signature: on a chained chain the previous
signature of round r *is* the signature of round r − 1, so storing it again doubles the size for
nothing. A trimmed store rebuilds it when reading, from the row before; round 1 links to round 0,
the genesis beacon whose "signature" is the genesis seed. drand's
[`NewBoltStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/store.go#L57-L100)
opens a new file trimmed and an existing one in the form it already has (``shouldUseTrimmedBolt``),
and sets ``drand_node_db`` accordingly; ``trimmed=None`` does the same here, ``trimmed=False`` makes a
new untrimmed store. Which one a node runs is what the
``drand_node_db`` metric reports (:attr:`SQLiteStore.metric_code`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..chain.beacon import Beacon
from ..errors import BeaconNotFound, StoreError
from .base import ChainStore, check_same

_SCHEMA = """
CREATE TABLE IF NOT EXISTS beacons (
    round INTEGER PRIMARY KEY,
    signature BLOB NOT NULL,
    previous_signature BLOB
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_MEMORY = ":memory:"
#: rows a cursor reads under the lock at a time (see :meth:`SQLiteStore.cursor`)
CURSOR_PAGE = 256


class DiskFull(StoreError):
    """The store's disk (or its size limit) is full: SQLite could not write (``SQLITE_FULL``)."""


class SQLiteStore(ChainStore):
    """Beacons in an SQLite file (``":memory:"``: the same store, in RAM; the simulator's nodes use it).

    ``trimmed``: ``None`` (default) opens an existing store as it is and creates a new one trimmed;
    ``True``/``False`` insist. A trimmed store of a *chained* chain (``chained=True``, or a
    ``genesis_seed`` given) rebuilds each previous signature from the row before; round 1 from the
    genesis row (round 0) or else from ``genesis_seed``. On unchained chains beacons have no previous
    signature at all.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        trimmed: bool | None = None,
        genesis_seed: bytes | None = None,
        chained: bool | None = None,
    ) -> None:
        self.path = Path(path)
        self.genesis_seed = genesis_seed
        self.chained = genesis_seed is not None if chained is None else chained
        self._lock = threading.Lock()  # one connection, shared by the API's threads
        try:
            in_memory = str(path) == _MEMORY
            self._db = sqlite3.connect(str(path) if in_memory else self.path, check_same_thread=False,
                                       isolation_level=None)  # fmt: skip
            if not in_memory:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process in WAL
            self._db.executescript(_SCHEMA)
            stored = self._db.execute("SELECT value FROM meta WHERE key = 'mode'").fetchone()
            if stored is None:
                mode = "full" if trimmed is False else "trimmed"  # drand v2: new stores are trimmed
                self._db.execute("INSERT INTO meta VALUES ('mode', ?)", (mode,))
            else:
                mode = stored[0]
                if trimmed is not None and mode != ("trimmed" if trimmed else "full"):
                    wanted = "trimmed" if trimmed else "full"
                    raise StoreError(f"{self.path} is a {mode} store; it cannot be opened as {wanted}")
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                raise DiskFull(f"{self.path}: disk full: cannot open the store") from None
            raise StoreError(f"{self.path}: not a usable SQLite store ({exc})") from None
        self.trimmed = mode == "trimmed"

    @property
    def db_type(self) -> str:
        """The ``db_type`` label of ``drand_node_db`` (drand says ``bolt-trimmed``/``bolt-untrimmed``)."""
        return "sqlite-trimmed" if self.trimmed else "sqlite-untrimmed"

    @property
    def metric_code(self) -> int:
        """drand's ``drand_node_db`` value: 1 trimmed, 4 untrimmed (``internal/chain/store.go``)."""
        return 1 if self.trimmed else 4

    # -- writing ----------------------------------------------------------------------------------
    def put(self, beacon: Beacon) -> None:
        self.put_many([beacon])

    def put_many(self, beacons: Iterable[Beacon]) -> None:
        """Store several beacons in one transaction: all of them, or none.

        A write SQLite cannot do (the disk is full, an I/O error, a read-only file) is a
        :class:`StoreError` that says so — :class:`DiskFull` for a full disk — and the store keeps
        every beacon it had: SQLite has rolled the transaction back itself.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for beacon in beacons:
                    query = "SELECT signature, previous_signature FROM beacons WHERE round = ?"
                    row = self._db.execute(query, (beacon.round,)).fetchone()
                    if row is not None:
                        check_same(self._beacon(beacon.round, row), beacon)
                        continue
                    previous = None if self.trimmed else beacon.previous_signature
                    row = (beacon.round, beacon.signature, previous)
                    self._db.execute("INSERT INTO beacons VALUES (?, ?, ?)", row)
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise self._write_error(exc) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already: on a full disk (``SQLITE_FULL``) or an
        I/O error it rolls back by itself, and a second ``ROLLBACK`` would fail with "cannot rollback -
        no transaction is active", hiding the real error."""
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _write_error(self, exc: sqlite3.DatabaseError) -> StoreError:
        """One line that says why a write failed; a full disk is named as such."""
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return DiskFull(f"{self.path}: disk full: nothing written (free some space; the store is intact)")
        return StoreError(f"{self.path}: cannot write ({exc})")

    def delete(self, round_number: int) -> None:
        """Remove a round (used by repair, before storing the right beacon)."""
        with self._lock:
            try:
                self._db.execute("DELETE FROM beacons WHERE round = ?", (round_number,))
            except sqlite3.DatabaseError as exc:
                raise self._write_error(exc) from None

    # -- reading ----------------------------------------------------------------------------------
    def get(self, round_number: int) -> Beacon:
        with self._lock:
            row = self._db.execute(
                "SELECT signature, previous_signature FROM beacons WHERE round = ?", (round_number,)
            ).fetchone()
            if row is None:
                raise BeaconNotFound(f"round {round_number} is not in {self.path.name}")
            return self._beacon(round_number, row)

    def last(self) -> Beacon | None:
        with self._lock:
            row = self._db.execute(
                "SELECT round, signature, previous_signature FROM beacons ORDER BY round DESC LIMIT 1"
            ).fetchone()
            return None if row is None else self._beacon(row[0], row[1:])

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM beacons").fetchone()[0]

    def cursor(self, start: int = 0, end: int | None = None) -> Iterator[Beacon]:
        """Beacons from ``start`` to ``end``, read :data:`CURSOR_PAGE` rows at a time.

        The store's lock is held for one page only, never for the whole range: serving a sync from
        round 1 of a long chain must not hold up ``last()`` and every write meanwhile (drand's bolt
        cursor also walks the rows one by one instead of loading them). Rows written while a cursor
        runs may appear in its later pages (the chain only grows at its end).
        """
        end = 2**63 - 1 if end is None else end
        before: tuple[int, bytes] | None = None  # (round, signature) of the row just read
        while start <= end:
            page = []
            with self._lock:
                rows = self._db.execute(
                    "SELECT round, signature, previous_signature FROM beacons "
                    "WHERE round >= ? AND round <= ? ORDER BY round LIMIT ?",
                    (start, end, CURSOR_PAGE),
                ).fetchall()
                for round_number, signature, previous in rows:
                    if previous is None and self._rebuilds and before and before[0] == round_number - 1:
                        previous = before[1]  # the row before is at hand: no query needed
                    page.append(self._beacon(round_number, (signature, previous)))
                    before = (round_number, bytes(signature))
            yield from page
            if len(rows) < CURSOR_PAGE:
                return
            start = rows[-1][0] + 1

    @property
    def _rebuilds(self) -> bool:
        return self.trimmed and self.chained

    def _beacon(self, round_number: int, row: tuple) -> Beacon:
        signature, previous = bytes(row[0]), row[1]
        if previous is None and self._rebuilds and round_number > 0:
            previous = self._previous_of(round_number)
        return Beacon(round_number, signature, bytes(previous or b""))

    def _previous_of(self, round_number: int) -> bytes:
        """In a trimmed chained store: the signature of the round before (round 0: the genesis seed)."""
        row = self._db.execute(
            "SELECT signature FROM beacons WHERE round = ?", (round_number - 1,)
        ).fetchone()
        if row is not None:
            return bytes(row[0])
        if round_number == 1:
            return self.genesis_seed or b""
        return b""  # a gap: check_store will report the broken link

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path.name!r}, {'trimmed' if self.trimmed else 'untrimmed'})"
