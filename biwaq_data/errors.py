"""The one exception of the data layer."""


class DataError(ValueError):
    """Nothing usable can be loaded; the message is German and names the file (and column)."""
