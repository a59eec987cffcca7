"""Reading a YAML node tree with every problem kept as a located value (file, line, field).

`yaml.compose` keeps each node's position, so a typo three levels deep is reported on its own
line with its path (`steps[4].channel`), and reading goes on to find the next problem: the user
fixes a file in one pass, not one error per attempt (Beancount's errors-as-values style).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cobranza.i18n import _

Path = tuple[str | int, ...]
E = TypeVar("E", bound=StrEnum)

_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_NUMBER_TAGS = (_INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:str")
_TRUE = frozenset({"true", "yes", "on", "y"})
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def path_text(path: Path) -> str:
    """`("steps", 4, "channel")` as `steps[4].channel`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True, slots=True)
class StrategyError:
    """One problem in a strategy file, located: file, line, field path, what is wrong."""

    file: str
    line: int
    path: Path
    message: str

    @property
    def field(self) -> str:
        """The field path as the user reads it, e.g. `steps[4].channel`."""
        return path_text(self.path) or "-"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class Reader:
    """Typed reads of YAML nodes that record an error and return None instead of raising."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[StrategyError] = []
        self.lines: dict[str, int] = {}  # field path -> line, for checks made after parsing

    def error(self, node: Node, path: Path, message: str) -> None:
        """Record a problem at `node`'s line."""
        self.errors.append(StrategyError(self.source, node.start_mark.line + 1, path, message))

    def mapping(self, node: Node, path: Path, *, allowed: Collection[str] | None,
                required: Collection[str] = (),
                explain: Callable[[str], str] | None = None) -> dict[str, Node] | None:
        """A mapping's values by key; unknown, repeated and missing keys are errors.

        `allowed=None` takes any key (the caller checks them: currency codes, template codes);
        `explain` words the error for a key that is not allowed.
        """
        self.lines[path_text(path)] = node.start_mark.line + 1
        if not isinstance(node, MappingNode):
            self.error(node, path, _("expected a mapping of keys to values (key: value)"))
            return None
        found: dict[str, Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            self.lines[path_text((*path, key))] = key_node.start_mark.line + 1
            if key in found:
                self.error(key_node, (*path, key),
                           _("'{key}' appears more than once here; expected each key once",
                             key=key))
            elif allowed is not None and key not in allowed:
                self.error(key_node, (*path, key),
                           explain(key) if explain else unknown_key(key, allowed))
            else:
                found[key] = value
        for key in required:
            if key not in found:
                self.error(node, (*path, key), _("missing; this key is required here"))
        return found

    def sequence(self, node: Node, path: Path) -> list[Node] | None:
        """A list's items."""
        self.lines[path_text(path)] = node.start_mark.line + 1
        if isinstance(node, SequenceNode):
            return list(node.value)
        self.error(node, path, _("expected a list (- item)"))
        return None

    def scalar(self, node: Node, path: Path) -> ScalarNode | None:
        """A single non-empty value (not a list or mapping)."""
        self.lines[path_text(path)] = node.start_mark.line + 1
        if isinstance(node, ScalarNode) and node.tag != _NULL:
            return node
        self.error(node, path, _("expected a single value here"))
        return None

    def text(self, node: Node, path: Path, *, max_length: int = 200) -> str | None:
        """Text as written (`yes` stays "yes", `007` stays "007")."""
        found = self.scalar(node, path)
        if found is None:
            return None
        value = str(found.value).strip()
        if not value:
            self.error(node, path, _("expected a single value here"))
            return None
        if len(value) > max_length:
            self.error(node, path, _("'{value}...' is too long; expected at most {n} characters",
                                     value=value[:20], n=max_length))
            return None
        return value

    def code(self, node: Node, path: Path) -> str | None:
        """An identifier: letters, digits, `_`, `-` or `.`, at most 64 characters."""
        value = self.text(node, path, max_length=10_000)
        if value is not None and not _CODE.fullmatch(value):
            self.error(node, path, _("'{value}' is not a code; expected up to 64 letters, digits, "
                                     "'_', '-' or '.'", value=value[:70]))
            return None
        return value

    def integer(self, node: Node, path: Path, *, minimum: int | None = None) -> int | None:
        """A whole number, at least `minimum` when given (`1.5`, `"3"` and `true` are not)."""
        found = self.scalar(node, path)
        if found is None:
            return None
        value: int | None = None
        if found.tag == _INT:
            try:
                value = int(str(found.value).replace("_", ""), 0)
            except ValueError:
                value = None
        if value is not None and (minimum is None or value >= minimum):
            return value
        if minimum is None:
            self.error(node, path, _("'{value}' is not a whole number", value=found.value))
        else:
            self.error(node, path, _("'{value}' is not a whole number of at least {minimum}",
                                     value=found.value, minimum=minimum))
        return None

    def boolean(self, node: Node, path: Path) -> bool | None:
        """true or false."""
        found = self.scalar(node, path)
        if found is not None and found.tag == _BOOL:
            return str(found.value).lower() in _TRUE
        if found is not None:
            self.error(node, path, _("'{value}' is not true or false", value=found.value))
        return None

    def decimal(self, node: Node, path: Path) -> Decimal | None:
        """An exact decimal from the text as written (never through a float)."""
        found = self.scalar(node, path)
        if found is None:
            return None
        try:
            value = Decimal(str(found.value).strip()) if found.tag in _NUMBER_TAGS else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.error(node, path, _("'{value}' is not a number; expected a decimal such as 5 "
                                     "or 12.5", value=found.value))
            return None
        return value

    def choice(self, node: Node, path: Path, kind: type[E], unknown: str) -> E | None:
        """A member of `kind`; `unknown` is the translated message, with {value} and {expected}."""
        found = self.scalar(node, path)
        if found is None:
            return None
        try:
            return kind(str(found.value))
        except ValueError:
            self.error(node, path, unknown.format(value=found.value,
                                                  expected=", ".join(m.value for m in kind)))
            return None

    def texts(self, node: Node, path: Path) -> tuple[str, ...] | None:
        """A list of texts."""
        items = self.sequence(node, path)
        if items is None:
            return None
        values = [self.text(item, (*path, i)) for i, item in enumerate(items)]
        return tuple(v for v in values if v is not None) if None not in values else None


def unknown_key(key: str, allowed: Collection[str]) -> str:
    """The message for a key that is not expected here, suggesting the nearest one."""
    near = difflib.get_close_matches(key, list(allowed), n=1)
    if near:
        return _("unknown key '{key}'; did you mean '{suggestion}'?", key=key,
                 suggestion=near[0])
    return _("unknown key '{key}'; expected one of {expected}", key=key,
             expected=", ".join(allowed))
