"""Answer checkers for the notebooks' exercises: ``check_<name>(answer)`` prints "correct" or "not yet".

Checkers test *properties* of the learner's answer against the library on fresh random inputs, so
they never reveal the answer. Nothing in the core library imports this package.
"""

from .beacons import *  # noqa: F403
from .cli import *  # noqa: F403
from .client import *  # noqa: F403
from .common import CORRECT as CORRECT
from .common import NOT_YET as NOT_YET
from .common import hint as hint
from .common import register_hints as register_hints
from .common import report as report
from .common import reset_hints as reset_hints
from .course import *  # noqa: F403
from .crypto import *  # noqa: F403
from .dkg import *  # noqa: F403
from .layers import *  # noqa: F403
from .network import *  # noqa: F403
from .storage import *  # noqa: F403
