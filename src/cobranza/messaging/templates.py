"""Message templates: Jinja2 sources per language, sandboxed and checked against the context.

A template may name only the facts of `MessageContext` (and, on an invoice, those of
`InvoiceLine`): `check_template` refuses anything else with the template, language, part, line
and the variable's name, so a typo is caught when a strategy is imported, never in front of a
debtor. Rendering runs in Jinja2's sandbox with no globals and two pure filters (`date`,
`add_days`): a template cannot reach files, the network or Python internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from babel.dates import format_date
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes, pass_context
from jinja2 import Template as JinjaTemplate
from jinja2 import TemplateError as JinjaError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from cobranza.i18n import DEFAULT_LANGUAGE, SUPPORTED, _, normalise_language
from cobranza.messaging.context import INVOICE_VARIABLES, TEMPLATE_VARIABLES, MessageContext

PARTS = ("subject", "text", "html", "sms")
DEFAULT_TEMPLATES_FILE = "default_templates.yaml"


class TemplateError(Exception):
    """A template could not be rendered; names the template, language, part and field."""

    def __init__(self, *, template: str, language: str, part: str, problem: str,
                 field: str | None = None) -> None:
        self.template, self.language, self.part = template, language, part
        self.problem, self.field = problem, field
        super().__init__(_("template '{code}' ({language}, {part}): {problem}", code=template,
                           language=language, part=part, problem=problem))


@dataclass(frozen=True, slots=True)
class TemplateParts:
    """One template in one language: each part is a Jinja2 source ("" when the part is unused)."""

    code: str
    language: str
    subject: str = ""
    text: str = ""
    html: str = ""  # a fragment (no <html> or <body>); for letters, the letter's body
    sms: str = ""  # plain text, at most 320 characters once rendered

    def sources(self) -> Iterator[tuple[str, str]]:
        """(part, source) for each part, in PARTS order."""
        for part in PARTS:
            yield part, str(getattr(self, part))


@dataclass(frozen=True, slots=True)
class Template:
    """A template's code and its parts per language."""

    code: str
    languages: Mapping[str, TemplateParts]

    def parts_for(self, language: str) -> TemplateParts:
        """The parts in `language`; else in Spanish, the default; else in any language there is."""
        wanted = normalise_language(language) or DEFAULT_LANGUAGE
        for candidate in (wanted, DEFAULT_LANGUAGE, *sorted(self.languages)):
            if candidate in self.languages:
                return self.languages[candidate]
        raise TemplateError(template=self.code, language=language, part="*",
                            problem=_("the template has no text in any language"))


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A template rendered for one debtor."""

    subject: str
    text: str
    html: str
    sms: str


@pass_context
def _format_date(context: Context, value: date | None, style: str = "long") -> str:
    """`{{ due_date|date }}`: "5 de marzo de 2026" / "March 5, 2026"; `date('medium')` is shorter."""
    if value is None:
        return ""
    locale = normalise_language(str(context.get("language") or "")) or DEFAULT_LANGUAGE
    return str(format_date(value, format=style, locale=locale))


def _add_days(value: date, days: int) -> date:
    """`{{ today|add_days(15)|date }}`: a date some days later (a deadline in a final notice)."""
    return value + timedelta(days=int(days))


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=autoescape,
                               trim_blocks=True, lstrip_blocks=True)
    env.globals.clear()  # no range(), lipsum(), dict()...: only the context's variables
    env.filters["date"] = _format_date
    env.filters["add_days"] = _add_days
    return env


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong at one place of a source: a syntax error, variable or invoice field."""

    kind: str  # syntax | variable | invoice
    line: int
    name: str = ""
    detail: str = ""


# Filters that keep a list of invoices a list, or pick one invoice out of it.
_LIST_FILTERS = frozenset({"sort", "reverse", "list", "selectattr", "rejectattr", "unique"})
_ONE_FILTERS = frozenset({"first", "last", "min", "max"})
# Filters naming an invoice field: attribute=... or, for these, the first argument.
_ATTRIBUTE_ARG_FILTERS = frozenset({"selectattr", "rejectattr", "groupby"})


def _is_invoice_list(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Name):
        return node.name == "invoices"
    if isinstance(node, nodes.Filter):
        return node.name in _LIST_FILTERS and node.node is not None and _is_invoice_list(node.node)
    return isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Slice) \
        and _is_invoice_list(node.node)


def _is_one_invoice(node: nodes.Node, loop_names: frozenset[str]) -> bool:
    if isinstance(node, nodes.Name):
        return node.name in loop_names
    if isinstance(node, nodes.Filter):
        return node.name in _ONE_FILTERS and node.node is not None and _is_invoice_list(node.node)
    return isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Slice) \
        and _is_invoice_list(node.node)


def _invoice_loop_names(ast: nodes.Template) -> frozenset[str]:
    """Names bound by `{% for i in invoices %}` (also sorted or filtered invoices)."""
    return frozenset(loop.target.name for loop in ast.find_all(nodes.For)
                     if isinstance(loop.target, nodes.Name) and _is_invoice_list(loop.iter))


def _invoice_fields(ast: nodes.Template) -> Iterator[tuple[str, int]]:
    """(field, line) for every field named on one invoice or through a filter's attribute."""
    loop_names = _invoice_loop_names(ast)
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr) and _is_one_invoice(node.node, loop_names):
            yield node.attr, node.lineno
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and _is_one_invoice(node.node, loop_names):
            yield node.arg.value, node.lineno
        elif isinstance(node, nodes.Filter) and node.node is not None \
                and _is_invoice_list(node.node):
            named = [k.value for k in node.kwargs if k.key == "attribute"]
            if node.name in _ATTRIBUTE_ARG_FILTERS and node.args:
                named.append(node.args[0])
            for value in named:
                if isinstance(value, nodes.Const) and isinstance(value.value, str):
                    yield value.value.split(".")[0], node.lineno


def find_problems(env: SandboxedEnvironment, source: str, *, variables: frozenset[str],
                  invoice_variables: frozenset[str]) -> list[Problem]:
    """Syntax errors, unknown variables and unknown invoice fields of one source, by line."""
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return [Problem("syntax", exc.lineno, detail=exc.message or str(exc))]
    unknown = meta.find_undeclared_variables(ast) - variables
    first_use: dict[str, int] = {}
    for name in ast.find_all(nodes.Name):
        if name.name in unknown:
            first_use.setdefault(name.name, name.lineno)
    found = [Problem("variable", line, name) for name, line in first_use.items()]
    seen: set[str] = set()
    for field, line in _invoice_fields(ast):
        if field not in invoice_variables and field not in seen:
            seen.add(field)
            found.append(Problem("invoice", line, field))
    return sorted(found, key=lambda p: (p.line, p.name))


_TEXT_ENV = _environment(autoescape=False)
_HTML_ENV = _environment(autoescape=True)  # only the html part is HTML


def _env(part: str) -> SandboxedEnvironment:
    return _HTML_ENV if part == "html" else _TEXT_ENV


@lru_cache(maxsize=1024)
def _problems(part: str, source: str) -> tuple[Problem, ...]:
    return tuple(find_problems(_env(part), source, variables=TEMPLATE_VARIABLES,
                               invoice_variables=INVOICE_VARIABLES))


@lru_cache(maxsize=1024)
def _compiled(part: str, source: str) -> JinjaTemplate:
    return _env(part).from_string(source)


def _describe(problem: Problem) -> str:
    if problem.kind == "syntax":
        return problem.detail
    if problem.kind == "variable":
        return _("unknown variable '{name}'; expected one of: {expected}", name=problem.name,
                 expected=", ".join(sorted(TEMPLATE_VARIABLES)))
    return _("unknown invoice field '{name}'; expected one of: {expected}", name=problem.name,
             expected=", ".join(sorted(INVOICE_VARIABLES)))


def check_template(parts: TemplateParts) -> list[str]:
    """One located message per unknown variable, unknown invoice field or syntax error."""
    messages: list[str] = []
    for part, source in parts.sources():
        for problem in _problems(part, source):
            messages.append(_("template '{code}' ({language}, {part}), line {line}: {problem}",
                              code=parts.code, language=parts.language, part=part,
                              line=problem.line, problem=_describe(problem)))
    return messages


_MISSING = (re.compile(r"has no attribute '(\w+)'"), re.compile(r"'(\w+)' is undefined"))


def _missing_field(message: str) -> str | None:
    for pattern in _MISSING:
        found = pattern.search(message)
        if found:
            return found.group(1)
    return None


def _render_part(parts: TemplateParts, part: str, source: str, values: dict[str, Any]) -> str:
    problems = _problems(part, source)
    if problems:
        first = problems[0]
        raise TemplateError(template=parts.code, language=parts.language, part=part,
                            problem=_describe(first),
                            field=first.name if first.kind != "syntax" else None)
    try:
        return _compiled(part, source).render(values)
    except (JinjaError, TypeError, ValueError, AttributeError) as exc:
        raise TemplateError(template=parts.code, language=parts.language, part=part,
                            problem=str(exc), field=_missing_field(str(exc))) from exc


def render(parts: TemplateParts, ctx: MessageContext) -> RenderedMessage:
    """Render every part for one debtor; TemplateError names what is missing or wrong."""
    values = ctx.as_template_vars()
    out = {part: _render_part(parts, part, source, values) for part, source in parts.sources()}
    return RenderedMessage(subject=" ".join(out["subject"].split()), text=out["text"].strip(),
                           html=out["html"].strip(), sms=" ".join(out["sms"].split()))


def _parse_parts(code: str, language: str, raw: object, where: str) -> TemplateParts | str:
    if not isinstance(raw, dict):
        return _("{where}: template '{code}' ({language}) must map parts to texts; expected "
                 "keys {expected}", where=where, code=code, language=language,
                 expected=", ".join(PARTS))
    for key, value in raw.items():
        if key not in PARTS:
            return _("{where}: template '{code}' ({language}): unknown part '{part}'; expected "
                     "one of {expected}", where=where, code=code, language=language, part=key,
                     expected=", ".join(PARTS))
        if not isinstance(value, str):
            return _("{where}: template '{code}' ({language}, {part}) must be text",
                     where=where, code=code, language=language, part=key)
    return TemplateParts(code=code, language=language, **raw)


def _parse_template(code: str, raw: object, where: str) -> tuple[Template | None, list[str]]:
    if not isinstance(raw, dict) or not raw:
        return None, [_("{where}: template '{code}' must map languages to parts; expected "
                        "{expected}", where=where, code=code, expected=" / ".join(SUPPORTED))]
    errors: list[str] = []
    languages: dict[str, TemplateParts] = {}
    for language, body in raw.items():
        if language not in SUPPORTED:
            errors.append(_("{where}: template '{code}': unknown language '{language}'; "
                            "expected one of {expected}", where=where, code=code,
                            language=language, expected=", ".join(SUPPORTED)))
            continue
        parts = _parse_parts(code, language, body, where)
        if isinstance(parts, str):
            errors.append(parts)
        else:
            errors += [f"{where}: {message}" for message in check_template(parts)]
            languages[language] = parts
    return Template(code, MappingProxyType(languages)), errors


def parse_templates(text: str, *, source: str) -> tuple[dict[str, Template], list[str]]:
    """Templates from YAML (`code: {language: {subject, text, html, sms}}`) and every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        return {}, [_("{where}, line {line}: {problem}", where=source, line=line,
                      problem=str(exc.problem))]
    if not isinstance(data, dict):
        return {}, [_("{where}: expected a mapping of template codes", where=source)]
    templates: dict[str, Template] = {}
    errors: list[str] = []
    for code, raw in data.items():
        template, found = _parse_template(str(code), raw, source)
        errors += found
        if template is not None:
            templates[str(code)] = template
    return templates, errors


@cache
def _default_templates() -> Mapping[str, Template]:
    resource = files("cobranza.messaging") / DEFAULT_TEMPLATES_FILE
    templates, errors = parse_templates(resource.read_text(encoding="utf-8"),
                                        source=DEFAULT_TEMPLATES_FILE)
    if errors:  # a packaging mistake: the tests check the defaults
        raise ValueError("\n".join(errors))
    return MappingProxyType(templates)


def load_default_templates() -> dict[str, Template]:
    """The default strategy's templates (messages, letters, call scripts) in Spanish and English."""
    return dict(_default_templates())
