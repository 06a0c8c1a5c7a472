"""Resource limits for the Jinja2 sandbox (untrusted templates arrive from imports).

Jinja2's ``SandboxedEnvironment`` stops attribute walks (``__class__``,
``__globals__``...) but not resource abuse: ``'a' * 10**9``, ``'a'.encode() * 10**9``,
``9**9**9`` (folded at *compile* time), nested ``range`` loops, runaway macro recursion,
padding widths such as ``'x'|center(10**9)``, or structures that explode when printed.
:class:`LimitedSandbox` adds a per-render budget and size checks on every route that can
allocate or loop. Sizes count every sequence-like value (``str``, ``bytes``,
``bytearray``, ``list``, ``tuple``, ``dict``, ``set``) and the methods that grow one are
estimated before they run, on ``bytes`` as on ``str`` (:mod:`.growth`):

* every ``for`` iterable is wrapped by the code generator and charged per iteration;
* ``range`` is capped at :data:`MAX_RANGE` items, ``lipsum`` at a few paragraphs;
* ``*``, ``**``, ``+``, ``%`` are intercepted (so they are never constant-folded) and
  refuse oversized results, huge integers and huge ``%`` widths;
* list/tuple/dict literals, ``~`` operands, comparison operands, printed values, filter
  and test arguments are size-checked (sizes count characters plus elements, through
  nested containers, stopping early at the limit); this holds for every filter and
  test, journeysim's own ones (registered after construction) included;
* filters whose output can dwarf their input are estimated *before* they run:
  ``center``/``indent``/``tojson`` widths, ``join``/``join_values`` separators,
  ``replace``, ``batch``/``slice`` counts, ``sum`` over sequences (quadratic);
  ``urlize`` targets, printf ``%`` and the ``format`` filter (conversions times what
  they print);
* every call is counted, depth-limited (recursion) and its arguments and result are
  size-checked; container mutations (``append``, ``update``...) are charged to a
  per-render storage budget; padding methods refuse huge widths, ``expandtabs``,
  ``replace``, ``join`` and ``translate`` are estimated, and ``str.format`` runs in a
  formatter that bounds its output field by field;
* everything a render outputs, including into macro and ``set`` block buffers, is
  charged to a work budget, and the final output is capped;
* time is charged to the same budget: each block charges its statements' nodes every
  time it runs (a loop body per iteration, a macro per call), each filter or test call
  a fixed cost, and filters that work item by item or word by word per item, so a
  template that builds nothing large still cannot run for seconds.

Blocked attribute access is a template error, not silent empty text. Where Jinja2 gives
an undefined value (which prints as nothing) for ``{{ firstName.__class__ }}``,
``{{ event.__init__ }}`` or ``{{ x|attr('__class__') }}``,
:meth:`LimitedSandbox.unsafe_undefined` raises a ``SecurityError`` naming the attribute
and the value's type, never the value. What is blocked is Jinja2's rule: attributes
starting with ``_`` and Python internals (``mro``, ``gi_frame``...). Mapping keys are not
attributes: ``{{ event._source }}`` finds no attribute on a ``dict`` and reads the key,
as ``{{ event['_source'] }}`` does; only a name every value has (:data:`EVERY_VALUE_HAS`:
``__class__``, ``__init__``...) is found as an attribute before a key, so ``x.__class__``
is blocked whatever ``x`` is, a missing value included. Other blocked names on a missing
value keep it missing (``{{ plan._tier }}`` without ``plan`` renders empty and lists
``plan``), since on the data it stands for they could be keys.

A call of what is not a function, data or a missing name (``{{ nickname() }}``), is a
template error that says so: the value's type, or the name that is missing, never the
value (Jinja2 would say ``'str' object is not callable``, or only that it is undefined).

Values that are not data (functions, methods, classes, modules, generators, Jinja's own
helper objects) never become text: printing one, joining it with ``~``, formatting it or
giving it to a filter raises :class:`NotDataError`, since its ``repr`` would put a
memory address (``0x7f…``) in the trace. Tests (``is callable``, ``is defined``) may
still look at them.

Breaking a limit raises :class:`TemplateLimitError` (a ``SecurityError``), which the
renderer reports as a template error. Limits are far above what a real message needs.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import update_wrapper
from typing import Any

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import UndefinedError
from jinja2.optimizer import Optimizer
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum, pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import EscapeFormatter, Markup

from simulator.engine.growth import check_format, check_method, check_printf
from simulator.engine.guards import GuardedRegistry
from simulator.engine.limits import (
    MAX_CALLS,
    MAX_DEPTH,
    MAX_ITERATIONS,
    MAX_OUTPUT,
    MAX_RANGE,
    MAX_SIZE,
    MAX_WORK,
    SEQUENCES,
    STEP_COST,
    NotDataError,
    TemplateLimitError,
    charge,
    check_power,
    check_printable,
    check_product,
    check_size,
    current_budget,
    fresh_budget,
    limit_error,
    reset_budget,
    size_of,
)

__all__ = [
    "EVERY_VALUE_HAS",
    "MAX_CALLS",
    "MAX_DEPTH",
    "MAX_ITERATIONS",
    "MAX_OUTPUT",
    "MAX_RANGE",
    "MAX_SIZE",
    "MAX_WORK",
    "LimitedSandbox",
    "LimitedTemplate",
    "NotDataError",
    "TemplateLimitError",
    "size_of",
]

EVERY_VALUE_HAS = frozenset(dir(object))
"""Attributes every value has (``__class__``, ``__init__``, ``__doc__``...): ``x.name``
finds one before any key of that name, so the sandbox blocks it whatever ``x`` holds."""


def _limited_range(*args: int) -> range:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise limit_error(f"range() is limited to {MAX_RANGE:,} items")
    return values


def _limited_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > 20 or max > 200 or min > max:
        raise limit_error("lipsum() is limited to 20 paragraphs of 200 words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


class _LimitedNamespace(Namespace):
    def __setitem__(self, name: str, value: Any) -> None:
        check_size(value, f"namespace value {name!r}")
        Namespace.__setitem__(self, name, value)


@pass_context
def _seeded_random(context: Context, seq: Any) -> Any:
    """The ``random`` filter, made reproducible: seeded by the sequence itself."""
    items = list(seq)
    if not items:
        return context.environment.undefined("No random item, sequence was empty.")
    return items[random.Random(repr(items)).randrange(len(items))]


class _LimitedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox: every field must be data, and the text made so far
    is bounded field by field (``('{0}' * 30000).format('x' * 90000)`` stops at once)."""

    def __init__(self, env: Any, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self._made = 0

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        obj, first = super().get_field(field_name, args, kwargs)
        check_printable(obj, "format field")
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> Any:
        text = super().format_field(value, format_spec)
        self._made += len(text)
        if self._made > MAX_SIZE:
            raise limit_error(f"formatted text would be larger than {MAX_SIZE:,} characters")
        return text


class _LimitedEscapeFormatter(_LimitedFormatter, EscapeFormatter):
    pass


_BODIES = frozenset({"body", "else_"})


def _steps(node: nodes.Node) -> int:
    """Nodes of a statement that run whenever its block runs: nested blocks (loop and
    ``if`` bodies, macro bodies) are charged when they run, by themselves.

    >>> from jinja2 import Environment
    >>> [_steps(n) for n in Environment().parse("{% if a.b %}{{ c }}{% endif %}{{ d }}").body]
    [3, 2]
    """
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        count += 1
        statement = isinstance(item, nodes.Stmt)
        for name, value in item.iter_fields():
            if statement and name in _BODIES:
                continue
            if isinstance(value, nodes.Node):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(child for child in value if isinstance(child, nodes.Node))
    return count


def _joins(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Concat) or node.find(nodes.Concat) is not None


class _LimitedOptimizer(Optimizer):
    """Jinja's constant folding, except of ``~`` (and what holds one): folding would join
    values into text at compile time, past the run-time check that refuses non-data
    (``{{ ''.upper ~ '' }}`` would print a method's address)."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        if isinstance(node, nodes.Expr) and _joins(node):
            return NodeTransformer.generic_visit(self, node, *args, **kwargs)
        return super().generic_visit(node, *args, **kwargs)


class _LimitedCodeGenerator(CodeGenerator):
    """Wraps loop iterables, literals, ``~`` and comparison operands in runtime guards."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.optimizer is not None:
            self.optimizer = _LimitedOptimizer(self.environment)
        self._loop_iterables: set[int] = set()
        self._sized: set[int] = set()
        self._joined: set[int] = set()

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if isinstance(node, nodes.Concat):
            self._joined.update(id(child) for child in node.nodes)
        elif isinstance(node, nodes.Compare):
            self._sized.add(id(node.expr))
            self._sized.update(id(op.expr) for op in node.ops)
        if id(node) in self._loop_iterables:
            return self._wrapped("environment.jsim_iterate(", node, args, kwargs)
        if id(node) in self._joined:
            return self._wrapped("environment.jsim_text(", node, args, kwargs)
        literal = isinstance(node, nodes.List | nodes.Dict) or (
            isinstance(node, nodes.Tuple) and node.ctx == "load"
        )
        if literal or id(node) in self._sized:
            return self._wrapped("environment.jsim_sized(", node, args, kwargs)
        return super().visit(node, *args, **kwargs)

    def _wrapped(self, opening: str, node: nodes.Node, args: tuple, kwargs: dict) -> Any:
        self.write(opening)
        result = super().visit(node, *args, **kwargs)
        self.write(")")
        return result

    def blockvisit(self, body: Iterable[nodes.Node], frame: Any) -> None:
        # Every block charges its steps each time it runs, so time is bounded by the
        # work budget however the template nests or repeats its blocks.
        body = list(body)
        steps = sum(map(_steps, body))
        if steps:
            self.writeline(f"environment.jsimcharge({steps * STEP_COST})")
        super().blockvisit(body, frame)

    def visit_For(self, node: nodes.For, frame: Any) -> None:
        self._loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)
        self._loop_iterables.discard(id(node.iter))

    def _output_child_to_const(self, node: nodes.Expr, frame: Any, finalize: Any) -> str:
        # Jinja folds constant output (``{{ ''.upper }}``) at compile time and, with
        # autoescape, escapes it *before* finalize sees it: refuse non-data here, so the
        # node is evaluated at run time, where finalize comes first and reports it.
        if _joins(node):
            raise nodes.Impossible()
        check_printable(node.as_const(frame.eval_ctx))
        return super()._output_child_to_const(node, frame, finalize)

    def visit_Output(self, node: nodes.Output, frame: Any) -> None:
        data = [child.data for child in node.nodes if isinstance(child, nodes.TemplateData)]
        static = sum(map(len, data))
        if static:
            self.writeline(f"environment.jsimcharge({static})")
        super().visit_Output(node, frame)


def _not_callable(value: Any) -> Exception:
    if isinstance(value, Undefined):
        return UndefinedError(f"{value._undefined_message}, so it cannot be called")
    kind = type(value).__name__
    return TypeError(f"a value of type {kind!r} is data, not a function: it cannot be called")


class LimitedTemplate(Template):
    """A template whose ``render`` starts a fresh budget and caps the output."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        token = fresh_budget()
        try:
            # new_context copies its variables (into the globals): a single mapping
            # needs no copy of its own first.
            only = len(args) == 1 and not kwargs and type(args[0]) is dict
            context = self.new_context(args[0] if only else dict(*args, **kwargs))
            try:
                text = self.environment.concat(self.root_render_func(context))  # type: ignore[attr-defined]
            except Exception:
                self.environment.handle_exception()
        finally:
            reset_budget(token)
        # Everything produced was charged to the work budget on the way; this caps the rest.
        if len(text) > MAX_OUTPUT:
            raise limit_error(f"the output is longer than {MAX_OUTPUT:,} characters")
        return text


class LimitedSandbox(SandboxedEnvironment):
    """``SandboxedEnvironment`` plus the resource limits described in the module docs."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _LimitedCodeGenerator
    template_class = LimitedTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("finalize", self._finalize)
        super().__init__(*args, **kwargs)
        self.globals.update(
            range=_limited_range, lipsum=_limited_lipsum, namespace=_LimitedNamespace
        )
        self.filters["random"] = _seeded_random
        filters, tests = self.filters, self.tests
        self.filters, self.tests = GuardedRegistry(tests=False), GuardedRegistry(tests=True)
        self.filters.update(filters)
        self.tests.update(tests)

    def _generate(self, *args: Any, **kwargs: Any) -> str:
        # Constant folding runs filters and finalize at compile time, which charge the
        # budget: give each compilation its own, so whether a template folds (and so
        # what its render costs) never depends on what was compiled before.
        token = fresh_budget()
        try:
            return super()._generate(*args, **kwargs)
        finally:
            reset_budget(token)

    def _compile(self, source: str, filename: str) -> Any:
        # Python may warn about the generated code (``{{ (5)[1:2] }}`` becomes ``5[1:2]``,
        # a SyntaxWarning); it is not the author's code, and it fails as a template error.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return super()._compile(source, filename)

    def make_globals(self, d: Mapping[str, Any] | None) -> Any:
        # A plain dict instead of Jinja's ChainMap: this environment's globals never
        # change after construction, and copying a ChainMap on every render is slow.
        return {**self.globals, **(d or {})}

    @staticmethod
    def _finalize(value: Any) -> Any:
        if type(value) is str or type(value) is Markup:  # the common case, kept quick
            size = len(value)
            if size > MAX_OUTPUT:
                raise limit_error(f"printed value is larger than {MAX_OUTPUT:,} characters")
            charge(size)
        else:
            check_size(value, "printed value", MAX_OUTPUT, printed=True)
        return value

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        """Refuse a blocked attribute with an error naming it (Jinja2 returns an undefined
        value, so the send would print nothing where the author wrote something)."""
        if isinstance(obj, Undefined) and attribute not in EVERY_VALUE_HAS:
            return obj  # still missing: on the data it stands for, the name could be a key
        # The attribute's name and the value's type only: the message reaches the trace.
        owner = (
            "a missing value"
            if isinstance(obj, Undefined)
            else f"a value of type {type(obj).__name__!r}"
        )
        raise SecurityError(
            f"access to attribute {attribute!r} of {owner} is unsafe: the sandbox blocks "
            "attributes starting with '_' and Python internals"
        )

    # Generated code calls ``environment.jsimcharge(n)`` for every block and output.
    jsimcharge = staticmethod(charge)

    def jsim_sized(self, value: Any) -> Any:
        check_size(value)
        return value

    def jsim_text(self, value: Any) -> Any:
        check_size(value, "operand of '~'", printed=True)
        return value

    def jsim_iterate(self, iterable: Any) -> Any:
        budget = current_budget()
        for item in iterable:
            budget.iterations += 1
            if budget.iterations > MAX_ITERATIONS:
                raise limit_error(f"loops may run at most {MAX_ITERATIONS:,} times in one render")
            yield item

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        printed = operator == "%"  # printf formatting turns the right operand into text
        check_size(left, "operand", printed=printed)
        check_size(right, "operand", printed=printed)
        if operator == "**":
            check_power(left, right)
        elif operator == "*":
            check_product(left, right)
        elif operator == "%":
            check_printf(left, right)
        result = self.binop_table[operator](left, right)
        check_size(result, "result")
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(__obj, Undefined) or not callable(__obj):
            raise _not_callable(__obj)
        budget = current_budget()
        budget.calls += 1
        if budget.calls > MAX_CALLS:
            raise limit_error(f"at most {MAX_CALLS:,} calls per render")
        if budget.depth >= MAX_DEPTH:
            raise limit_error(f"calls nest deeper than {MAX_DEPTH}")
        args = check_method(__obj, args, kwargs)
        for value in (*args, *kwargs.values()):
            check_size(value, "argument")
        budget.depth += 1
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        if isinstance(result, SEQUENCES):
            check_size(result, "call result")
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format``/``format_map``, as Jinja2 sandboxes them, with
        :class:`_LimitedFormatter` (fields must be data, output bounded as it is made)."""
        if super().wrap_str_format(value) is None:
            return None
        owner: str = value.__self__
        check_format(owner)
        text_type = type(owner)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping argument")
                args, kwargs = (), args[0]
            formatter = (
                _LimitedEscapeFormatter(self, escape=owner.escape)
                if isinstance(owner, Markup)
                else _LimitedFormatter(self)
            )
            return text_type(formatter.vformat(owner, args, kwargs))

        return update_wrapper(wrapper, value)
