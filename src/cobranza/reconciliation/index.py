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

from rapidfuzz import fuzz

from cobranza.core.matching import OpenItem
from cobranza.reconciliation.repository import CustomerRow

# Words that say nothing about who a company is (legal forms, articles, trade words).
_NOISE = frozenset("""
SA SAB SPA LTDA LIMITADA EIRL SRL SC SOCIEDAD CIA COMPANIA Y DE DEL LA LAS LOS EL CV RL AC
INC LLC CORP CO THE AND OF MX CL S A C V R L
""".split())
_BLOCK = 4  # a name block is the first letters of a word: survives truncation and late typos
_BLOCK_CAP = 400  # a block shared by more customers than this is too common to look through
_TOKEN = re.compile(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*")
_NAME_CANDIDATES = 25


def plain(text: str) -> str:
    """Upper case, accents removed, punctuation as spaces."""
    nfkd = unicodedata.normalize("NFKD", text.upper())
    return "".join(" " if not c.isalnum() else c for c in nfkd if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """A payer or customer name without legal forms and noise words, for comparing."""
    return " ".join(w for w in plain(name).split() if w not in _NOISE)


def compact(number: str) -> str:
    """An invoice number or token without separators ("F-000123" → "F000123")."""
    return "".join(c for c in number.upper() if c.isalnum())


def digits(number: str) -> str:
    """The digits of a number without leading zeros ("F-000123" → "123"); "" when none."""
    return "".join(c for c in number if c.isdigit()).lstrip("0")


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

    def tokens(self, text: str) -> list[str]:
        """Candidate invoice numbers in a remittance text: tokens and adjacent pairs joined."""
        words = _TOKEN.findall(text)
        out = [compact(w) for w in words]
        out.extend(compact(a + b) for a, b in zip(words, words[1:], strict=False))
        return out

    def names(self, payer: str) -> list[tuple[int, float]]:
        """Customers whose name resembles the payer's, with rapidfuzz scores (0..100)."""
        key = name_key(payer)
        if not key:
            return []
        exact = self.exact_names.get(key)
        if exact:
            return [(c, 100.0) for c in exact[:_NAME_CANDIDATES * 4]]
        found: dict[int, float] = {}
        for c in self.name_aliases.get(key, ()):
            found[c] = 100.0
        pool: set[int] = set()
        blocks = sorted((self.blocks.get(w[:_BLOCK], []) for w in key.split() if len(w) >= 3),
                        key=len)
        for posting in blocks[:2]:
            if len(posting) <= _BLOCK_CAP:
                pool.update(posting)
        for c in pool:
            if c in found:
                continue
            # Truncated payer names ("COMERCIAL LOS ANDES LIMI") compare by their prefix.
            other = self._names[c]
            score = max(fuzz.ratio(key, other),
                        fuzz.ratio(key, other[:len(key)]) - 3 if len(key) >= 12 else 0.0,
                        fuzz.token_sort_ratio(key, other))
            if score >= 80:
                found[c] = score
        return sorted(found.items(), key=lambda kv: -kv[1])[:_NAME_CANDIDATES]
