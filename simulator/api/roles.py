"""The role check as a route dependency, so that it runs before the body is read
(no ``from __future__ import annotations``: FastAPI must read the closure's types).

:mod:`simulator.backend.auth` gives the order in which a request is judged: who is
calling, what their role may do, then what the body says.
"""

from typing import Annotated, Any

from fastapi import Depends

from simulator.backend.auth import Actor, require_writer

__all__ = ["writer"]


def writer(actor_dependency: Any, action: str) -> Any:
    """The type of a route parameter: the actor of ``actor_dependency``, ``403
    forbidden`` (in the words of ``action``) unless they may write. Listed before the
    route's body: FastAPI solves dependencies in the order of the parameters, and an
    error one raises stops the rest, so the body is not validated for a viewer."""

    def dependency(actor: Annotated[Actor, Depends(actor_dependency)]) -> Actor:
        require_writer(actor, action)
        return actor

    return Annotated[Actor, Depends(dependency)]
