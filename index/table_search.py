"""Questions a table answers exactly: a list ("Hvilke kommuner …"), a count ("Hvor mange …") or one row ("Har Skive …")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .tables import Table
from .text import fold

_COUNT_RE = re.compile(r"\b(hvor mange|antal(let)?|how many|number of)\b", re.I)
_LIST_RE = re.compile(r"\b(hvilke|hvilken|hvem|which|list|liste|nævn|oversigt|what|hvad)\b", re.I)
# Questions that ask for an explanation are prose questions, even when they name a table's row.
_EXPLAIN_RE = re.compile(r"\b(hvordan|hvorfor|how|why|forklar|explain|fordele|ulemper|erfaring\w*)\b", re.I)
# The noun after "hvilke"/"hvor mange" names what is listed ("Hvilke samarbejder …"), it does not filter.
_SUBJECT_RE = re.compile(r"\b(?:hvilke|hvilken|hvilket|hvor mange|which|how many|what)\s+(\w+)", re.I)
_YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
# "Digitaliserings-principper" and "IT-strategi" are one word to match; "Digitaliserings- og IT-strategi" is two.
_HYPHEN_JOIN_RE = re.compile(r"(?<=[^\W\d_])-(?: (?!(?:og|eller|and|or)\b))?(?=[^\W\d_])")
_LINK_RE = re.compile(r"\.(pdf|aspx?|html?)\b|\([\w.-]+\.(dk|com|org|eu)\)|https?://", re.I)
# Words a table question may use without the table containing them (Danish and English).
GENERIC_WORDS = """har have hvilke hvilken hvem hvor mange antal liste list listen oversigt nævn findes står
står med nævnt tabel tabellen ifølge kl alle samlet fremgår gælder dækker dækket løber løb frem fra til
periode perioden år årene organiseret organiseres type which what who how many has have does list all according table named their
kommuner kommune municipalities municipality mentioned running until from cover covers period""".split()


@dataclass(frozen=True)
class TableMatch:
    table: Table
    rows: tuple[tuple[str, ...], ...]
    intent: str                 # "list", "count" or "row"
    key_column: int
    shown_columns: tuple[int, ...]
    verdict: bool | None = None # for a yes/no row question: does the row hold what was asked


def key_column(table: Table) -> int:
    """The column that names a row: the first whose cells are distinct and hold letters."""
    for column in range(len(table.header)):
        cells = [row[column] for row in table.rows]
        if all(re.search(r"[^\W\d_]", c) for c in cells) and len(set(cells)) == len(cells):
            return column
    return 0


def _year_span(cell: str) -> tuple[int, int] | None:
    years = [int(y) for y in _YEAR_RE.findall(cell)]
    if not years:
        return None
    low = cell.lower()
    if re.search(r"\b(frem til|til|until)\b", low) and len(years) == 1:
        return (0, years[0])
    if re.search(r"\b(fra|from|siden)\b", low) and len(years) == 1:
        return (years[0], 9999)
    return (min(years), max(years))


class TableSearch:
    def __init__(self, tables: Sequence[Table], terms: Callable[[str], list[str]]) -> None:
        self.tables = list(tables)
        self._terms = terms
        self._generic = set(terms(" ".join(GENERIC_WORDS)))
        self._prepared = [self._prepare(t) for t in self.tables]

    def _cell_terms(self, text: str) -> set[str]:
        return set(self._terms(_HYPHEN_JOIN_RE.sub("", text)))

    def _prepare(self, table: Table) -> dict:
        key = key_column(table)
        row_terms = [self._cell_terms(" ".join(c for i, c in enumerate(r) if i != key)) for r in table.rows]
        header_terms = self._cell_terms(" ".join(h for i, h in enumerate(table.header) if i != key))
        vocabulary = set().union(*row_terms, header_terms, self._cell_terms(" ".join(table.header) + " " + table.section),
                                 *(self._cell_terms(r[key]) for r in table.rows))
        # Columns of links and file names are data, but noise in a list of names.
        links = {i for i in range(len(table.header))
                 if sum(bool(_LINK_RE.search(r[i])) for r in table.rows) > len(table.rows) / 3}
        patterns = [re.compile(r"(?<![a-z0-9])" + r"[\s\-]*".join(map(re.escape, fold(r[key]).split()))
                               + r"(s|'s|’s)?(?![a-z0-9])") for r in table.rows]
        year_columns = [i for i in range(len(table.header)) if any(_YEAR_RE.search(r[i]) for r in table.rows)]
        return {"key": key, "row_terms": row_terms, "header_terms": header_terms, "vocabulary": vocabulary,
                "patterns": patterns, "year_columns": year_columns, "links": links}

    def match(self, question: str, extra_terms: Sequence[str] = ()) -> TableMatch | None:
        """The table rows that answer the question exactly, or None when it is not a table question."""
        if _EXPLAIN_RE.search(question):
            return None
        folded = fold(question)
        q_terms = [t for t in dict.fromkeys(self._terms(_HYPHEN_JOIN_RE.sub("", question)) + list(extra_terms))
                   if not t.isdigit()]
        years = [int(y) for y in _YEAR_RE.findall(question)]
        subjects = set(self._terms(" ".join(_SUBJECT_RE.findall(question))))
        count = bool(_COUNT_RE.search(question))
        listing = bool(_LIST_RE.search(question))
        best: tuple[int, TableMatch] | None = None
        for table, prep in zip(self.tables, self._prepared):
            candidate = self._match_table(table, prep, folded, q_terms, subjects, years, count, listing,
                                          extra_terms)
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        return best[1] if best else None

    def _match_table(self, table: Table, prep: dict, folded: str, q_terms: list[str], subjects: set[str], years: list[int],
                     count: bool, listing: bool, extra_terms: Sequence[str]) -> tuple[int, TableMatch] | None:
        key = prep["key"]
        key_rows = [i for i, p in enumerate(prep["patterns"]) if p.search(folded)]
        key_terms = set().union(*(self._cell_terms(table.rows[i][key]) for i in key_rows)) if key_rows else set()
        content = [t for t in q_terms if t not in self._generic and t not in key_terms and t not in subjects]
        english = set(extra_terms)
        # In an English question the untranslated English words are not content ("have", "policy" …).
        unexplained = [t for t in content if t not in prep["vocabulary"] and t not in english
                       and not (english and t.isascii())]
        if unexplained:
            return None
        n = len(table.rows)
        values = [t for t in content if t not in prep["header_terms"]
                  and 0 < sum(t in r for r in prep["row_terms"]) < 0.9 * n]
        # The most specific form: "informationssikkerhedspolitik" rather than its part "politik".
        values = [t for t in values if not any(t != v and t in v for v in values)]
        header_hit = any(t in prep["header_terms"] for t in q_terms if t not in key_terms)
        rows = [i for i in range(n) if all(v in prep["row_terms"][i] for v in values)] if values else list(range(n))
        if years and prep["year_columns"]:
            column = prep["year_columns"][-1]
            rows = [i for i in rows if (span := _year_span(table.rows[i][column])) and
                    all(span[0] <= y <= span[1] for y in years)]
        shown = tuple(sorted({i for i in range(len(table.header)) if i != key and i not in prep["links"] and (
            i in prep["year_columns"] or any(v in self._cell_terms(table.rows[r][i]) for r in rows for v in values))}))
        if key_rows and len(key_rows) <= 3 and (values or header_hit or years):
            verdict = None
            if values or years:
                verdict = all(i in rows for i in key_rows)
            return 3, TableMatch(table, tuple(table.rows[i] for i in key_rows), "row", key,
                                 tuple(i for i in range(len(table.header)) if i != key), verdict)
        if key_rows or not (count or listing) or not (values or years) or not rows or len(rows) == n:
            return None
        intent = "count" if count else "list"
        return 2 + len(values), TableMatch(table, tuple(table.rows[i] for i in rows), intent, key, shown)
