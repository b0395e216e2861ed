"""Set-up shared by every notebook: backend, seeded randomness, quiet warnings, plot style; and the
live-coding helpers (a cell can be run again: what it started is replaced, and stopped with the kernel).

Only the notebooks import this module (through :func:`drand_edu.notebook_setup`).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .crypto.backend import current_backend, use_backend
from .rng import Rng, default_rng, seeded_rng

T = TypeVar("T")


def notebook_setup(seed: int | None = None, backend: str | None = None) -> Rng:
    """Choose the backend, silence noisy warnings, style the plots, and return an rng.

    With a ``seed`` the rng is deterministic (so the committed outputs are reproducible):
    **for teaching only**. Without one it is the secure default.
    """
    if backend is not None:
        use_backend(backend)
    # nbval compares stderr too: a stray warning would fail a cell, so keep the known-noisy ones quiet.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    warnings.filterwarnings("ignore", module="matplotlib")
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    _style_plots()
    rng = default_rng() if seed is None else seeded_rng(seed)
    mode = f"seed {seed} (deterministic: for teaching only)" if seed is not None else "secure randomness"
    print(f"drand_edu {__version__} · backend: {current_backend().name} · {mode}")
    return rng


def _style_plots() -> None:
    try:
        import matplotlib as mpl
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - plotting is optional outside notebooks
        return
    from .viz.figure_check import watch_figures

    set_matplotlib_formats("png")  # nbval ignores PNGs; SVG output would be compared as text
    watch_figures()  # a figure that shows no data says so on stderr, where nbval and the tests see it
    mpl.rcParams.update(
        {
            "figure.figsize": (7.5, 4.0),
            "figure.dpi": 90,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "font.size": 10,
            "svg.hashsalt": "drand-edu",
        }
    )


@contextmanager
def expect_error(*expected: type[BaseException]) -> Iterator[None]:
    """Run a block that must fail with one of the ``expected`` errors, and print it as a learner reads it.

    Notebooks use it to *show* a refusal (a forged beacon, a bad share) without a traceback. The type is
    required: a cell that demonstrates ``InvalidBeacon`` must not pass off a ``KeyError`` from a typo as
    the lesson, so any other exception propagates and shows as the error it is. If the block does not
    raise at all, that is a regression and an AssertionError says so.
    """
    if not expected or not all(isinstance(e, type) and issubclass(e, BaseException) for e in expected):
        raise TypeError("expect_error needs the exception type(s) the cell demonstrates, "
                        "e.g. expect_error(InvalidBeacon)")
    try:
        yield
    except expected as exc:
        print(f"{type(exc).__name__}: {exc}")
    else:
        names = " or ".join(e.__name__ for e in expected)
        raise AssertionError(f"this cell was expected to fail with {names}, but it ran without an error")


# -- live-coding safety: what a cell starts is stopped when the cell runs again, and when the kernel stops --
_running: dict[str, object] = {}
_folders: list[Path] = []


def keep_running(name: str, thing: T) -> T:
    """Remember a server or process (or a list of them) a cell started, under ``name``, and return it.

    When the cell runs again, what its earlier run kept under the same name is stopped first (unless it is
    the very same object, reused); whatever is still kept when the kernel stops is stopped then. So a cell
    that starts servers can be re-run during a live session without leaving the old ones listening, and
    the later cells that use them keep working until the kernel shuts down. A thing is stopped with its
    ``close()`` or ``stop()`` method, a ``subprocess.Popen`` with terminate (kill after 5 s).
    """
    previous = _running.pop(name, None)
    if previous is not None and previous is not thing:
        _stop(previous, keep=thing)
    _running[name] = thing
    _stop_on_sigterm()
    return thing


def keep_serving(name: str, chains: Sequence[Any], clock: Callable[[], float]) -> list[Any]:
    """Serve each of ``chains`` (:class:`drand_edu.api.ServedChain`) on an endpoint of its own, kept under
    ``name`` like :func:`keep_running`, and return the servers.

    When the cell runs again (it made its chains again), the endpoints it kept before serve the new chains
    at the **same URLs** (one closed meanwhile is started again on its old port when that is free): a client
    that a later cell pointed at them keeps working on what this cell made, instead of knocking on closed
    ports. Extra endpoints of the earlier run are stopped."""
    from urllib.parse import urlsplit

    from .api import serve
    from .api.server import PublicAPI

    kept = _running.get(name)
    before = list(kept) if isinstance(kept, (list, tuple)) else []
    servers = []
    for index, chain in enumerate(chains):
        old = before[index] if index < len(before) else None
        if old is not None and not old.closed:
            old.api = PublicAPI([chain], clock)  # the running endpoint answers from the new chain
            servers.append(old)
            continue
        port = (urlsplit(old.url).port or 0) if old is not None else 0
        try:
            servers.append(serve(chain, port=port, clock=clock))
        except OSError:  # the old port is taken meanwhile: any free one
            servers.append(serve(chain, clock=clock))
    return keep_running(name, servers)


def stop_kept(name: str | None = None) -> None:
    """Stop what :func:`keep_running` keeps under ``name`` (everything without a name)."""
    names = [name] if name is not None else list(_running)
    _stop([_running.pop(key) for key in names if key in _running])


def _flatten(thing: object) -> list[object]:
    if isinstance(thing, (list, tuple, set)):
        return [leaf for item in thing for leaf in _flatten(item)]
    return [thing]


def _stop(thing: object, keep: object = None) -> None:
    """Stop ``thing`` (or each thing in a nested list of them) except what is in ``keep``.

    Processes are all signalled first and then waited for together (5 s, then killed), so stopping a
    notebook's four nodes takes as long as the slowest one, not the sum: the kernel's end (a restart, a
    shutdown) must finish before Jupyter gives up on it and kills it, which would leave the folders."""
    kept = _flatten(keep) if keep is not None else []
    things = [t for t in _flatten(thing) if not any(t is k for k in kept)]
    processes = [t for t in things if isinstance(t, subprocess.Popen) and t.poll() is None]
    for process in processes:
        process.terminate()
    for other in things:
        if isinstance(other, subprocess.Popen):
            continue
        for method in ("close", "stop"):
            if callable(getattr(other, method, None)):
                getattr(other, method)()
                break
    deadline = time.monotonic() + 5
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def temporary_folder(prefix: str, *, reuse: bool = False) -> Path:
    """A fresh temporary folder for a notebook's files, removed when the kernel stops (re-running the
    cell gives a new one; the old ones go at the end too), so a session leaves nothing in the temp dir.

    With ``reuse`` a re-run gets the folder this prefix got before, files and all, as long as it is
    there: for a folder that something still running works in (session 1's nodes run from theirs), which
    a re-run of the set-up cell must not move away from under the cells that talk to it."""
    if reuse:
        for folder in _folders:
            if folder.name.startswith(prefix) and folder.is_dir():
                return folder
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _folders.append(folder)
    _stop_on_sigterm()
    return folder


_sigterm_installed = False


def _stop_on_sigterm() -> None:
    """Run :func:`stop_everything` on SIGTERM too, not only at a normal exit (atexit).

    A kernel restart or shutdown asks the kernel to exit, and if it is not gone within half of Jupyter's
    ``shutdown_wait_time`` (2.5 s by default) it is sent SIGTERM, whose default action skips atexit: the
    session's nodes would be killed without their folders (keys, shares, databases) being removed."""
    global _sigterm_installed
    if _sigterm_installed or threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: object) -> None:
        stop_everything()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:  # the default action: end the process now
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    _sigterm_installed = True


@atexit.register
def stop_everything() -> None:
    """What the kernel's end runs (atexit): stop everything kept, remove the temporary folders.

    ``scripts/run_twice.py`` calls it before it checks that nothing of the notebook still runs."""
    stop_kept()
    while _folders:
        shutil.rmtree(_folders.pop(), ignore_errors=True)
