"""Set-up shared by every notebook: backend, seeded randomness, quiet warnings, plot style.

Only the notebooks import this module (through :func:`drand_edu.notebook_setup`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from . import __version__
from .crypto.backend import current_backend, use_backend
from .rng import Rng, default_rng, seeded_rng


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
