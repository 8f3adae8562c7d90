"""A table read once for matching: its key column, its link columns and the search terms of every cell."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..municipalities import municipalities_in
from .words import (COLUMN_SYNONYMS, HYPHEN_JOIN_RE, LINK_RE, NO_CELL_RE, TABLE_NUMBER_RE, YEAR_RE,
                          YES_CELL_RE, has)
from .parse import Table
from ..text import fold

Terms = Callable[[str], list[str]]


def key_column(table: Table) -> int:
    """The column that names a row: the first whose cells are distinct and hold letters."""
    for column in range(len(table.header)):
        cells = [row[column] for row in table.rows]
        numbering = all(re.fullmatch(r"[\d.\s]+", c) for c in cells)   # "2.1", "2.2": section numbers
        if all(cells) and not numbering and len(set(cells)) == len(cells):
            return column
    return 0


def cell_terms(terms: Terms, text: str) -> frozenset[str]:
    """Terms of the text as written and with hyphenated words joined ("IT-strategi" -> "itstrategi").

    An elided compound ("Digitaliserings- og IT-strategi") is not expanded: a list of every
    "digitaliseringsstrategi" then names the rows that use the word, as a reader would count them.
    """
    return frozenset(terms(text)) | frozenset(terms(HYPHEN_JOIN_RE.sub("", text)))


_ELIDED_RE = re.compile(r"([^\W\d_]+)-\s+(?:og|eller|and|or)\s+([^\W\d_]+(?:-[^\W\d_]+)?)")


def elided_terms(terms: Terms, text: str, words: frozenset[str]) -> frozenset[str]:
    """An elided compound written out: "IT- og digitaliseringsstrategi" is also an "IT-strategi", and
    "Digitaliserings- og IT-strategi" a "digitaliseringsstrategi". The shared head is the longest ending
    of the whole word that the table uses as a word of its own ("strategi")."""
    found: set[str] = set()
    for first, whole in _ELIDED_RE.findall(text):
        joined = fold(whole.replace("-", ""))
        head = next((joined[i:] for i in range(1, len(joined) - 4) if joined[i:] in words), "")
        if head:
            found |= set(terms(first + head))
    return frozenset(found)


def paired_terms(terms: Terms, text: str) -> frozenset[str]:
    """Two words in a row as one "first+second" term (hyphens joined), for compounds the cell writes apart
    ("Digitale principper" for "digitaliseringsprincipper"); "+" is never part of a question's term."""
    pairs: set[str] = set()
    for clause in re.split(r"[.,;:()|–]", text):   # "Jf. vedtægterne. Forskellige …" are no pair
        stems = [next(iter(terms(HYPHEN_JOIN_RE.sub("", w))), "") for w in clause.split()]
        pairs |= {f"{a}+{b}" for a, b in zip(stems, stems[1:]) if len(a) >= 5 and len(b) >= 5}
    return frozenset(pairs)


def key_names(key: str) -> frozenset[str]:
    """Two or more names after a key's first word: "Digitaliseringssamarbejde mellem Viborg og Silkeborg" is
    also asked for as "the cooperation between Viborg and Silkeborg" (one name alone may mean something else)."""
    names = [fold(w) for w in re.findall(r"[^\W\d_]+", key)[1:] if w[0].isupper() and len(w) >= 3]
    return frozenset(names) if len(names) >= 2 else frozenset()


def plain_cell(value: str) -> str:
    """"digitaliserings-principper" and "digitaliseringsprincipper" are one value: no spaces, no hyphens."""
    return re.sub(r"[\s-]+", "", value)


def _median_words(cells: Iterable[str]) -> int:
    sizes = sorted(len(c.split()) for c in cells if c.strip())
    return sizes[len(sizes) // 2] if sizes else 0


@dataclass(frozen=True)
class PreparedTable:
    table: Table
    key: int
    links: frozenset[int]                    # columns of links and file names: data, but noise in a list
    cell_terms: tuple[tuple[frozenset[str], ...], ...]   # per row, per column
    link_terms: tuple[frozenset[str], ...]   # per row, the words of its link cells ("Notat 2020 (alleroed.dk)")
    row_terms: tuple[frozenset[str], ...]    # per row, every cell but the key
    column_terms: tuple[frozenset[str], ...] # per column header
    header_terms: frozenset[str]             # every header but the key's
    key_header_terms: frozenset[str]
    section_terms: frozenset[str]            # the table's own name: its section and caption
    title_terms: frozenset[str]              # its document's title: what the rows are ("… samarbejder …")
    label_terms: frozenset[str]              # words that name only the table ("linksamling")
    vocabulary: frozenset[str]
    patterns: tuple[re.Pattern, ...]         # each row's key as written in a folded question
    key_names: tuple[frozenset[str], ...]    # the names inside a long key ("… mellem Viborg og Silkeborg")
    whole_cells: frozenset[str]              # one-word cells' terms ("Forening"): a listed noun that filters
    year_columns: tuple[int, ...]
    number_columns: tuple[int, ...]
    yes_no_columns: tuple[int, ...]
    asking: dict[int, frozenset[str]]        # columns asked for without their name ("Hvornår …" -> period)
    caption_number: str = ""                 # "1" of "Tabel 1: …", when no other table has it ("i tabel 1")
    folded_cells: frozenset[str] = frozenset()   # every cell folded: a quoted value must be one of them
    cells_by_plain: dict = field(default_factory=dict, compare=False)   # plain_cell(folded) -> folded cells
    prose_columns: frozenset[int] = frozenset()  # columns of sentences (median cell of 8 words or more)
    municipal: bool = False                  # keyed by municipality ("Kommune"): a town it lacks is missing
    _holding: dict = field(default_factory=dict, compare=False, repr=False)

    def missing_towns(self, text: str) -> list[str]:
        """The municipalities the text names that this municipality table does not hold."""
        if not self.municipal:
            return []
        return [m for m in municipalities_in(text) if not any(p.search(fold(m)) for p in self.patterns)]

    def rows_with(self, term: str, column: int | None = None) -> frozenset[int]:
        """The rows holding the term (in one column, or in any but the key); remembered, as questions repeat words."""
        found = self._holding.get((term, column))
        if found is None:
            cells = self.row_terms if column is None else [row[column] for row in self.cell_terms]
            found = frozenset(i for i, terms in enumerate(cells) if has(term, terms))
            if len(self._holding) < 50_000:
                self._holding[(term, column)] = found
        return found

    @classmethod
    def of(cls, table: Table, terms: Terms, generic: frozenset[str]) -> "PreparedTable":
        key = key_column(table)
        columns = range(len(table.header))
        links = frozenset(i for i in columns if sum(bool(LINK_RE.search(r[i])) for r in table.rows) > len(table.rows) / 3)
        # Link and file-name cells are not searched: their words ("...vision_2020.pdf") are not the table's data.
        words = frozenset(fold(w) for r in table.rows for c in r for w in re.findall(r"[^\W\d_]+", c))
        cells = tuple(tuple(cell_terms(terms, c) | elided_terms(terms, c, words) | paired_terms(terms, c) if i not in links else frozenset()
                            for i, c in enumerate(r)) for r in table.rows)
        row_terms = tuple(frozenset().union(*(t for i, t in enumerate(row) if i != key)) for row in cells)
        column_terms = tuple(cell_terms(terms, h) for h in table.header)
        section_terms = cell_terms(terms, table.section.split(" › ")[-1] + " " + table.caption)
        label_terms = (section_terms - frozenset().union(*column_terms) - generic
                       - frozenset().union(*(t for row in cells for t in row)))
        header_terms = cell_terms(terms, " ".join(h for i, h in enumerate(table.header) if i != key))
        vocabulary = frozenset().union(*row_terms, header_terms, cell_terms(
            terms, " ".join(table.header) + " " + table.section + " " + table.caption + " " + table.title),
            *(cell_terms(terms, r[key]) for r in table.rows))
        patterns = tuple(re.compile(r"(?<![a-z0-9])" + r"[\s\-]*".join(map(re.escape, fold(r[key]).split()))
                                    + r"(s|'s|’s)?(?![a-z0-9])") for r in table.rows)
        folded_cells = frozenset(fold(c).strip() for r in table.rows for c in r)
        by_plain: dict[str, tuple[str, ...]] = {}
        for cell in sorted(folded_cells):
            by_plain[plain_cell(cell)] = by_plain.get(plain_cell(cell), ()) + (cell,)
        return cls(
            folded_cells=folded_cells, cells_by_plain=by_plain,
            prose_columns=frozenset(i for i in columns if _median_words(r[i] for r in table.rows) >= 8),
            table=table, key=key, key_names=tuple(key_names(r[key]) for r in table.rows),
            whole_cells=frozenset(t for r in table.rows for i, c in enumerate(r) if i != key and i not in links
                                  and len(ts := terms(c)) == 1 for t in ts), links=links, cell_terms=cells, row_terms=row_terms, column_terms=column_terms,
            link_terms=tuple(frozenset().union(*(cell_terms(terms, r[i]) for i in links)) for r in table.rows),
            header_terms=header_terms, key_header_terms=cell_terms(terms, table.header[key]),
            section_terms=section_terms, title_terms=cell_terms(terms, table.title), label_terms=label_terms, vocabulary=vocabulary, patterns=patterns,
            year_columns=tuple(i for i in columns if any(YEAR_RE.search(r[i]) for r in table.rows)),
            number_columns=tuple(i for i in columns if i != key and all(re.match(r"\D{0,4}\d", r[i]) for r in table.rows)),
            yes_no_columns=tuple(i for i in columns if i != key
                                 and all(YES_CELL_RE.match(r[i]) or NO_CELL_RE.match(r[i]) for r in table.rows)),
            asking={i: frozenset(terms(words)) for i, h in enumerate(table.header) if i != key
                    for name, words in COLUMN_SYNONYMS.items() if name in fold(h)},
            caption_number=number.group(1) if (number := TABLE_NUMBER_RE.search(table.caption)) else "",
            municipal="kommune" in fold(table.header[key]),
        )
