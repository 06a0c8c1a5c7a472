"""The Journeys API's HTTP shell (SPEC §5): FastAPI routes over :mod:`simulator.backend`.

This package holds only what speaks HTTP: the app factory and routes
(:mod:`simulator.api.app`, :mod:`simulator.api.runtime_routes`), the middleware that
turns requests into actors and coded errors into responses, the OpenAPI document and
its docs pages, and :mod:`simulator.api.testing`, an in-process client for users' own
tests. The logic lives in the framework-free :mod:`simulator.backend`, which the CLI
and the terminal UI call directly without importing FastAPI.
"""

from simulator.api.app import create_app

__all__ = ["create_app"]
