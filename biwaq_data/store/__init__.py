"""Versions of the data: checks of an upload (importing) and the immutable snapshot store (snapshots)."""
