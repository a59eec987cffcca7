"""Spanish for the core catalog (src/cobranza/locale/es/LC_MESSAGES/core.po): money, dates and the rules' messages."""

from __future__ import annotations

ES: dict[str | tuple[str, str], str | tuple[str, str]] = {

}
