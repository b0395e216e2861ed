"""drand_edu: drand's ideas rebuilt in small, readable Python, for the drand code-walkthrough course.

The layers, from the bottom: ``crypto`` → ``threshold`` → ``chain`` → ``node``/``net``/``store`` →
``api``/``client`` → ``cli``. ``viz`` and ``exercises`` serve the notebooks and nothing imports them.
"""

from .errors import DrandEduError

__version__ = "0.1.0"

__all__ = [
    "DrandEduError",
    "__version__",
    "available_backends",
    "current_backend",
    "default_rng",
    "expect_error",
    "notebook_setup",
    "seeded_rng",
    "use_backend",
]


def notebook_setup(seed: int | None = None, backend: str | None = None):
    """Prepare a notebook: choose the backend, quiet warnings, set the plot style; return an rng.

    Imported lazily so that the core library never depends on the notebook helpers.
    """
    from .notebook import notebook_setup as _setup

    return _setup(seed=seed, backend=backend)


def expect_error(*expected: type[BaseException]):
    """A context manager for notebooks: the block must raise one of ``expected`` (required); that error is
    printed, not a traceback, and any other exception propagates as the error it is."""
    from .notebook import expect_error as _expect_error

    return _expect_error(*expected)


def __getattr__(name: str):
    """``drand_edu.exercises`` / ``drand_edu.viz`` (and the layers, and the backend switch) load on first use.

    A notebook can write ``drand_edu.exercises.check_x(...)`` after a plain ``import drand_edu``, while
    ``import drand_edu`` itself stays light (``drand-edu --help`` imports no crypto at all) and the core
    never imports the notebook helpers.
    """
    if name in {"available_backends", "current_backend", "use_backend"}:  # the crypto layer, on first use
        from .crypto import backend

        return getattr(backend, name)
    if name in {"default_rng", "seeded_rng"}:
        from . import rng

        return getattr(rng, name)
    if name in {"exercises", "viz", "crypto", "threshold", "chain", "store", "net", "node", "api", "client",
                "tlock", "cli"}:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
