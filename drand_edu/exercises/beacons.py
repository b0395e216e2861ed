"""Exercise checkers for the beacons notebook (filled in by that notebook's author)."""

__all__: list[str] = []
