"""Translations of everything a collector or debtor reads (Spanish first-class, English).

Catalogs are the `.po` files under `locale/<lang>/LC_MESSAGES/` (one per area of the product, all
merged); they are compiled in memory with Babel on first use, so no binary `.mo` file has to be
built or committed.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SUPPORTED = ("es", "en")
DEFAULT_LANGUAGE = "es"
_LOCALE_DIR = Path(__file__).parent / "locale"
_language: ContextVar[str | None] = ContextVar("cobranza_language", default=None)


def normalise_language(value: str | None) -> str | None:
    """Map `es_CL.UTF-8`, `es-MX`, `EN` ... to a supported language code, or None."""
    if not value:
        return None
    code = value.replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in SUPPORTED else None


def language_from_environment() -> str | None:
    """The language asked for by COBRANZA_LANG, or else by the POSIX locale variables."""
    for var in ("COBRANZA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalise_language(os.environ.get(var))
        if found:
            return found
    return None


def current_language() -> str:
    """The language of this context: explicitly set, else environment, else Spanish."""
    return _language.get() or language_from_environment() or DEFAULT_LANGUAGE


def set_language(language: str | None) -> None:
    """Set the language for the rest of this context (a CLI invocation, a request)."""
    _language.set(normalise_language(language))


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Use `code` for translations inside the block."""
    token = _language.set(normalise_language(code))
    try:
        yield
    finally:
        _language.reset(token)


@cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    translations: _gettext.NullTranslations = _gettext.NullTranslations()
    for po_path in sorted((_LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = _gettext.GNUTranslations(buffer)
        part.add_fallback(translations)
        translations = part
    return translations


def _(message: str, /, **params: Any) -> str:
    """Translate `message` (an English msgid) into the current language and fill `{params}`."""
    text = _catalog(current_language()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """Plural-aware translation; `{n}` is available in the message."""
    text = _catalog(current_language()).ngettext(singular, plural, n)
    return text.format(n=n, **params)
