"""Exercise checkers for the dkg notebook (filled in by that notebook's author)."""

__all__: list[str] = []
