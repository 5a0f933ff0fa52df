"""The rule condition language: small, parsed, checked against the event and entity, never ``eval``.

::

    to_state == 'confirmed' and record.priority in ['high', 'urgent']
    custom.surface_roughness_ra > 1.6 or not (type == 'quality')

* names: a bare name is a field of the event's payload (``to_state``); ``record.<column>`` a
  column of the rule's entity; ``custom.<code>`` one of the entity's custom fields;
* literals: numbers, ``'text'`` or ``"text"``, ``true``, ``false``, ``null``, lists ``[1, 2]``;
* operators: ``== != < <= > >=``, ``in``, ``not in``, ``and``, ``or``, ``not``, parentheses.

A condition is at most :data:`MAX_LENGTH` characters and nests at most :data:`MAX_DEPTH` deep.
Ordering a missing value (``null``) or values of different types is false, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import BadCondition

MAX_LENGTH = 2000
MAX_DEPTH = 20
_TOKEN = re.compile(r"""\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'[^']*'|"[^"]*")|(?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)"""
                    r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))""")
_WORDS = {"and", "or", "not", "in", "true", "false", "null"}
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")


def _tokens(text: str) -> list[tuple[str, Any, int]]:
    out: list[tuple[str, Any, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            pos += len(text[pos:]) - len(text[pos:].lstrip())
            raise BadCondition(f"condition: unexpected {text[pos:][:20]!r} at position {pos + 1}",
                               field="condition")
        start = m.start(m.lastgroup) if m.lastgroup else pos
        kind, value = m.lastgroup, m.group(m.lastgroup or 0)
        if kind == "num":
            out.append(("lit", Decimal(value) if "." in value else int(value), start))
        elif kind == "str":
            out.append(("lit", value[1:-1], start))
        elif kind == "name" and value in _WORDS:
            if value in ("true", "false", "null"):
                out.append(("lit", {"true": True, "false": False, "null": None}[value], start))
            else:
                out.append(("word", value, start))
        else:
            out.append((kind or "", value, start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self, kind: str | None = None, value: Any = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        k, v, _p = self.tokens[self.i]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(self, kind: str, value: Any = None, what: str = "") -> Any:
        if not self.peek(kind, value):
            where = f"at position {self.tokens[self.i][2] + 1}" if self.i < len(self.tokens) else "at the end"
            raise BadCondition(f"condition: expected {what or value or kind} {where}", field="condition")
        self.i += 1
        return self.tokens[self.i - 1][1]

    def parse(self) -> Any:
        if not self.tokens:
            return None
        node = self.expr(0)
        if self.i != len(self.tokens):
            raise BadCondition(f"condition: unexpected {self.tokens[self.i][1]!r} at position "
                               f"{self.tokens[self.i][2] + 1}", field="condition")
        return node

    def expr(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise BadCondition(f"condition nests deeper than {MAX_DEPTH}", field="condition")
        parts = [self.conj(depth)]
        while self.peek("word", "or"):
            self.i += 1
            parts.append(self.conj(depth))
        return parts[0] if len(parts) == 1 else ("or", parts)

    def conj(self, depth: int) -> Any:
        parts = [self.neg(depth)]
        while self.peek("word", "and"):
            self.i += 1
            parts.append(self.neg(depth))
        return parts[0] if len(parts) == 1 else ("and", parts)

    def neg(self, depth: int) -> Any:
        if self.peek("word", "not"):
            self.i += 1
            return ("not", self.neg(depth + 1))
        return self.comparison(depth)

    def comparison(self, depth: int) -> Any:
        left = self.atom(depth)
        if self.peek("op") and self.tokens[self.i][1] in COMPARISONS:
            op = self.take("op")
            return ("cmp", op, left, self.atom(depth))
        if self.peek("word", "in"):
            self.i += 1
            return ("in", left, self.atom(depth), False)
        if self.peek("word", "not") and self.i + 1 < len(self.tokens) and self.tokens[self.i + 1][1] == "in":
            self.i += 2
            return ("in", left, self.atom(depth), True)
        return left

    def atom(self, depth: int) -> Any:
        if self.peek("op", "("):
            self.i += 1
            node = self.expr(depth + 1)
            self.take("op", ")", "')'")
            return node
        if self.peek("op", "["):
            self.i += 1
            items = []
            while not self.peek("op", "]"):
                items.append(self.take("lit", what="a literal in the list"))
                if not self.peek("op", "]"):
                    self.take("op", ",", "',' or ']'")
            self.i += 1
            return ("lit", items)
        if self.peek("lit"):
            return ("lit", self.take("lit"))
        if self.peek("name"):
            return ("name", self.take("name"))
        raise BadCondition("condition: expected a name, a value or '(' "
                           + (f"at position {self.tokens[self.i][2] + 1}" if self.i < len(self.tokens) else "at the end"),
                           field="condition")


def parse(text: str) -> Any:
    """The syntax tree of ``text`` (``None`` for an empty condition: always true)."""
    if len(text or "") > MAX_LENGTH:
        raise BadCondition(f"condition must be at most {MAX_LENGTH} characters", field="condition")
    return _Parser(text or "").parse()


def names(node: Any) -> Iterable[str]:
    if node is None:
        return
    kind = node[0]
    if kind == "name":
        yield node[1]
    elif kind in ("or", "and"):
        for n in node[1]:
            yield from names(n)
    elif kind == "not":
        yield from names(node[1])
    elif kind == "cmp":
        yield from names(node[2])
        yield from names(node[3])
    elif kind == "in":
        yield from names(node[1])
        yield from names(node[2])


def check(text: str, *, payload: Iterable[str], record: Iterable[str] | None, custom: Iterable[str] | None) -> Any:
    """Parse ``text`` and refuse a name the event, the entity or its custom fields do not have."""
    tree = parse(text)
    payload, rec, cust = set(payload), set(record or ()), set(custom or ())
    for name in names(tree):
        head, _, rest = name.partition(".")
        if head == "record" and rest:
            if record is None:
                raise BadCondition(f"condition names {name}, but the rule has no entity", field="condition")
            if rest not in rec:
                raise BadCondition(f"condition names {name}: the entity has no field {rest!r} "
                                   f"(fields: {', '.join(sorted(rec))})", field="condition")
        elif head == "custom" and rest:
            if custom is None:
                raise BadCondition(f"condition names {name}, but the rule has no entity", field="condition")
            if rest not in cust:
                raise BadCondition(f"condition names {name}: no such custom field "
                                   f"(custom fields: {', '.join(sorted(cust)) or 'none'})", field="condition")
        elif name not in payload:
            raise BadCondition(f"condition names {name!r}, which the event does not carry "
                               f"(payload: {', '.join(sorted(payload))}; record.<field>, custom.<code>)",
                               field="condition")
    return tree


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return Decimal(str(v))
    if isinstance(v, str):
        try:
            return Decimal(v)
        except ArithmeticError:
            return v
    return v


def _compare(op: str, a: Any, b: Any) -> bool:
    if op in ("==", "!="):
        if isinstance(a, (int, float, Decimal)) and not isinstance(a, bool) or \
                isinstance(b, (int, float, Decimal)) and not isinstance(b, bool):
            a, b = _num(a), _num(b)
        return (a == b) if op == "==" else (a != b)
    if a is None or b is None:
        return False
    a, b = _num(a), _num(b)
    try:
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    except TypeError:
        return False


def evaluate(node: Any, scope: Mapping[str, Any]) -> Any:
    """The value of a checked tree for ``scope`` (``{name: value}``, dotted names included)."""
    if node is None:
        return True
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "name":
        return scope.get(node[1])
    if kind == "or":
        return any(bool(evaluate(n, scope)) for n in node[1])
    if kind == "and":
        return all(bool(evaluate(n, scope)) for n in node[1])
    if kind == "not":
        return not evaluate(node[1], scope)
    if kind == "cmp":
        return _compare(node[1], evaluate(node[2], scope), evaluate(node[3], scope))
    if kind == "in":
        container = evaluate(node[2], scope)
        value = evaluate(node[1], scope)
        found = isinstance(container, (list, tuple)) and any(_compare("==", value, c) for c in container)
        return found != node[3]
    raise BadCondition(f"condition: unknown node {kind}", field="condition")
