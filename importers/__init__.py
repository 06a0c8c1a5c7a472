"""Importers that turn other platforms' exports into journeysim import bundles."""

__all__: list[str] = []
