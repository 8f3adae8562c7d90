"""Questions a table answers exactly: a list ("Hvilke kommuner …"), a count ("Hvor mange …") or one row ("Har Skive …")."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Collection, Sequence

from ..municipalities import municipalities_in
from ..names import words_in
from .filters import number_filter, period_filter
from .prep import PreparedTable, key_column, plain_cell
from .message import adds_condition, after_dash, owned, question_of, whose
from .question import TableQuestion, asked_columns, excluded_words, filter_values, read_question
from .words import (COUNT_RE, EVERY_COLUMN_RE, EXPIRED_RE, GENERIC_WORDS, LIST_RE, LOWERCASE_SUBJECT_RE, NAME_RE,
                          NAMED_VALUE_RE, NEGATION_RE, NO_CELL_RE, OR_RE, OTHER_RE, POSSESSIVE_RE, QUANTITY_WORDS, QUOTED_RE, SECOND_QUESTION_RE,
                          YEAR_RE, YES_CELL_RE, YES_NO_RE, has, known)
from .parse import Table
from ..text import fold

__all__ = ["TableMatch", "TableSearch", "key_column"]


@dataclass(frozen=True)
class TableMatch:
    table: Table
    rows: tuple[tuple[str, ...], ...]
    intent: str                 # "list", "count", "row" or "absent"
    key_column: int
    shown_columns: tuple[int, ...]
    verdict: bool | None = None # for a yes/no row question: does the row hold what was asked
    missing: tuple[str, ...] = ()   # names asked for that the table does not hold ("absent")


@dataclass(frozen=True)
class _Selection:
    rows: tuple[int, ...]
    values: tuple[str, ...]
    filtered: bool                # some condition chose the rows
    compared: frozenset[int] = frozenset()   # number columns a condition compared ("flere end 10 kommuner")
    every_column: bool = False    # a value asked for in every column: "none" is an answer to a count


def _empty(cell: str) -> bool:
    return cell.strip() in ("", "-")


class TableSearch:
    def __init__(self, tables: Sequence[Table], terms: Callable[[str], list[str]]) -> None:
        self.tables = list(tables)
        cached = lru_cache(maxsize=20_000)(lambda text: tuple(terms(text)))
        # Each table asks for the same words of a question: analyse them once.
        self._terms: Callable[[str], list[str]] = lambda text: list(cached(text))
        self._generic = frozenset(terms(" ".join(GENERIC_WORDS)))
        self._quantities = frozenset(terms(" ".join(QUANTITY_WORDS)))
        self._municipality_terms = frozenset(terms("kommuner kommune municipalities municipality"))
        prepared = [PreparedTable.of(t, self._terms, self._generic) for t in self.tables]
        numbers = Counter(p.caption_number for p in prepared)
        # Every report has its "Tabel 1": a number names a table only while no other table has it.
        self._prepared = [replace(p, caption_number="") if numbers[p.caption_number] > 1 else p for p in prepared]
        self._any_key = re.compile("|".join(p.pattern for prep in self._prepared for p in prep.patterns) or "(?!)")

    def match(self, question: str, extra_terms: Sequence[str] = (),
              translated: Collection[str] = ()) -> TableMatch | None:
        """The table rows that answer the question exactly, or None when it is not a table question.

        `extra_terms`: Danish terms of the question's English words; `translated`: those English words.
        """
        # "jeg er ny i ishøj. hvad hedder vores strategi …?": the one row the context names.
        asked = owned(question, question_of(question), self._any_key)
        if asked is None:
            return None   # "does kl have our strategy": whose, the table cannot tell
        found = self._match_one(asked, extra_terms, translated)
        # "vi overvejer at få regionen med - hvor mange af samarbejderne …": the question after a dash.
        split = after_dash(asked) if found is None else None
        if split:
            tail = split[1]
            if POSSESSIVE_RE.search(tail) and not self._any_key.search(fold(tail)):
                # "new here, from aarhus - is our strategy listed": "our" is the one row or town before the dash.
                name = whose(split[0], self._any_key)
                tail = f"{tail} ({name})" if name else tail
            found = self._match_one(tail, extra_terms, translated)
            prep = next((p for p in self._prepared if found and p.table is found.table), None)
            if prep and adds_condition(split[0], split[1], prep, self._terms, self._generic):
                return None
        return found

    @property
    def municipality_keys(self) -> tuple[str, ...]:
        """The row keys of the tables keyed by municipality."""
        return tuple(row[p.key] for p in self._prepared if p.municipal for row in p.table.rows)

    def rows_named(self, names: Collection[str]) -> TableMatch | None:
        """The rows whose key holds one of the names (lowercase words), in the table holding most of them."""
        best = None
        for prep in self._prepared:
            rows = tuple(row for row in prep.table.rows if names & words_in(row[prep.key]))
            if rows and (best is None or len(rows) > len(best.rows)):
                shown = tuple(i for i in range(len(prep.table.header)) if i != prep.key)
                best = TableMatch(prep.table, rows, "row", prep.key, shown)
        return best

    def _match_one(self, question: str, extra_terms: Sequence[str], translated: Collection[str]) -> TableMatch | None:
        best: tuple[float, TableMatch] | None = None
        if EXPIRED_RE.search(question) and not YEAR_RE.search(question):
            return None
        if not (COUNT_RE.search(question) or LIST_RE.search(question) or YES_NO_RE.match(question)):
            # Neither a list, a count nor a yes/no: only a question naming a row ("Hvornår udløber Hernings …").
            if not self._any_key.search(fold(question)) and not municipalities_in(question):
                return None
        for prep in self._prepared:
            q = read_question(prep, question, self._terms, self._generic, extra_terms, translated)
            selection = self._select(prep, q)
            candidate = self._decide(prep, q, selection, extra_terms, translated) if selection else None
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        return best[1] if best else None

    def _select(self, prep: PreparedTable, q: TableQuestion) -> _Selection | None:
        """The rows the question's conditions keep; None when only the complement would answer."""
        table = prep.table
        if not q.key_rows and not prep.year_columns and YEAR_RE.search(q.text):
            return None   # "… der løber 2018-2022": a table without years cannot say which rows
        values = filter_values(prep, q, self._terms)
        others = {t for m in OTHER_RE.finditer(q.text) for t in self._terms(" ".join(q.text[m.end():].split()[:2]))}
        if any(has(v, frozenset(others)) for v in values):
            return None   # "andre strategier": not the rows that hold the word, and no exact answer
        quoted = [text for text in (fold(t).strip() for t in QUOTED_RE.findall(q.text)) if text in prep.folded_cells]
        quoted += _named_values(q.text, prep) if not quoted else []
        # Which rows: quoted cell values exactly; else the rows holding the most of the asked values,
        # looked for in the named column when the question names one ("højt på effektivisering").
        rows = list(range(len(table.rows)))
        if quoted:
            rows = [i for i in rows if any(fold(c).strip() in quoted for c in table.rows[i])]
            values = []
        elif values:
            where = [c for c in q.columns if any(prep.rows_with(v, c) for v in values)]
            holding = {v: frozenset().union(*(prep.rows_with(v, c) for c in where)) if where else prep.rows_with(v)
                       for v in values}

            def hits(i: int) -> int:
                return sum(i in holding[v] for v in values)
            top = max(hits(i) for i in rows)
            # "skole, undervisning eller læring": any of them; otherwise the rows holding the most of them.
            either = len(values) > 1 and bool(OR_RE.search(q.text))
            rows = [i for i in rows if top and (hits(i) > 0 if either else hits(i) == top)]
        # "udover dem der hedder Digitaliseringsstrategi": the rows holding a word set aside are left out.
        aside = frozenset().union(*(prep.rows_with(t) | prep.rows_with(t, prep.key)
                                    for t in excluded_words(q, self._terms, self._generic) if known(t, prep.vocabulary)))
        set_aside = any(i in aside for i in rows)
        rows = [i for i in rows if i not in aside]
        rows, years = period_filter(q.text, table, prep, rows, bool(q.key_rows))
        rows, numbers = number_filter(q.text, table, prep, set(q.terms), self._terms, rows)
        # "Høj på alle kriterierne": a cell value in every column (a value all rows hold is no filter above).
        every = self._every_column_values(prep, q.text)
        if every:
            columns = [c for c in range(len(table.header)) if c != prep.key and c not in prep.links]
            rows = [i for i in rows if all(any(i in prep.rows_with(v, c) for v in every) for c in columns)]
        linked = [c for c in q.columns if c in prep.links]
        rows = [i for i in rows if all(has(v, prep.link_terms[i]) for v in q.link_values)]
        if not q.key_rows:
            # "uden link" / "ingen periode": the empty cells; "har et link": the filled ones.
            rows = [i for i in rows if all(_empty(table.rows[i][c]) for c in q.blank)
                    and not any(_empty(table.rows[i][c]) for c in linked)]
        negated = bool(NEGATION_RE.search(q.text)) and not q.key_rows and not years and not q.blank
        yes_no_named = [c for c in q.columns if c in prep.yes_no_columns]
        if yes_no_named and not (values or quoted or years or q.blank or q.key_rows):
            # "Ved hvilke organisationsformer overdrages kompetence?": the rows that say yes (no, when negated).
            cell = NO_CELL_RE if negated else YES_CELL_RE
            rows = [i for i in rows if all(cell.match(table.rows[i][c]) for c in yes_no_named)]
            values, negated = ["-"], False
        if negated and q.columns and not (values or quoted or years):
            # "Hvilke kommuner har ikke angivet en periode?": the rows whose named cell is empty.
            rows = [i for i in rows if all(_empty(table.rows[i][c]) for c in q.columns)]
            values = ["-"]
        elif negated and (values or quoted):
            return None   # "har ikke en strategi": the complement is no exact answer; the prose says it
        return _Selection(tuple(rows), tuple(values or every),
                          bool(quoted or values or years or numbers or q.blank or linked or set_aside or every), numbers,
                          bool(every))

    def _every_column_values(self, prep: PreparedTable, text: str) -> list[str]:
        """The cell values asked for in every column: the words just before "på alle kriterier" ("Middel eller
        Høj på alle kriterierne"); none when the word before it is no cell value ("lav modenhed på alle …")."""
        match = EVERY_COLUMN_RE.search(text)
        words = [self._terms(w) for w in text[:match.start()].split()[-3:]] if match else []
        if not words or not words[-1] or words[-1][0] not in prep.whole_cells:
            return []
        return [ts[0] for ts in words if ts and ts[0] in prep.whole_cells]

    def _decide(self, prep: PreparedTable, q: TableQuestion, s: _Selection, extra_terms: Sequence[str],
                translated: Collection[str]) -> tuple[float, TableMatch] | None:
        """Which answer the table gives (one row, a name it lacks, a list or a count) and how sure: or none."""
        table, key, n = prep.table, prep.key, len(prep.table.rows)
        shown = tuple(sorted({i for i in range(len(table.header)) if i != key and i not in prep.links and (
            i in prep.year_columns or i in q.columns or i in s.compared
            or any(has(v, prep.cell_terms[r][i]) for r in s.rows for v in s.values))}))
        everything = tuple(i for i in range(len(table.header)) if i != key)
        allowed = 1 if q.named else 0   # a question that names the table may word things its own way
        if q.key_rows and len(q.key_rows) <= 3:
            # One row: the question names a column, asks yes/no about a value, or names the table.
            asked = asked_columns(prep, q, self._generic, extra_terms, translated)
            # Naming the table, a row and a column is a look-up however the question is framed ("Vi vil lave en
            # forening – skal vi regne med et sekretariat, ifølge tabellen over modeller?").
            lookup = q.named and q.columns and not q.explain
            if (len(q.unexplained) > allowed and not lookup) or not (q.columns or asked or (q.yes_no and s.filtered)
                                                                     or q.named) or (q.explain and not q.columns):
                return None
            verdict = all(i in s.rows for i in q.key_rows) if s.filtered else None
            # The asked columns first: "Hvilken periode …" reads the period before the form.
            first = [i for i in q.columns if i in everything] + [i for i in asked if i not in q.columns]
            order = tuple(first + [i for i in everything if i not in first and i not in prep.links]
                          + [i for i in everything if i not in first and i in prep.links])
            return 5, TableMatch(table, tuple(table.rows[i] for i in q.key_rows), "row", key, order, verdict)
        towns = prep.missing_towns(q.text)
        # "Har Faaborg-Midtfyn …": a two-word name the table lacks is one unknown word, not two.
        town_terms = {t for m in towns for t in self._terms(m)}
        unknown = [t for t in q.unexplained if t not in town_terms] + [m for m in towns if set(self._terms(m)) & set(q.unexplained)]
        if q.explain or len(unknown) > allowed + 1:
            return None
        # "hvad hedder kertemindes strategi": a row asked for of a town the table lacks is missing too.
        if not q.key_rows and (q.yes_no or (towns and not (q.count or q.listing))) and (q.named or s.filtered):
            # "Har Tårnby en digitaliseringsstrategi?": a name the table does not hold.
            names = [m for m in NAME_RE.findall(q.text) if set(self._terms(m)) & set(q.unexplained)
                     or (q.named and not set(self._terms(m)) & prep.vocabulary)]
            # "står tønder med i oversigten": written in lowercase, the unknown word right after the verb is the name.
            subject = LOWERCASE_SUBJECT_RE.match(q.text)
            if not names and subject and len(q.unexplained) == 1 and self._terms(subject.group(1)) == list(q.unexplained):
                names = [subject.group(1).capitalize()]
            # "does vesthimmerland have anything in kl's list": a municipality in lowercase, not among the rows.
            names = towns or names
            if names and not SECOND_QUESTION_RE.search(q.text):
                # Two tables may both lack the name: the one whose own words the question uses is meant.
                fit = sum(known(t, prep.section_terms | prep.header_terms) for t in q.content)
                return 4 + fit / (len(q.content) + 1), TableMatch(table, (), "absent", key, shown, False, tuple(names))
        if not (q.count or q.listing) or len(q.unexplained) > allowed or SECOND_QUESTION_RE.search(q.text):
            return None   # "…, og hvilke har de nyeste?": a second question the list does not answer
        if not s.filtered and not (q.named and (q.count or q.every)):
            return None
        if q.count and q.subjects & self._quantities:
            return None   # "Hvor mange borgere bor der …" asks for a sum of a column, not for a number of rows
        if (not s.rows and not (q.count and s.every_column)) or (s.filtered and len(s.rows) == n and not q.columns):
            return None
        if not q.named and s.values and all(_only_in_prose(prep, s.rows, v) for v in s.values):
            return None   # "Hvilke to spor arbejder de efter?": a word inside a sentence-long cell, in a table never named
        # "Hvilke kommuner …" lists a table keyed by municipality rather than one that merely shares a word.
        keyed = bool((q.subjects | set(extra_terms)) & prep.key_header_terms)
        if q.listing and not q.count and not keyed and not prep.municipal and q.subjects & self._municipality_terms:
            return None   # "Hvilke kommuner har en digitaliseringsmodel?": the models table lists no municipalities
        return 2 + len(s.values) + q.named + 0.5 * keyed, TableMatch(
            table, tuple(table.rows[i] for i in s.rows), "count" if q.count else "list", key, shown)


def _named_values(text: str, prep: PreparedTable) -> list[str]:
    """The cell value right after "formen …"/"called …": the longest run of words that is a whole cell."""
    found: list[str] = []
    for match in NAMED_VALUE_RE.finditer(text):
        words = match.group(1).split()
        for size in range(min(6, len(words)), 0, -1):
            candidate = plain_cell(fold(" ".join(words[:size])).strip(" ?.,;:!'\"«»“”"))
            if candidate in prep.cells_by_plain:
                found += prep.cells_by_plain[candidate]
                break
    return found


def _only_in_prose(prep: PreparedTable, rows: Sequence[int], value: str) -> bool:
    """Whether the value is found only in the table's columns of sentences."""
    columns = {i for r in rows for i in range(len(prep.table.header)) if has(value, prep.cell_terms[r][i])}
    return bool(columns) and columns <= prep.prose_columns
