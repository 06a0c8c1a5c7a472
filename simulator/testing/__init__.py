"""Developer tools for testing journeys with pytest (the ``pytest11`` plugin lives in
:mod:`simulator.testing.pytest_plugin`; it is loaded by pytest, not imported here)."""

__all__: list[str] = []
