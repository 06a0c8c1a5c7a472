"""Field docstrings as JSON Schema descriptions, added where schemas are generated.

The models document each field with a docstring under it (``name: str`` then
``\"\"\"What it is.\"\"\"``). pydantic's ``use_attribute_docstrings`` would read them by
parsing every model's source when the class is made, which every command that imports
the models would pay for (about a quarter of their import time). Only schemas show
descriptions, so ``journeysim schema`` and the API's OpenAPI document add them here,
after generation: each model definition's properties get the docstrings of its class
and of the classes it inherits from, unless they already have a description.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from collections.abc import Iterable, Iterator, MutableMapping
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel

__all__ = [
    "add_field_docstrings",
    "describe",
    "field_docstrings",
    "models_of",
    "models_under",
]


def add_field_docstrings(
    definitions: MutableMapping[str, Any], models: Iterable[type[BaseModel]], *, sort: bool = True
) -> None:
    """Describe the properties of each definition that is one of ``models`` (matched by
    title, the class name pydantic gives it) with the field docstrings of that class.
    ``sort``: keep each property's keywords sorted, as pydantic's own schemas have them
    (FastAPI's OpenAPI document leaves them unsorted, description last)."""
    by_name: dict[str, type[BaseModel] | None] = {}
    for model in models:
        seen = by_name.get(model.__name__, model)
        by_name[model.__name__] = model if seen is model else None  # a clash: no guess
    for definition in definitions.values():
        model = by_name.get(definition.get("title", "")) if isinstance(definition, dict) else None
        if model is not None:
            describe(definition, model, sort=sort)


def describe(schema: dict[str, Any], model: type[BaseModel], *, sort: bool = True) -> None:
    """Add ``model``'s field docstrings to the properties of its ``schema``."""
    properties = schema.get("properties", {})
    docs = field_docstrings(model)
    for name, field in model.model_fields.items():
        doc = docs.get(name)
        prop = properties.get(field.alias or name)
        if doc and isinstance(prop, dict) and not field.description and "description" not in prop:
            items = [*prop.items(), ("description", doc)]
            if sort:
                items.sort()
            elif "default" in prop:  # where pydantic puts it unsorted: before the default
                items.sort(key=lambda item: item[0] == "default")
            prop.clear()
            prop.update(items)


def field_docstrings(model: type) -> dict[str, str]:
    """Field name → docstring, for ``model`` and the classes it inherits from."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, BaseModel) and cls is not BaseModel:
            docs.update(_own_docstrings(cls))
    return docs


@cache
def _own_docstrings(cls: type) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source at hand (a frozen app, a dynamic class)
        return {}
    tree = ast.parse(source)
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for statement, following in pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def models_under(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """``model`` and every model its fields hold, at any depth (each once)."""
    seen: set[type] = set()
    stack: list[Any] = [model]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in seen:
                continue
            seen.add(item)
            yield item
            stack.extend(field.annotation for field in item.model_fields.values())
        else:
            stack.extend(typing.get_args(item))


def models_of(base: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """``base`` and every subclass of it defined so far."""
    stack = [base]
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        yield cls
