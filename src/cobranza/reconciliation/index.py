"""The ledger indexed for matching: built once per reconcile call, then looked up per line.

Every lookup is a dictionary hit (references, numbers, tax ids, accounts, exact names); fuzzy
payer names are compared only against the customers that share a rare name-prefix block with
the line (rapidfuzz on a few dozen names, never on the whole customer list).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from cobranza.core.matching import OpenItem
from cobranza.reconciliation.repository import CustomerRow

# Words that say nothing about who a company is (legal forms, articles, trade words).
_NOISE = frozenset("""
SA SAB SPA LTDA LIMITADA EIRL SRL SC SOCIEDAD CIA COMPANIA Y DE DEL LA LAS LOS EL CV RL AC
INC LLC CORP CO THE AND OF MX CL S A C V R L
""".split())
_BLOCK = 4  # a name block is the first letters of a word: survives truncation and late typos
_BLOCK_CAP = 400  # a block shared by more customers than this is too common to look through
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_TOKEN = re.compile(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*")


class _Plain(dict[int, str | None]):
    """str.translate table, filled on first sight of each character (accents off, marks out)."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if char.isascii():
            value: str | None = char if char.isalnum() else " "
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
            value = base if base.isalnum() else " "
        self[code] = value
        return value


_PLAIN = _Plain()


def plain(text: str) -> str:
    """Upper case, accents removed, punctuation as spaces."""
    return text.upper().translate(_PLAIN)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """A payer or customer name without legal forms and noise words, for comparing."""
    return " ".join(w for w in plain(name).split() if w not in _NOISE)


def compact(number: str) -> str:
    """An invoice number or token without separators ("F-000123" → "F000123")."""
    return _NOT_ALNUM.sub("", number.upper())


def digits(number: str) -> str:
    """The digits of a number without leading zeros ("F-000123" → "123"); "" when none."""
    return _NOT_DIGIT.sub("", number).lstrip("0")


class LedgerIndex:
    """Lookups from what a bank line says to customers and open invoices."""

    def __init__(self, *, customers: list[CustomerRow], items: Iterable[OpenItem],
                 aliases: list[tuple[str, str, int]], clabes: dict[str, int]) -> None:
        self.customers = {c.id: c for c in customers}
        self.by_tax = {c.tax_key.upper(): c.id for c in customers if c.tax_key}
        self.clabes = clabes
        self.items: dict[int, list[OpenItem]] = defaultdict(list)
        self.item: dict[int, OpenItem] = {}
        self.by_number: dict[str, list[OpenItem]] = defaultdict(list)
        self.by_digits: dict[str, list[OpenItem]] = defaultdict(list)
        self.by_amount: dict[int, list[OpenItem]] = defaultdict(list)
        for it in items:
            self.items[it.customer_id].append(it)
            self.item[it.invoice_id] = it
            self.by_number[compact(it.number)].append(it)
            d = digits(it.number)
            if len(d) >= 4:
                self.by_digits[d].append(it)
            self.by_amount[it.open].append(it)
        for own in self.items.values():
            own.sort(key=lambda i: (i.due, i.issue, i.invoice_id))
        self._owes: dict[int, set[int]] = {}
        self.accounts: dict[str, set[int]] = defaultdict(set)
        self.name_aliases: dict[str, set[int]] = defaultdict(set)
        for kind, value, customer in aliases:
            if kind == "account":
                self.accounts[compact(value)].add(customer)
            elif kind == "tax_id":
                self.by_tax.setdefault(value.upper(), customer)
            elif kind == "name":
                self.name_aliases[value].add(customer)
        self._names: dict[int, str] = {}
        self.exact_names: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for c in customers:
            key = name_key(c.name)
            self._names[c.id] = key
            self.exact_names[key].append(c.id)
            for block in {w[:_BLOCK] for w in key.split() if len(w) >= 3}:
                self.blocks[block].append(c.id)

    def owing(self, amount: int) -> set[int]:
        """Customers with an open invoice of exactly this amount."""
        found = self._owes.get(amount)
        if found is None:
            found = self._owes[amount] = {i.customer_id for i in self.by_amount.get(amount, ())}
        return found

    def tokens(self, text: str) -> list[str]:
        """Candidate invoice numbers in a remittance text: tokens and adjacent pairs joined."""
        words = _TOKEN.findall(text)
        out = [compact(w) for w in words]
        out.extend(compact(a + b) for a, b in zip(words, words[1:], strict=False))
        return out

    def names(self, payer: str) -> list[tuple[int, float]]:
        """Every customer whose name resembles the payer's, best first (rapidfuzz 0..100)."""
        key = name_key(payer)
        if not key:
            return []
        exact = self.exact_names.get(key)
        if exact:
            return [(c, 100.0) for c in exact]
        found: dict[int, float] = {}
        for c in self.name_aliases.get(key, ()):
            found[c] = 100.0
        pool: set[int] = set()
        blocks = sorted((self.blocks.get(w[:_BLOCK], []) for w in key.split() if len(w) >= 3),
                        key=len)
        for posting in blocks[:2]:
            if len(posting) <= _BLOCK_CAP:
                pool.update(posting)
        pool.difference_update(found)
        if pool:
            ids = list(pool)
            choices = [self._names[c] for c in ids]
            for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
                for _name, score, at in process.extract(key, choices, scorer=scorer,
                                                        score_cutoff=80, limit=None):
                    found[ids[at]] = max(found.get(ids[at], 0.0), score)
            if len(key) >= 12:
                # A truncated payer name ("COMERCIAL LOS ANDES LIMI") is a prefix of the name.
                cut = [c[:len(key)] for c in choices]
                for _name, score, at in process.extract(key, cut, scorer=fuzz.ratio,
                                                        score_cutoff=83, limit=None):
                    found[ids[at]] = max(found.get(ids[at], 0.0), score - 3)
        return sorted(found.items(), key=lambda kv: -kv[1])
