"""Questions a table answers exactly: a list ("Hvilke kommuner …"), a count ("Hvor mange …") or one row ("Har Skive …")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Collection, Sequence

from .table_filters import number_filter, period_filter, states_period_or_number
from .table_words import (ALL_RE, BARE_EXAMPLE_RE, COLUMN_SYNONYMS, CONTRAST_RE, COUNT_RE, EXAMPLE_RE, EXPIRED_RE,
                          EXPLAIN_RE, GENERIC_WORDS, HYPHEN_JOIN_RE, LINK_RE, LIST_RE, NAME_RE, NEGATION_RE, NO_CELL_RE,
                          ALTERNATIVES_RE, OR_RE, QUOTED_RE, SECOND_QUESTION_RE, YEAR_RE, YES_CELL_RE, YES_NO_RE, has, known,
                          subject_words)
from .tables import Table
from .text import fold


@dataclass(frozen=True)
class TableMatch:
    table: Table
    rows: tuple[tuple[str, ...], ...]
    intent: str                 # "list", "count" or "row"
    key_column: int
    shown_columns: tuple[int, ...]
    verdict: bool | None = None # for a yes/no row question: does the row hold what was asked
    missing: tuple[str, ...] = ()   # names asked for that the table does not hold ("absent")


def _empty(cell: str) -> bool:
    return cell.strip() in ("", "-")


def key_column(table: Table) -> int:
    """The column that names a row: the first whose cells are distinct and hold letters."""
    for column in range(len(table.header)):
        cells = [row[column] for row in table.rows]
        numbering = all(re.fullmatch(r"[\d.\s]+", c) for c in cells)   # "2.1", "2.2": section numbers
        if all(cells) and not numbering and len(set(cells)) == len(cells):
            return column
    return 0


class TableSearch:
    def __init__(self, tables: Sequence[Table], terms: Callable[[str], list[str]]) -> None:
        self.tables = list(tables)
        cached = lru_cache(maxsize=20_000)(lambda text: tuple(terms(text)))
        # Each table asks for the same words of a question: analyse them once.
        self._terms: Callable[[str], list[str]] = lambda text: list(cached(text))
        self._generic = set(terms(" ".join(GENERIC_WORDS)))
        self._prepared = [self._prepare(t) for t in self.tables]
        self._any_key = re.compile("|".join(p.pattern for prep in self._prepared for p in prep["patterns"]) or "(?!)")

    def _cell_terms(self, text: str) -> set[str]:
        """Terms of the text as written and with hyphenated words joined ("IT-strategi" -> "itstrategi").

        An elided compound ("Digitaliserings- og IT-strategi") is not expanded: a list of every
        "digitaliseringsstrategi" then names the rows that use the word, as a reader would count them.
        """
        return frozenset(self._terms(text)) | frozenset(self._terms(HYPHEN_JOIN_RE.sub("", text)))

    def _prepare(self, table: Table) -> dict:
        key = key_column(table)
        # Columns of links and file names are data, but noise in a list of names.
        links = {i for i in range(len(table.header))
                 if sum(bool(LINK_RE.search(r[i])) for r in table.rows) > len(table.rows) / 3}
        # Link and file-name cells are not searched: their words ("...vision_2020.pdf") are not the table's data.
        cell_terms = [[self._cell_terms(c) if i not in links else frozenset() for i, c in enumerate(r)] for r in table.rows]
        row_terms = [frozenset().union(*(t for i, t in enumerate(cells) if i != key)) for cells in cell_terms]
        column_terms = [self._cell_terms(h) for h in table.header]
        # Words that name the table itself ("linksamling", "vurderingskriterier"), not words of its cells.
        section_terms = self._cell_terms(table.section.split(" › ")[-1] + " " + table.caption)
        label_terms = (section_terms - set().union(*column_terms) - self._generic
                       - set().union(*(t for cells in cell_terms for t in cells)))
        number_columns = [i for i in range(len(table.header))
                          if i != key and all(re.match(r"\D{0,4}\d", r[i]) for r in table.rows)]
        header_terms = self._cell_terms(" ".join(h for i, h in enumerate(table.header) if i != key))
        asking = {i: set(self._terms(words)) for i, h in enumerate(table.header) if i != key
                  for name, words in COLUMN_SYNONYMS.items() if name in fold(h)}
        vocabulary = frozenset().union(*row_terms, header_terms, self._cell_terms(
                                     " ".join(table.header) + " " + table.section + " " + table.caption + " " + table.title),
                                 *(self._cell_terms(r[key]) for r in table.rows))
        patterns = [re.compile(r"(?<![a-z0-9])" + r"[\s\-]*".join(map(re.escape, fold(r[key]).split()))
                               + r"(s|'s|’s)?(?![a-z0-9])") for r in table.rows]
        year_columns = [i for i in range(len(table.header)) if any(YEAR_RE.search(r[i]) for r in table.rows)]
        yes_no_columns = [i for i in range(len(table.header)) if i != key
                          and all(YES_CELL_RE.match(r[i]) or NO_CELL_RE.match(r[i]) for r in table.rows)]
        return {"key": key, "row_terms": row_terms, "header_terms": header_terms, "vocabulary": vocabulary,
                "patterns": patterns, "year_columns": year_columns, "links": links,
                "cell_terms": cell_terms, "column_terms": column_terms, "label_terms": label_terms,
                "number_columns": number_columns, "asking": asking, "yes_no_columns": yes_no_columns,
                "key_header_terms": self._cell_terms(table.header[key]),
                "section_terms": section_terms}

    def match(self, question: str, extra_terms: Sequence[str] = (),
              translated: Collection[str] = ()) -> TableMatch | None:
        """The table rows that answer the question exactly, or None when it is not a table question.

        `extra_terms`: Danish terms of the question's English words; `translated`: those English words.
        """
        best: tuple[float, TableMatch] | None = None
        question = BARE_EXAMPLE_RE.sub("", EXAMPLE_RE.sub("", question))
        if EXPIRED_RE.search(question) and not YEAR_RE.search(question):
            return None
        if not (COUNT_RE.search(question) or LIST_RE.search(question) or YES_NO_RE.match(question)):
            # Neither a list, a count nor a yes/no: only a question naming a row ("Hvornår udløber Hernings …").
            folded = fold(question)
            if not self._any_key.search(folded):
                return None
        for table, prep in zip(self.tables, self._prepared):
            candidate = self._match_table(table, prep, question, extra_terms, translated)
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        return best[1] if best else None

    def _match_table(self, table: Table, prep: dict, question: str, extra_terms: Sequence[str],
                     translated: Collection[str] = ()) -> tuple[float, TableMatch] | None:
        folded = fold(question)
        plain = [t for t in self._terms(question) + list(extra_terms) if not t.isdigit() and len(t) > 1]
        # A word is explained by its whole form ("licensformer" is not explained by "form").
        wholes = [ts[0] for w in re.findall(r"[^\W_]+", question) if w.lower() not in translated
                  and (ts := self._terms(w)) and not ts[0].isdigit() and len(ts[0]) > 1]
        q_terms = list(dict.fromkeys(plain + [t for t in self._terms(HYPHEN_JOIN_RE.sub("", question))
                                              if not t.isdigit() and len(t) > 1]))
        # "IT strategi" written apart is the table's "IT-strategi".
        words = re.findall(r"[^\W\d_]+", question)
        q_terms += [t for a, b in zip(words, words[1:]) for t in self._terms(a + b)
                    if t in prep["vocabulary"] and t not in q_terms and len(t) > max(len(a), len(b)) + 1]
        subjects = set(self._terms(" ".join(subject_words(question))))
        count = bool(COUNT_RE.search(question))
        listing = bool(LIST_RE.search(question))
        explain = bool(EXPLAIN_RE.search(question))
        key = prep["key"]
        n = len(table.rows)
        key_rows = [i for i, p in enumerate(prep["patterns"]) if p.search(folded)]
        key_terms = set().union(*(self._cell_terms(table.rows[i][key]) for i in key_rows)) if key_rows else set()
        content = [t for t in q_terms if t not in self._generic and t not in key_terms and t not in subjects]
        # In an English question the untranslated English words are not content ("have", "policy" …).
        unexplained = [t for t in dict.fromkeys(wholes) if t in content and not known(t, prep["vocabulary"])
                       and t not in extra_terms]
        named = any(known(t, prep["label_terms"]) for t in q_terms if len(t) >= 4)   # "linksamlingen", "vurderingskriterier"
        # A column the question names; "Hvilke kommuner …" does not ask for the column "Antal kommuner".
        header_columns = [i for i, terms in enumerate(prep["column_terms"])
                          if i != key and any(t in terms for t in q_terms if t not in key_terms and (
                              count or t not in subjects or i not in prep["number_columns"]))]
        every = bool(named and ALL_RE.search(question))   # "… i linksamlingen i alt": all rows
        # "… but no link", "uden link": the negation belongs to a column the question names right after it.
        blank = [c for c in header_columns for m in NEGATION_RE.finditer(question)   # "hverken med link eller periode"
                 if set(self._terms(" ".join(question[m.end():].split()[:4]))) & prep["column_terms"][c]]
        header_columns = [c for c in header_columns if c not in blank]
        # Rows holding each word in the named columns, and the rows holding it anywhere: counted once.
        in_named = {t: sum(any(has(t, prep["cell_terms"][i][c]) for c in header_columns) for i in range(n))
                    for t in content}
        def spread_of(t: str) -> int:   # rows holding the term (in the named columns, when the question names any)
            if in_named[t] or not header_columns:
                return in_named[t] or sum(has(t, r) for r in prep["row_terms"])
            # Not in the named column: a value of another ("digitaliseringsprincipper med en flerårig periode"),
            # unless it is only the table's own subject ("strategy period").
            return 0 if known(t, prep["section_terms"]) else sum(has(t, r) for r in prep["row_terms"])
        spread = {t: spread_of(t) for t in content}
        contrast = CONTRAST_RE.search(question)   # "… en digitaliseringspolitik rather than a strategy"
        excluded = set(self._terms(question[contrast.end():])) if contrast else set()
        # A value in a column the question names filters even when every row holds it ("vurderet højt på
        # informationssikkerhed" in a two-row table); elsewhere a word most rows hold is no filter.
        values = [t for t in content if t not in prep["header_terms"] and not (every and t in prep["section_terms"])
                  and t not in excluded and 0 < spread[t] and (spread[t] < max(2, 0.9 * n) or in_named[t])]
        # The most specific form: "informationssikkerhedspolitik" rather than its part "politik" (a part the
        # analyser split off; a word the question writes itself stays: "principper, altså digitale principper").
        written = set(wholes)
        values = [t for t in values if t in written or not any(t != v and t in v for v in values)]
        # The table's own subject ("digitalisering" in the strategy table) is background next to a real value.
        background = [t for t in values if known(t, prep["section_terms"]) and spread[t] > n / 4]
        # ... unless it is itself an alternative: "en digitaliseringsstrategi eller digitaliseringsprincipper".
        offered = {t for m in ALTERNATIVES_RE.finditer(question)
                   for word in m.groups() for t in self._terms(word)}
        background = [t for t in background if t not in offered]
        if len(background) < len(values):
            values = [t for t in values if t not in background]
        elif values and all(spread[t] > n / 2 for t in values) and states_period_or_number(question, prep):
            values = []   # "en strategi, der kun gælder for ét år": the period filters; "strategi" frames
        quoted = [fold(q).strip() for q in QUOTED_RE.findall(question)]
        quoted = [q for q in quoted if any(fold(c).strip() == q for r in table.rows for c in r)]

        # Which rows: quoted cell values exactly; else the rows holding the most of the asked values,
        # looked for in the named column when the question names one ("højt på effektivisering").
        rows = list(range(n))
        if quoted:
            rows = [i for i in rows if any(fold(c).strip() in quoted for c in table.rows[i])]
            values = []
        elif values:
            where = [c for c in header_columns if any(has(v, prep["cell_terms"][i][c]) for i in rows for v in values)]
            def hits(i: int) -> int:
                cells = [prep["cell_terms"][i][c] for c in where] if where else [prep["row_terms"][i]]
                return sum(any(has(v, terms) for terms in cells) for v in values)
            top = max(hits(i) for i in rows)
            # "skole, undervisning eller læring": any of them; otherwise the rows holding the most of them.
            either = len(values) > 1 and bool(OR_RE.search(question))
            rows = [i for i in rows if top and (hits(i) > 0 if either else hits(i) == top)]
        rows, years = period_filter(question, table, prep, rows, bool(key_rows))
        rows, numbers = number_filter(question, table, prep, set(q_terms), self._terms, rows)
        linked = [c for c in header_columns if c in prep["links"]]
        if not key_rows:
            # "uden link" / "ingen periode": the empty cells; "har et link": the filled ones.
            rows = [i for i in rows if all(_empty(table.rows[i][c]) for c in blank)
                    and not any(_empty(table.rows[i][c]) for c in linked)]
        negated = bool(NEGATION_RE.search(question)) and not key_rows and not years and not blank
        yes_no_named = [c for c in header_columns if c in prep["yes_no_columns"]]
        if yes_no_named and not (values or quoted or years or blank or key_rows):
            # "Ved hvilke organisationsformer overdrages kompetence?": the rows that say yes (no, when negated).
            cell = NO_CELL_RE if negated else YES_CELL_RE
            rows = [i for i in rows if all(cell.match(table.rows[i][c]) for c in yes_no_named)]
            values, negated = ["-"], False
        if negated and header_columns and not (values or quoted or years):
            # "Hvilke kommuner har ikke angivet en periode?": the rows whose named cell is empty.
            rows = [i for i in rows if all(_empty(table.rows[i][c]) for c in header_columns)]
            values = ["-"]
        elif negated and (values or quoted):
            return None   # "har ikke en strategi": the complement is no exact answer; the prose says it
        filtered = bool(quoted or values or years or numbers or blank or linked)

        shown = tuple(sorted({i for i in range(len(table.header)) if i != key and i not in prep["links"] and (
            i in prep["year_columns"] or i in header_columns
            or any(has(v, prep["cell_terms"][r][i]) for r in rows for v in values))}))
        everything = tuple(i for i in range(len(table.header)) if i != key)
        allowed = 1 if named else 0   # a question that names the table may word things its own way
        yes_no = bool(YES_NO_RE.match(question))
        asked = [i for i, words in prep["asking"].items() if words & set(q_terms)]
        # A column asked for without its name only when nothing else is asked: "Hvilke typer brugere …"
        # and "hvor mange temaer …" ask about something the row does not hold.
        synonyms = set().union(*prep["asking"].values()) if prep["asking"] else set()
        framing = frozenset(prep["section_terms"] | prep["header_terms"] | synonyms)
        # Danish words of the question's English framing ("strategic document on digitalisation") do not count.
        if any(not known(t, framing) for t in content + [t for t in subjects if t not in self._generic]
               if t not in extra_terms and t not in translated
               and not any(has(t, prep["row_terms"][i]) for i in key_rows)):   # "Jammerbugts planstrategi": the row's own form
            asked = []
        # In the order the question asks: "Hvilken periode dækker Billunds strategi?" wants the period first.
        position = {t: i for i, t in reversed(list(enumerate(q_terms)))}
        asked.sort(key=lambda i: min(position[t] for t in prep["asking"][i] if t in position))
        if key_rows and len(key_rows) <= 3:
            # One row: the question names a column, asks yes/no about a value, or names the table.
            if len(unexplained) > allowed or not (header_columns or asked or (yes_no and filtered) or named) \
                    or (explain and not header_columns):
                return None
            verdict = all(i in rows for i in key_rows) if filtered else None
            # The asked columns first: "Hvilken periode …" reads the period before the form.
            first = [i for i in header_columns if i in everything] + [i for i in asked if i not in header_columns]
            order = tuple(first + [i for i in everything if i not in first and i not in prep["links"]]
                          + [i for i in everything if i not in first and i in prep["links"]])
            return 5, TableMatch(table, tuple(table.rows[i] for i in key_rows), "row", key, order, verdict)
        if explain or len(unexplained) > allowed + 1:
            return None
        if not key_rows and yes_no and (named or filtered):
            # "Har Tårnby en digitaliseringsstrategi?": a name the table does not hold.
            names = [m for m in NAME_RE.findall(question)
                     if set(self._terms(m)) & set(unexplained) or (named and not set(self._terms(m)) & prep["vocabulary"])]
            if names and not SECOND_QUESTION_RE.search(question):
                # Two tables may both lack the name: the one whose own words the question uses is meant.
                fit = sum(known(t, prep["section_terms"] | prep["header_terms"]) for t in content)
                return 4 + fit / (len(content) + 1), TableMatch(table, (), "absent", key, shown, False, tuple(names))
        if not (count or listing) or len(unexplained) > allowed:
            return None
        if not filtered and not (named and (count or every)):
            return None
        if not rows or (filtered and len(rows) == n and not header_columns):
            return None
        # "Hvilke kommuner …" lists a table keyed by municipality rather than one that merely shares a word.
        keyed = bool((subjects | set(extra_terms)) & prep["key_header_terms"])
        return 2 + len(values) + named + 0.5 * keyed, TableMatch(table, tuple(table.rows[i] for i in rows),
                                                   "count" if count else "list", key, shown)
