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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from cobranza.core.matching import Book, OpenItem
from cobranza.reconciliation.repository import CustomerRow, LineRow

# Words that say nothing about who a company is (legal forms, articles, trade words).
_NOISE = frozenset("""
SA SAB SAPI SAS SPA LTDA LTD LIMITADA EIRL SRL SC SOCIEDAD CIA COMPANIA Y DE DEL LA LAS LOS EL CV
RL AC INC LLC CORP CO THE AND OF MX CL S A C V R L
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
    return _key_of(plain(name).split())


def _key_of(words: list[str]) -> str:
    # Single letters are the initials of legal forms ("S.A.P.I.", "S. de R.L.").
    return " ".join(w for w in words if w not in _NOISE and len(w) > 1)


# The words of a legal form at the end of a name, made plain ("S.A.P.I. de C.V." is S A P I DE
# C V): a payer's bank writes its holder's registered name, legal form included.
_FORM_WORDS = frozenset("""
S A P I B C V R L DE SA SAB SAPI SC CV RL AC SPA LTDA LIMITADA EIRL SRL SAS INC LLC CORP LTD
""".split())
_FORM_ALIASES = {"LIMITADA": "LTDA"}
NAMESAKE_SCORE = 88.0  # a name like the payer's under another legal form (strength 0.72)


@lru_cache(maxsize=200_000)
def legal_form(written: str) -> str:
    """The legal form ending a plain name, its letters run together without "DE" ("SAPICV",
    "SRLCV", "SC", "LTDA"); "" when the name ends in none."""
    words = written.split()
    form: list[str] = []
    while len(words) > 1 and words[-1] in _FORM_WORDS:
        word = words.pop()
        if word != "DE":
            form.append(_FORM_ALIASES.get(word, word))
    return "".join(reversed(form))


def other_forms(payer: str, customer: str) -> bool:
    """True when both names end in a legal form and they differ: two legal entities, whatever
    their trade names (a name the bank cut short leaves a form's start, which agrees)."""
    mine, theirs = legal_form(payer), legal_form(customer)
    return bool(mine and theirs) and not (mine.startswith(theirs) or theirs.startswith(mine))


def compact(number: str) -> str:
    """An invoice number or token without separators ("F-000123" → "F000123")."""
    return _NOT_ALNUM.sub("", number.upper())


def number_key(column: pl.Expr) -> pl.Expr:
    """`compact` over a column: how an invoice number and a line's word are compared."""
    return column.str.to_uppercase().str.replace_all("[^0-9A-Z]", "")


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


def _picked(items: Sequence[OpenItem], positions: pl.Series) -> tuple[OpenItem, ...]:
    """The items at these positions, in their order (picked in C, not a Python loop)."""
    if positions.len() == 0:
        return ()
    picked = itemgetter(*positions.to_list())(items)
    return picked if positions.len() > 1 else (picked,)


class _Runs:
    """Items grouped by a key, each group a run of one list: a group's list is sliced when
    looked up (most keys of a ledger are never asked for)."""

    __slots__ = ("flat", "starts", "ends")

    def __init__(self, flat: Sequence[OpenItem], keys: list[Any], starts: pl.Series,
                 ends: pl.Series) -> None:
        self.flat = flat
        self.starts = dict(zip(keys, starts.to_list(), strict=True))
        # Where the run starting at each position ends.
        self.ends = pl.zeros(len(flat), dtype=pl.Int64, eager=True).scatter(
            starts, ends).to_list()

    def get(self, key: Any) -> Sequence[OpenItem]:
        """The key's items, oldest first (none: empty)."""
        start = self.starts.get(key)
        return () if start is None else self.flat[start:self.ends[start]]

    def keys(self) -> Iterable[Any]:
        """Every key with items."""
        return self.starts.keys()


# Each customer's name key and name as written (plain words), in the customers' order.
Spelled = tuple[list[str], list[str]]


def spell(customers: Sequence[CustomerRow]) -> Spelled:
    """The customers' names made plain (`plain`, a character table): pure Python, so a forked
    process may make them while this one reads the ledger."""
    words = [plain(c.name).split() for c in customers]
    return [_key_of(w) for w in words], [" ".join(w) for w in words]


class LedgerIndex:
    """Lookups from what a bank line says to customers and open invoices."""

    def __init__(self, *, customers: list[CustomerRow], items: Iterable[OpenItem],
                 aliases: list[tuple[str, str, int]], clabes: dict[str, int],
                 spelled: Spelled | None = None) -> None:
        """`spelled`: the customers' names as `spell` gives them, when already made."""
        self.customers = {c.id: c for c in customers}
        self.by_tax = {c.tax_key.upper(): c.id for c in customers if c.tax_key}
        self.clabes = clabes
        self._index_items(list(items))
        self._books: dict[int, Book] = {}
        self._named: dict[str, tuple[tuple[int, float], ...]] = {}
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
        self._index_names(customers, spell(customers) if spelled is None else spelled)

    def _index_names(self, customers: list[CustomerRow], spelled: Spelled) -> None:
        """Each customer's name key, the customers by key, by name block (`_blocks`: each
        customer once per block, in the ledger's order) and by name as written, sorted.
        Names are made plain in Python (`spell`), grouped by polars."""
        ids = [c.id for c in customers]
        keys, written_as = spelled
        self._names = dict(zip(ids, keys, strict=True))
        self._written_of = dict(zip(ids, written_as, strict=True))
        frame = pl.DataFrame({"id": ids, "key": keys, "written": written_as},
                             schema={"id": pl.Int64, "key": pl.String, "written": pl.String})
        exact = frame.group_by("key", maintain_order=True).agg("id")
        self.exact_names: dict[str, list[int]] = dict(zip(
            exact.get_column("key").to_list(), exact.get_column("id").to_list(), strict=True))
        self._sorted_keys: list[str] = exact.get_column("key").sort().to_list()
        # Blocks: the words of three letters or more, cut to _BLOCK, then each two neighbours
        # (a block has a space or not, so no group mixes the two parts' orders).
        heads = frame.select("id", head=pl.col("key").str.split(" ")).explode(
            "head", empty_as_null=False).filter(
            pl.col("head").str.len_chars() >= 3).with_columns(pl.col("head").str.slice(0, _BLOCK))
        pairs = heads.select("id", head=pl.when(pl.col("id") == pl.col("id").shift(-1)).then(
            pl.col("head") + " " + pl.col("head").shift(-1))).drop_nulls()
        blocks = pl.concat([heads, pairs]).group_by("head", maintain_order=True).agg(
            pl.col("id").unique(maintain_order=True))
        self.blocks: dict[str, list[int]] = dict(zip(
            blocks.get_column("head").to_list(), blocks.get_column("id").to_list(), strict=True))
        written = frame.select("written", "id").sort("written", "id")
        self._written: list[str] = written.get_column("written").to_list()
        self._written_ids: list[int] = written.get_column("id").to_list()

    def _index_items(self, items: list[OpenItem]) -> None:
        """The open items grouped every way a line looks them up, oldest first in each group
        (due date, issue date, id). Grouped by polars over the whole set: one dictionary
        insertion per group, not one per item."""
        frame = pl.DataFrame(
            dict(zip(OpenItem._fields, zip(*items, strict=True), strict=True)) if items else
            {name: [] for name in OpenItem._fields},
            schema={name: pl.String if name == "number" else pl.Int64
                    for name in OpenItem._fields}).with_row_index("at")
        frame = frame.sort("due", "issue", "invoice_id").with_columns(
            key=number_key(pl.col("number")),
            digits=pl.col("number").str.replace_all("[^0-9]", "").str.strip_chars_start("0"),
            # The last group of digits alone: a Chilean DTE's folio (33-1005 is the remittance's
            # "FACTURA 1005"), a numbering's sequence after its year (2026-001234).
            tail=pl.col("number").str.extract("([0-9]+)[^0-9]*$").str.strip_chars_start("0"))
        ordered = _picked(items, frame.get_column("at"))
        self.open_ids = frozenset(frame.get_column("invoice_id").to_list())
        self._numbers = frame.select("invoice_id", "number")
        frame = frame.with_row_index("pos")

        def runs(by: str, rows: pl.DataFrame = frame) -> _Runs:
            # Sorted by the key, oldest first within it: each key's items are one run.
            rows = rows.select(by, "pos").sort(by, "pos")
            lengths = rows.get_column(by).rle().struct.unnest()
            ends = lengths.get_column("len").cum_sum()
            starts = ends - lengths.get_column("len")
            return _Runs(_picked(ordered, rows.get_column("pos")),
                         lengths.get_column("value").to_list(), starts, ends)

        self._ordered = ordered
        self._owned = runs("customer_id")
        self.by_amount = runs("open")
        # Invoice numbers are looked up for all lines at once (`numbers_in`), by a join.
        self._keys = frame.select("key", "pos")
        self._digits = pl.concat([
            frame.select("digits", "pos"),
            frame.filter(pl.col("tail") != pl.col("digits")).select(
                pl.col("tail").alias("digits"), "pos")]).filter(
            pl.col("digits").str.len_chars() >= 4)

    def numbers_in(self, lines: Sequence[LineRow]) -> dict[int, list[tuple[str, Sequence[
            OpenItem]]]]:
        """For each line whose text names open invoices: (kind, the invoices named, oldest
        first). The tokens are the text's words, then each two neighbouring words joined
        ("F 123" is "F123"), without separators, each once, in that order. A token is an
        invoice's whole number ("invoice_number"), else, all digits, the digits of one with
        four or more, or of its last group of digits ("invoice_digits": F-0001234 is "1234"
        or "0001234"; a DTE's 33-1005 is "1005", its folio).

        One join over every line's tokens instead of a dictionary of every invoice number.
        """
        if not lines or self._keys.is_empty():
            return {}
        words = pl.DataFrame({"line": [ln.id for ln in lines],
                              "words": [ln.text.upper() for ln in lines]},
                             schema={"line": pl.Int64, "words": pl.String}).with_columns(
            pl.col("words").str.extract_all(_TOKEN.pattern))
        # Each word, then each two neighbours joined; `order` keeps that order within a line.
        tokens = pl.concat([
            words.explode("words", empty_as_null=False).rename({"words": "token"}),
            words.with_columns(pl.col("words").list.eval(pl.element() + pl.element().shift(-1)))
            .explode("words", empty_as_null=False).rename({"words": "token"})]).with_row_index(
            "order").filter(
            pl.col("token").is_not_null()).with_columns(
            pl.col("token").str.replace_all("[^0-9A-Z]", "")).unique(
            ["line", "token"], keep="first")
        whole = tokens.join(self._keys, left_on="token", right_on="key").with_columns(
            kind=pl.lit("invoice_number"))
        rest = tokens.join(whole.select("line", "token").unique(), on=["line", "token"],
                           how="anti").filter(pl.col("token").str.contains("^[0-9]+$"))
        part = rest.with_columns(pl.col("token").str.strip_chars_start("0")).join(
            self._digits, left_on="token", right_on="digits").with_columns(
            kind=pl.lit("invoice_digits"))
        hits = pl.concat([whole.select("line", "order", "kind", "pos"),
                          part.select("line", "order", "kind", "pos")]).sort(
            "line", "order", "pos").group_by(["line", "order", "kind"], maintain_order=True).agg(
            "pos")
        found: dict[int, list[tuple[str, Sequence[OpenItem]]]] = defaultdict(list)
        for line, kind, positions in zip(hits.get_column("line").to_list(),
                                         hits.get_column("kind").to_list(),
                                         hits.get_column("pos").to_list(), strict=True):
            found[line].append((kind, [self._ordered[p] for p in positions]))
        return found

    def numbers_of(self, invoice_ids: set[int]) -> dict[int, str]:
        """The numbers of these invoices that are open here."""
        found = self._numbers.filter(pl.col("invoice_id").is_in(list(invoice_ids)))
        return dict(zip(found.get_column("invoice_id").to_list(),
                        found.get_column("number").to_list(), strict=True))

    def owed_by(self, customer: int) -> Sequence[OpenItem]:
        """The customer's open items, oldest first."""
        return self._owned.get(customer)

    def book(self, customer: int) -> Book:
        """The customer's open items with their amount lookups (built on first use)."""
        book = self._books.get(customer)
        if book is None:
            book = self._books[customer] = Book(self._owned.get(customer), ordered=True)
        return book

    def _names_starting(self, written: str) -> list[int]:
        """Customers whose full name, as written, begins with `written` (at most 120)."""
        names = self._written
        at = bisect_left(names, written)
        found: list[int] = []
        while at < len(names) and len(found) < 120 and names[at].startswith(written):
            found.append(self._written_ids[at])
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
            self._amounts = sorted(self.by_amount.keys())
        found: list[OpenItem] = []
        for amount in self._amounts[bisect_left(self._amounts, low):
                                    bisect_right(self._amounts, high)]:
            found.extend(self.by_amount.get(amount))
            if len(found) > 5:
                break
        return found

    def owing(self, amount: int) -> set[int]:
        """Customers with an open invoice of exactly this amount."""
        found = self._owes.get(amount)
        if found is None:
            found = self._owes[amount] = {i.customer_id for i in self.by_amount.get(amount)}
        return found

    @staticmethod
    def _score(found: dict[int, float], ids: list[int],
               hits: list[tuple[str, float, int]], penalty: float = 0.0) -> None:
        for _name, score, at in hits:
            found[ids[at]] = max(found.get(ids[at], 0.0), score + penalty)

    def names(self, payer: str) -> Sequence[tuple[int, float]]:
        """Every customer whose name resembles the payer's, best first (rapidfuzz 0..100).

        Remembered per payer for the index's life: a payer who pays several invoices, or
        the bank's own name on its charges, comes back many times in one statement.
        """
        found = self._named.get(payer)
        if found is None:
            found = self._named[payer] = tuple(self._resembling(payer))
        return found

    def _resembling(self, payer: str) -> list[tuple[int, float]]:
        """The customers a payer's name resembles, best first; one whose name ends in another
        legal form than the payer's ("S.C." against "S.A. de C.V.") is another legal entity
        of the same trade name: at most `NAMESAKE_SCORE`."""
        found = self._resembling_names(payer)
        written = " ".join(plain(payer).split())
        if not found or not legal_form(written):
            return found
        return sorted(((c, min(score, NAMESAKE_SCORE)) if other_forms(
            written, self._written_of[c]) else (c, score) for c, score in found),
            key=lambda cs: -cs[1])

    def _resembling_names(self, payer: str) -> list[tuple[int, float]]:
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
            choices = list(map(self._names.__getitem__, ids))
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
