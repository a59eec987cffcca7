"""The ledger indexed for matching: built once per reconcile call, then looked up per line.

Every lookup is a dictionary hit (references, numbers, tax ids, accounts, exact names); fuzzy
payer names are compared only against the customers that share a rare name-prefix block with
the line (rapidfuzz on a few dozen names, never on the whole customer list).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import polars as pl
from rapidfuzz import fuzz, process

from cobranza.core.matching import Book, OpenItem
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
    # Single letters are the initials of legal forms ("S.A.P.I.", "S. de R.L.").
    return " ".join(w for w in plain(name).split() if w not in _NOISE and len(w) > 1)


def compact(number: str) -> str:
    """An invoice number or token without separators ("F-000123" → "F000123")."""
    return _NOT_ALNUM.sub("", number.upper())


def digits(number: str) -> str:
    """The digits of a number without leading zeros ("F-000123" → "123"); "" when none."""
    return _NOT_DIGIT.sub("", number).lstrip("0")


def _blocks(key: str) -> set[str]:
    """Blocking keys of a name: each word's first letters, and of each two neighbouring words.

    Single words are common in a large ledger (every "Transportes", every "Hernández"); pairs
    of neighbours are rare, survive truncation of the last word and a typo in any one word.
    """
    words = [w[:_BLOCK] for w in key.split() if len(w) >= 3]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


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
        # Oldest first (due date, issue date, id), so each customer's list is too.
        ordered = sorted(items, key=lambda i: (i.due, i.issue, i.invoice_id))
        numbers = pl.Series([it.number for it in ordered], dtype=pl.String)
        compacts = numbers.str.to_uppercase().str.replace_all("[^0-9A-Z]", "").to_list()
        digit_runs = numbers.str.replace_all("[^0-9]", "").str.strip_chars_start("0").to_list()
        for it, key, d in zip(ordered, compacts, digit_runs, strict=True):
            self.items[it.customer_id].append(it)
            self.item[it.invoice_id] = it
            self.by_number[key].append(it)
            if len(d) >= 4:
                self.by_digits[d].append(it)
            self.by_amount[it.open].append(it)
        self._books: dict[int, Book] = {}
        self._owes: dict[int, set[int]] = {}
        self._amounts: list[int] | None = None
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
            for block in _blocks(key):
                self.blocks[block].append(c.id)
        self._sorted_keys = sorted(self.exact_names)
        self._written = sorted((" ".join(plain(c.name).split()), c.id) for c in customers)

    def book(self, customer: int) -> Book:
        """The customer's open items with their amount lookups (built on first use)."""
        book = self._books.get(customer)
        if book is None:
            book = self._books[customer] = Book(self.items.get(customer, ()), ordered=True)
        return book

    def _names_starting(self, written: str) -> list[int]:
        """Customers whose full name, as written, begins with `written` (at most 120)."""
        names = self._written
        at = bisect_left(names, (written,))
        found: list[int] = []
        while at < len(names) and len(found) < 120 and names[at][0].startswith(written):
            found.append(names[at][1])
            at += 1
        return found

    def _starting_with(self, key: str) -> list[str]:
        """Customer name keys that begin with `key` (at most 50)."""
        keys = self._sorted_keys
        found = []
        for at in range(bisect_left(keys, key), min(len(keys), bisect_left(keys, key) + 50)):
            if not keys[at].startswith(key):
                break
            found.append(keys[at])
        return found

    def amounts_between(self, low: int, high: int) -> list[OpenItem]:
        """Open invoices whose open amount is in [low, high] (at most 6)."""
        if self._amounts is None:
            self._amounts = sorted(self.by_amount)
        found: list[OpenItem] = []
        for amount in self._amounts[bisect_left(self._amounts, low):
                                    bisect_right(self._amounts, high)]:
            found.extend(self.by_amount[amount])
            if len(found) > 5:
                break
        return found

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

    @staticmethod
    def _score(found: dict[int, float], ids: list[int],
               hits: list[tuple[str, float, int]], penalty: float = 0.0) -> None:
        for _name, score, at in hits:
            found[ids[at]] = max(found.get(ids[at], 0.0), score + penalty)

    def names(self, payer: str) -> list[tuple[int, float]]:
        """Every customer whose name resembles the payer's, best first (rapidfuzz 0..100)."""
        key = name_key(payer)
        if not key:
            return []
        exact = self.exact_names.get(key)
        if exact:
            # The payer's name may also be the start of others' (the bank cut it short).
            longer = [(c, 97.0) for other in self._starting_with(key) if other != key
                      for c in self.exact_names[other]]
            return [(c, 100.0) for c in exact] + longer
        found: dict[int, float] = {}
        for c in self.name_aliases.get(key, ()):
            found[c] = 100.0
        # A name the bank cut short, even mid-word ("MATERIALES CHAVEZ T"), is the exact start
        # of the customer's full name as written (legal form included).
        written = " ".join(plain(payer).split())
        if len(written) >= 12:
            for c in self._names_starting(written):
                found[c] = 99.0
        pool: set[int] = set()
        postings = sorted((p for b in _blocks(key) if (p := self.blocks.get(b))), key=len)
        for posting in postings:
            if len(posting) > _BLOCK_CAP or len(pool) + len(posting) > _BLOCK_CAP:
                break  # the rarest blocks are enough; common ones only add look-alikes
            pool.update(posting)
        pool.difference_update(found)
        if pool:
            ids = list(pool)
            choices = [self._names[c] for c in ids]
            self._score(found, ids, process.extract(key, choices, scorer=fuzz.ratio,
                                                    score_cutoff=80, limit=None))
            if max(found.values(), default=0.0) < 90:
                # Words in another order ("PEREZ LOPEZ JUAN"), or the name cut by the bank's
                # field ("COMERCIAL LOS ANDES LIMI", compared with as much of each name).
                self._score(found, ids, process.extract(key, choices,
                                                        scorer=fuzz.token_sort_ratio,
                                                        score_cutoff=80, limit=None))
                if len(key) >= 12:
                    cut = [c[:len(key)] for c in choices]
                    self._score(found, ids, process.extract(key, cut, scorer=fuzz.ratio,
                                                            score_cutoff=83, limit=None), -3)
        return sorted(found.items(), key=lambda kv: -kv[1])
