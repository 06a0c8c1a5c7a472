"""The Jinja2 writer behind :func:`importers.pinpoint.templates.translate_template`.

:class:`Generator` walks the Handlebars tree with a stack of scopes: the template
root, each ``{{#each}}`` (whose items become ``itemN`` loop variables) and each
``{{#with}}`` (a static Pinpoint prefix such as ``User.UserAttributes``, or a
``withN`` variable). Paths resolve against the innermost scope; a name that is one of
Pinpoint's roots (``User``, ``Attributes``...) always means the endpoint, as
Handlebars.java's parent lookup does. Unsupported constructs are recorded as issues
and written back as literal text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from importers.pinpoint.handlebars import (
    Block,
    Call,
    Expr,
    Literal,
    Node,
    Output,
    Partial,
    PathExpr,
    Pos,
    Text,
)
from importers.pinpoint.helpers import CONDITIONALS, HELPERS
from importers.pinpoint.jinja import Unsupported, access, literal, string, tag, text
from importers.pinpoint.names import attribute_name, camel
from simulator.codes import ImportCode

__all__ = ["PINPOINT_ROOTS", "Generator", "Issue"]

PINPOINT_ROOTS = frozenset(
    {
        "User", "Attributes", "Metrics", "Demographic", "Location", "Address", "Id",
        "ChannelType", "OptOut", "EffectiveDate", "EndpointStatus", "RequestId",
        "CreationDate", "CohortId",
    }
)  # fmt: skip
"""Top-level names of Pinpoint's message context (the endpoint)."""
_NAMESPACES = frozenset({"Attributes", "Metrics", "Demographic", "Location"})


@dataclass(frozen=True, slots=True)
class Issue:
    code: ImportCode
    message: str
    line: int
    column: int


@dataclass
class _Scope:
    kind: str  # root | each | with
    item: str | None = None
    prefix: tuple[str, ...] | None = None
    key: str | None = None
    names: dict[str, str] = field(default_factory=dict)


class Generator:
    def __init__(self, channel: str, defaults: Mapping[str, str]) -> None:
        self.channel, self.defaults = channel, defaults
        self.issues: list[Issue] = []
        self.variables: dict[str, str] = {}
        self.scopes = [_Scope("root", prefix=())]
        self.partials: dict[str, str] = {}
        self.counter = 0
        self.depth = 0
        """How many blocks enclose the node being written."""

    def issue(self, code: ImportCode, message: str, pos: Pos) -> None:
        self.issues.append(Issue(code, message, pos.line, pos.column))

    def nodes(self, nodes: list[Node]) -> str:
        return "".join(self.node(node) for node in nodes)

    def node(self, node: Node) -> str:
        if isinstance(node, Text):
            return text(node.value)
        if isinstance(node, Output):
            return self.output(node)
        if isinstance(node, Partial):
            return self.partial(node)
        return self.block(node)

    # --- outputs and expressions ------------------------------------------------------

    def output(self, node: Output) -> str:
        try:
            code, boolean = self.expr(node.expr)
        except Unsupported as exc:
            self.issue(ImportCode.TEMPLATE_UNSUPPORTED, exc.message, exc.pos)
            return text(node.source)
        if not node.escaped:
            message = f"{node.source} is unescaped in Pinpoint; journeysim escapes it in HTML"
            self.issue(ImportCode.TEMPLATE_UNESCAPED_OUTPUT, message, node.pos)
        if boolean:
            code = f"('true' if {code} else 'false')"
        return tag("{{", code, "}}", node.strip)

    def expr(self, expr: Expr) -> tuple[str, bool]:
        """Jinja2 code for an expression, and whether it is a condition (true/false)."""
        if isinstance(expr, Literal):
            return literal(expr.value), False
        if isinstance(expr, PathExpr):
            if self._names_helper(expr):
                return self.call(Call(expr.original, (), (), expr.pos, expr))
            return self.resolve(expr), False
        return self.call(expr)

    def value(self, expr: Expr) -> str:
        return self.expr(expr)[0]

    def _names_helper(self, path: PathExpr) -> bool:
        name = path.segments[0] if len(path.segments) == 1 else None
        plain = not (path.data or path.depth or path.this)
        bound = any(name in scope.names for scope in self.scopes)
        return plain and name in HELPERS and not bound

    def call(self, call: Call) -> tuple[str, bool]:
        handler = HELPERS.get(call.name)
        if handler is None:
            raise Unsupported(f"helper {call.name!r} has no journeysim equivalent", call.pos)
        return handler(self, call)

    def args(self, call: Call, low: int, high: int | None) -> list[str]:
        count = len(call.params)
        if count < low or (high is not None and count > high):
            wanted = (
                f"{low}" if low == high else f"{low} or more" if high is None else f"{low}-{high}"
            )
            raise Unsupported(f"{call.name} takes {wanted} argument(s), not {count}", call.pos)
        return [self.value(param) for param in call.params]

    def options(
        self, call: Call, allowed: Mapping[str, str], *, literal: frozenset[str] = frozenset()
    ) -> dict[str, str]:
        """Hash arguments by name (unknown ones are unsupported), with defaults filled in."""
        values = dict(allowed)
        for key, expr in call.hash:
            if key not in allowed:
                raise Unsupported(f"{call.name} has no option {key!r}", expr.pos)
            bare = isinstance(expr, PathExpr) and key in literal
            values[key] = string(expr.original) if bare else self.value(expr)
        return values

    def resolve(self, path: PathExpr) -> str:
        """Jinja2 code for a path in the current scope."""
        if path.data and path.segments[:1] != ("root",):
            return self.data(path)
        if path.depth >= len(self.scopes):
            raise Unsupported(f"{path.original} climbs above the template", path.pos)
        static = self.absolute(path)
        if static is not None:
            return self.static(static, path)
        scopes, segments = self.scopes[: len(self.scopes) - path.depth], path.segments
        for scope in reversed(scopes):
            if segments and not path.this and segments[0] in scope.names:
                return scope.names[segments[0]] + access(segments[1:])
        return f"{scopes[-1].item}{access(segments)}"

    def absolute(self, path: PathExpr) -> tuple[str, ...] | None:
        """The Pinpoint segments a path stands for, or ``None`` when it reads a loop item."""
        segments = tuple(path.segments)
        if path.data:
            return segments[1:] if segments[:1] == ("root",) else None
        if path.depth >= len(self.scopes):
            return None
        scopes = self.scopes[: len(self.scopes) - path.depth]
        if segments and not path.this and any(segments[0] in s.names for s in scopes):
            return None
        scope = scopes[-1]
        relative = path.this or (
            scope.kind != "root" and bool(segments) and segments[0] not in PINPOINT_ROOTS
        )
        if not relative:
            return segments
        return None if scope.prefix is None else scope.prefix + segments

    def static(self, segments: tuple[str, ...], path: PathExpr) -> str:
        split = self.split(segments)
        if split is None:
            where = ".".join(segments) or "this"
            raise Unsupported(f"{where} is a group of values, not one value", path.pos)
        key, name, rest = split
        self.variables[key] = name
        first = rest[:1] == ("0",)
        rest = rest[1:] if first else rest
        code = f"{name}|first_value" if first else name
        if not rest and key in self.defaults:
            return f"({code}|default({string(self.defaults[key])}, true))"
        return f"({code}){access(rest)}" if first and rest else code + access(rest)

    def split(self, segments: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]] | None:
        """(Pinpoint variable, journeysim attribute, rest) — ``None`` for a namespace."""
        if not segments:
            return None
        head = segments[0]
        if head == "User":
            if len(segments) < 2 or segments[1:] == ("UserAttributes",):
                return None
            if segments[1] == "UserAttributes":
                key = f"User.UserAttributes.{segments[2]}"
                return key, attribute_name("User", segments[2]), segments[3:]
            return f"User.{segments[1]}", attribute_name("User", segments[1]), segments[2:]
        if head in _NAMESPACES:
            if len(segments) < 2:
                return None
            return f"{head}.{segments[1]}", camel(segments[1]), segments[2:]
        return head, attribute_name(head, channel=self.channel), segments[1:]

    def data(self, path: PathExpr) -> str:
        name = ".".join(path.segments)
        each = next((s for s in reversed(self.scopes) if s.kind == "each"), None)
        if path.depth or each is None:
            raise Unsupported(f"{path.original} is only supported inside {{{{#each}}}}", path.pos)
        if name in ("index", "first", "last"):
            return {"index": "loop.index0", "first": "loop.first", "last": "loop.last"}[name]
        if name == "key" and each.key:
            return each.key
        raise Unsupported(f"{path.original} has no journeysim equivalent", path.pos)

    # --- blocks -------------------------------------------------------------------------

    def block(self, block: Block) -> str:
        self.depth += 1
        try:
            if block.inline:
                return self.inline_partial(block)
            if block.call.name == "each" and not block.inverted:
                return self.each(block)
            if block.call.name == "with" and not block.inverted:
                return self.with_(block)
            return self.conditional(block, self.condition(block))
        except Unsupported as exc:
            self.issue(ImportCode.TEMPLATE_UNSUPPORTED, exc.message, exc.pos)
            return self.literal_block(block)
        finally:
            self.depth -= 1

    def condition(self, block: Block) -> str:
        call = block.call
        if block.inverted:
            if call.params or call.hash or call.head is None:
                raise Unsupported("an inverted section takes one name", call.pos)
            return f"not {self.resolve(call.head)}"
        if call.name in ("if", "unless"):
            (value,) = self.args(call, 1, 1)
            if call.hash:
                raise Unsupported(f"{call.name} options are not supported", call.hash[0][1].pos)
            return value if call.name == "if" else f"not {value}"
        if call.name in CONDITIONALS:
            if call.hash:
                raise Unsupported(f"{call.name} as a block takes no options", call.hash[0][1].pos)
            return self.call(call)[0]
        raise Unsupported(f"block helper {call.name!r} has no journeysim equivalent", call.pos)

    def conditional(self, block: Block, condition: str) -> str:
        out = tag("{%", f"if {condition}", "%}", block.strip_open) + self.nodes(block.program)
        inverse = block.inverse
        while inverse and len(inverse) == 1 and isinstance(inverse[0], Block):
            chained = inverse[0]
            if not chained.chained or chained.call.name in ("each", "with"):
                break
            try:
                elif_condition = self.condition(chained)
            except Unsupported:
                break
            out += tag("{%", f"elif {elif_condition}", "%}", chained.strip_open)
            out += self.nodes(chained.program)
            inverse = chained.inverse
        if inverse is not None:
            out += tag("{%", "else", "%}", block.strip_else) + self.nodes(inverse)
        return out + tag("{%", "endif", "%}", block.strip_close)

    def each(self, block: Block) -> str:
        (target,) = block.call.params if len(block.call.params) == 1 else self._arity(block)
        if block.call.hash:
            raise Unsupported("each takes no options", block.call.hash[0][1].pos)
        iterable = self.value(target)
        self.counter += 1
        item, key = f"item{self.counter}", f"key{self.counter}"
        keyed = _uses_key(block.program)
        # ``or {}``: a missing map iterates as empty instead of failing in dictsort
        pairs = f"for {key}, {item} in ({iterable} or {{}})|dictsort"
        head = pairs if keyed else f"for {item} in {iterable}"
        scope = _Scope("each", item=item, key=key if keyed else None)
        if block.block_params:
            scope.names[block.block_params[0]] = item
        if len(block.block_params) > 1:
            scope.names[block.block_params[1]] = key if keyed else "loop.index0"
        self.scopes.append(scope)
        try:
            body = self.nodes(block.program)
        finally:
            self.scopes.pop()
        out = tag("{%", head, "%}", block.strip_open) + body
        if block.inverse is not None:
            out += tag("{%", "else", "%}", block.strip_else) + self.nodes(block.inverse)
        return out + tag("{%", "endfor", "%}", block.strip_close)

    def with_(self, block: Block) -> str:
        (target,) = block.call.params if len(block.call.params) == 1 else self._arity(block)
        static = self.absolute(target) if isinstance(target, PathExpr) else None
        if static is not None and self.split(static) is None:
            if block.inverse is not None or block.block_params:
                raise Unsupported("with over a group of values takes no else or |as|", block.pos)
            return self._scoped(_Scope("with", prefix=static), block.program)
        self.counter += 1
        var = f"with{self.counter}"
        scope = _Scope("with", item=var, names=dict.fromkeys(block.block_params[:1], var))
        out = tag("{%", f"with {var} = {self.value(target)}", "%}", block.strip_open)
        out += f"{{% if {var} %}}" + self._scoped(scope, block.program)
        if block.inverse is not None:
            out += tag("{%", "else", "%}", block.strip_else) + self.nodes(block.inverse)
        return out + "{% endif %}" + tag("{%", "endwith", "%}", block.strip_close)

    def _scoped(self, scope: _Scope, program: list[Node]) -> str:
        self.scopes.append(scope)
        try:
            return self.nodes(program)
        finally:
            self.scopes.pop()

    def _arity(self, block: Block) -> tuple[Expr]:
        count = len(block.call.params)
        raise Unsupported(f"{block.call.name} takes 1 argument, not {count}", block.call.pos)

    def inline_partial(self, block: Block) -> str:
        params = block.call.params
        if len(params) != 1 or not isinstance(params[0], Literal):
            raise Unsupported("an inline partial needs a quoted name", block.call.pos)
        if self.depth > 1:  # a Jinja2 macro defined inside a block is not seen after it
            raise Unsupported("an inline partial must be defined at the top level", block.pos)
        name = str(params[0].value)
        macro = "partial_" + camel(name).rstrip("_")
        body = self.nodes(block.program)
        self.partials[name] = macro
        return (
            tag("{%", f"macro {macro}()", "%}", block.strip_open)
            + body
            + tag("{%", "endmacro", "%}", block.strip_close)
        )

    def partial(self, node: Partial) -> str:
        macro = self.partials.get(node.name)
        if macro is None:
            message = f"partial {node.name!r} is not an inline partial of this template"
            self.issue(ImportCode.TEMPLATE_UNSUPPORTED, message, node.pos)
            return text(node.source)
        return tag("{{", f"{macro}()", "}}", node.strip)

    def literal_block(self, block: Block) -> str:
        out = text(block.source) + self.nodes(block.program)
        if block.inverse is not None:
            out += text("{{else}}") + self.nodes(block.inverse)
        return out + ("" if block.chained else text(block.close_source))


def _uses_key(nodes: list[Node]) -> bool:
    """Whether ``@key`` appears in an each body (outside nested each blocks)."""
    stack: list[Any] = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, PathExpr) and node.data and node.segments == ("key",):
            return True
        if isinstance(node, Output):
            stack.append(node.expr)
        elif isinstance(node, Call):
            stack.extend(node.params)
            stack.extend(expr for _, expr in node.hash)
        elif isinstance(node, Block) and node.call.name != "each":
            stack.extend([*node.program, *(node.inverse or []), node.call])
    return False
