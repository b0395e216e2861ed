"""Settings for every test run, unit tests and notebooks alike.

The suite never reaches the internet: the League of Entropy cells of sessions 1, 2 and 8 (and
``drand_edu.client.league``) then verify their recorded real beacons instead of asking the public relays.
"""

import os

os.environ.setdefault("DRAND_EDU_OFFLINE", "1")
