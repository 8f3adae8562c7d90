"""Questions a table answers exactly: a list ("Hvilke kommuner …"), a count ("Hvor mange …") or one row ("Har Skive …")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Collection, Sequence

from .tables import Table
from .text import fold

_COUNT_RE = re.compile(r"\b(hvor mange|antal(let)?|how many|number of)\b", re.I)
_LIST_RE = re.compile(r"\b(hvilke|hvilken|hvem|which|list|liste|nævn|oversigt)\b", re.I)
_YES_NO_RE = re.compile(r"^\s*(har|er|findes|står|does|do|has|is|are)\b", re.I)
# Questions that ask for an explanation are prose questions, even when they name a table's row.
_EXPLAIN_RE = re.compile(r"\b(hvordan|hvorfor|how(?!\s+many\b)|why|forklar|explain|fordele|ulemper|erfaring\w*)\b", re.I)
# The noun after "hvilke"/"hvor mange" names what is listed ("Hvilke samarbejder …"), it does not filter.
_SUBJECT_RE = re.compile(r"\b(?:hvilke|hvilken|hvilket|hvor mange|which|how many|what)\s+((?:\S+\s+){0,4})", re.I)
_SKIP_WORDS = frozenset("af of de the to tre fire fem seks syv otte ni ti".split())
_YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_SPAN_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\s*[-–]\s*(19[89]\d|20[0-4]\d)\b")
_END_WORDS_RE = re.compile(r"\b(til|until|udløber|udløb|slutter|ender|ends?|expires?|through)\b[^0-9]{0,12}$", re.I)
_START_WORDS_RE = re.compile(r"\b(fra|from|siden|since|starter|begynder)\b[^0-9]{0,12}$", re.I)
_AFTER_WORDS_RE = re.compile(r"\b(efter|senere end|længere end|længere frem end|ud over|beyond|after|later than)\b[^0-9]{0,12}$", re.I)
_BEFORE_WORDS_RE = re.compile(r"\b(før|tidligere end|inden|before|earlier than)\b[^0-9]{0,12}$", re.I)
_ONLY_WORDS_RE = re.compile(r"\b(kun|only|alene|just)\b[^0-9]{0,12}$", re.I)
_MORE_RE = re.compile(r"\b(flere end|mere end|over|mindst|more than|at least)\s+(\d+)", re.I)
_FEWER_RE = re.compile(r"\b(færre end|mindre end|under|højst|fewer than|less than|at most)\s+(\d+)", re.I)
_QUOTED_RE = re.compile(r"['\"‘’“”«»]([^'\"‘’“”«»]{3,60})['\"‘’“”«»]")
_ALL_RE = re.compile(r"\b(i alt|in total|alle|all|samlet)\b", re.I)
_NAME_RE = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\b")
# "Digitaliserings-principper" and "IT-strategi" are one word to match; "Digitaliserings- og IT-strategi" is two.
_HYPHEN_JOIN_RE = re.compile(r"(?<=[^\W\d_])-(?: (?!(?:og|eller|and|or)\b))?(?=[^\W\d_])")
_OPEN_END_RE = re.compile(r"\b(uden (?:en )?slut\w*|ingen slut\w*|no end\w*|without an? end\w*|open[- ]ended|åben slut\w*)", re.I)
_CONTRAST_RE = re.compile(r"\b(rather than|instead of|i stedet for|frem for|snarere end)\b", re.I)
_NEGATION_RE = re.compile(r"\b(ikke|uden|mangler|intet|ingen|no|not|without|missing)\b", re.I)
_LINK_RE = re.compile(r"\.(pdf|aspx?|html?)\b|\([\w.-]+\.(dk|com|org|eu)\)|https?://", re.I)
# Words a table question may use without the table containing them (Danish and English).
GENERIC_WORDS = """har have hvilke hvilken hvem hvor mange antal liste list listen oversigt nævn findes står
står med nævnt tabel tabellen ifølge kl kls alle samlet fremgår gælder dækker dækket løber løb frem fra til
periode perioden år årene organiseret organiseres type typisk angivet kun udløber slutter starter flere færre
end mere mindre over under højst mindst der som which what who how many has have does list all according table
named their kommuner kommune municipalities municipality mentioned running until from cover covers period
listed years year kind only dokument dokumenter strategisk strategiske rækker længere strategic document documents form type listed mapping
hedder kaldes slags called slutdato slutår end date ended open rettet fokus fokuserer handler omhandler about focus focused aimed rather than instead stedet snarere ikke uden mangler intet ingen angivet no not without missing""".split()


# Question words that ask for a column without naming it ("Hvornår udløber Hernings strategi?" asks for the period).
COLUMN_SYNONYMS = {
    "periode": """hvornår when udløber udløb udløbet slutter ender ends expire expires starter begynder gælder
                  valid år årene years årstal løber runs periode period""",
    "form": """slags type kind form hedder kaldes called name navn strategi strategy""",
}


def _has(term: str, terms: set[str]) -> bool:
    """The term, or its form without an inflection ending ("højt" ~ "høj"), is among the terms."""
    if term in terms or (len(term) >= 4 and term[-1] in "tes" and term[:-1] in terms):
        return True
    # A long word is also the head of a compound ("planstrategi" in "kommuneplanstrategi"), and any
    # word its first part ("skole" in "skoleområdet").
    return any(len(t) >= len(term) + 4 and (t.startswith(term) or (len(term) >= 10 and t.endswith(term)))
               for t in terms) if len(term) >= 4 else False


def _known(term: str, vocabulary: set[str]) -> bool:
    """Explained by the table's words, also as the start of one ("vurderet" ~ "vurdering")."""
    return _has(term, vocabulary) or (len(term) >= 4 and any(v.startswith(term) for v in vocabulary))


def subject_words(question: str) -> list[str]:
    """The listed noun: "Hvilke af samarbejderne …" -> samarbejderne; "Hvilke af Favrskovs projekter" -> both."""
    match = _SUBJECT_RE.search(question + " ")
    if not match:
        return []
    words = [w.strip("?,.!:;") for w in match.group(1).split()]
    words = [w for w in words if w.lower() not in _SKIP_WORDS and not w.isdigit()]
    if not words:
        return []
    return words[:2] if words[0][:1].isupper() else words[:1]


@dataclass(frozen=True)
class TableMatch:
    table: Table
    rows: tuple[tuple[str, ...], ...]
    intent: str                 # "list", "count" or "row"
    key_column: int
    shown_columns: tuple[int, ...]
    verdict: bool | None = None # for a yes/no row question: does the row hold what was asked
    missing: tuple[str, ...] = ()   # names asked for that the table does not hold ("absent")


def key_column(table: Table) -> int:
    """The column that names a row: the first whose cells are distinct and hold letters."""
    for column in range(len(table.header)):
        cells = [row[column] for row in table.rows]
        numbering = all(re.fullmatch(r"[\d.\s]+", c) for c in cells)   # "2.1", "2.2": section numbers
        if all(cells) and not numbering and len(set(cells)) == len(cells):
            return column
    return 0


OPEN_END = 9999


def _year_span(cell: str) -> tuple[int, int] | None:
    years = [int(y) for y in _YEAR_RE.findall(cell)]
    if not years:
        return None
    low = cell.lower()
    if re.search(r"\b(frem til|til|until)\b", low) and len(years) == 1:
        return (0, years[0])
    if (re.search(r"\b(fra|from|siden)\b", low) or re.search(r"\d\s*[-–]\s*$", low)) and len(years) == 1:
        return (years[0], OPEN_END)   # "Fra 2017", "2018-": no end date
    return (min(years), max(years))


class TableSearch:
    def __init__(self, tables: Sequence[Table], terms: Callable[[str], list[str]]) -> None:
        self.tables = list(tables)
        self._terms = terms
        self._generic = set(terms(" ".join(GENERIC_WORDS)))
        self._prepared = [self._prepare(t) for t in self.tables]

    def _cell_terms(self, text: str) -> set[str]:
        """Terms of the text as written and with hyphenated words joined ("IT-strategi" -> "itstrategi").

        An elided compound ("Digitaliserings- og IT-strategi") is not expanded: a list of every
        "digitaliseringsstrategi" then names the rows that use the word, as a reader would count them.
        """
        return set(self._terms(text)) | set(self._terms(_HYPHEN_JOIN_RE.sub("", text)))

    def _prepare(self, table: Table) -> dict:
        key = key_column(table)
        # Columns of links and file names are data, but noise in a list of names.
        links = {i for i in range(len(table.header))
                 if sum(bool(_LINK_RE.search(r[i])) for r in table.rows) > len(table.rows) / 3}
        # Link and file-name cells are not searched: their words ("...vision_2020.pdf") are not the table's data.
        cell_terms = [[self._cell_terms(c) if i not in links else set() for i, c in enumerate(r)] for r in table.rows]
        row_terms = [set().union(*(t for i, t in enumerate(cells) if i != key)) for cells in cell_terms]
        column_terms = [self._cell_terms(h) for h in table.header]
        # Words that name the table itself ("linksamling", "vurderingskriterier"), not words of its cells.
        section_terms = self._cell_terms(table.section.split(" › ")[-1])
        label_terms = (self._cell_terms(table.section.split(" › ")[-1]) - set().union(*column_terms) - self._generic
                       - set().union(*(t for cells in cell_terms for t in cells)))
        number_columns = [i for i in range(len(table.header))
                          if i != key and all(re.match(r"\D{0,4}\d", r[i]) for r in table.rows)]
        header_terms = self._cell_terms(" ".join(h for i, h in enumerate(table.header) if i != key))
        asking = {i: set(self._terms(words)) for i, h in enumerate(table.header) if i != key
                  for name, words in COLUMN_SYNONYMS.items() if name in fold(h)}
        vocabulary = set().union(*row_terms, header_terms, self._cell_terms(
                                     " ".join(table.header) + " " + table.section + " " + table.title),
                                 *(self._cell_terms(r[key]) for r in table.rows))
        patterns = [re.compile(r"(?<![a-z0-9])" + r"[\s\-]*".join(map(re.escape, fold(r[key]).split()))
                               + r"(s|'s|’s)?(?![a-z0-9])") for r in table.rows]
        year_columns = [i for i in range(len(table.header)) if any(_YEAR_RE.search(r[i]) for r in table.rows)]
        return {"key": key, "row_terms": row_terms, "header_terms": header_terms, "vocabulary": vocabulary,
                "patterns": patterns, "year_columns": year_columns, "links": links,
                "cell_terms": cell_terms, "column_terms": column_terms, "label_terms": label_terms,
                "number_columns": number_columns, "asking": asking,
                "key_header_terms": self._cell_terms(table.header[key]),
                "section_terms": section_terms}

    def match(self, question: str, extra_terms: Sequence[str] = (),
              translated: Collection[str] = ()) -> TableMatch | None:
        """The table rows that answer the question exactly, or None when it is not a table question.

        `extra_terms`: Danish terms of the question's English words; `translated`: those English words.
        """
        best: tuple[float, TableMatch] | None = None
        for table, prep in zip(self.tables, self._prepared):
            candidate = self._match_table(table, prep, question, extra_terms, translated)
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        return best[1] if best else None

    def _year_filter(self, question: str, table: Table, prep: dict, rows: list[int]) -> list[int]:
        column = prep["year_columns"][-1]
        spans = [(int(a), int(b)) for a, b in _SPAN_RE.findall(question)]
        if spans:   # "for 2017-2020": exactly that period
            return [i for i in rows if _year_span(table.rows[i][column]) in spans]
        kept = rows
        for match in _YEAR_RE.finditer(question):
            year, before = int(match.group(1)), question[:match.start()]
            if _AFTER_WORDS_RE.search(before):     # "rækker længere frem end 2025"
                # An open end ("Fra 2017") does not say the document reaches beyond the year.
                test = lambda cell: (span := _year_span(cell)) is not None and year < span[1] < OPEN_END  # noqa: E731
            elif _BEFORE_WORDS_RE.search(before):
                test = lambda cell: (span := _year_span(cell)) is not None and span[1] < year  # noqa: E731
            elif _ONLY_WORDS_RE.search(before):
                test = lambda cell: cell.strip() == str(year)  # noqa: E731
            elif _END_WORDS_RE.search(before):
                test = lambda cell: (span := _year_span(cell)) is not None and span[1] == year  # noqa: E731
            elif _START_WORDS_RE.search(before):
                test = lambda cell: (span := _year_span(cell)) is not None and span[0] == year  # noqa: E731
            else:
                test = lambda cell: (span := _year_span(cell)) is not None and span[0] <= year <= span[1]  # noqa: E731
            kept = [i for i in kept if test(table.rows[i][column])]
        return kept

    def _number_filter(self, question: str, table: Table, prep: dict, q_terms: set[str],
                       rows: list[int]) -> tuple[list[int], bool]:
        """"flere end 10 kommuner": compare the leading number of the column the noun names."""
        kept, used = rows, False
        for pattern, more in ((_MORE_RE, True), (_FEWER_RE, False)):
            for match in pattern.finditer(question):
                limit = int(match.group(2))
                noun = set(self._terms(question[match.end():match.end() + 30].split(" ", 2)[1]
                                       if len(question[match.end():].split(" ", 2)) > 1 else ""))
                columns = [i for i, terms in enumerate(prep["column_terms"]) if terms & (noun or q_terms)
                           and i in prep["number_columns"]]
                if not columns:
                    continue
                used = True
                column = columns[0]
                def number(cell: str) -> float:
                    digits = re.match(r"\D*(\d[\d.]*)", cell)
                    return float(digits.group(1).replace(".", "")) if digits else float("nan")
                kept = [i for i in kept if (number(table.rows[i][column]) > limit if more
                                            else number(table.rows[i][column]) < limit)]
        return kept, used

    def _match_table(self, table: Table, prep: dict, question: str, extra_terms: Sequence[str],
                     translated: Collection[str] = ()) -> tuple[float, TableMatch] | None:
        folded = fold(question)
        plain = [t for t in self._terms(question) + list(extra_terms) if not t.isdigit() and len(t) > 1]
        # A word is explained by its whole form ("licensformer" is not explained by "form").
        wholes = [ts[0] for w in re.findall(r"[^\W_]+", question) if w.lower() not in translated
                  and (ts := self._terms(w)) and not ts[0].isdigit() and len(ts[0]) > 1]
        q_terms = list(dict.fromkeys(plain + [t for t in self._terms(_HYPHEN_JOIN_RE.sub("", question))
                                              if not t.isdigit() and len(t) > 1]))
        # "IT strategi" written apart is the table's "IT-strategi".
        words = re.findall(r"[^\W\d_]+", question)
        q_terms += [t for a, b in zip(words, words[1:]) for t in self._terms(a + b)
                    if t in prep["vocabulary"] and t not in q_terms]
        subjects = set(self._terms(" ".join(subject_words(question))))
        count = bool(_COUNT_RE.search(question))
        listing = bool(_LIST_RE.search(question))
        explain = bool(_EXPLAIN_RE.search(question))
        key = prep["key"]
        n = len(table.rows)
        key_rows = [i for i, p in enumerate(prep["patterns"]) if p.search(folded)]
        key_terms = set().union(*(self._cell_terms(table.rows[i][key]) for i in key_rows)) if key_rows else set()
        content = [t for t in q_terms if t not in self._generic and t not in key_terms and t not in subjects]
        # In an English question the untranslated English words are not content ("have", "policy" …).
        unexplained = [t for t in dict.fromkeys(wholes) if t in content and not _known(t, prep["vocabulary"])
                       and t not in extra_terms]
        named = any(_known(t, prep["label_terms"]) for t in q_terms if len(t) >= 4)   # "linksamlingen", "vurderingskriterier"
        # A column the question names; "Hvilke kommuner …" does not ask for the column "Antal kommuner".
        header_columns = [i for i, terms in enumerate(prep["column_terms"])
                          if i != key and any(t in terms for t in q_terms if t not in key_terms and (
                              count or t not in subjects or i not in prep["number_columns"]))]
        every = bool(named and _ALL_RE.search(question))   # "… i linksamlingen i alt": all rows
        def spread(t: str) -> int:   # rows holding the term (in the named columns, when the question names any)
            if header_columns:
                return sum(any(_has(t, prep["cell_terms"][i][c]) for c in header_columns) for i in range(n))
            return sum(_has(t, r) for r in prep["row_terms"])
        contrast = _CONTRAST_RE.search(question)   # "… en digitaliseringspolitik rather than a strategy"
        excluded = set(self._terms(question[contrast.end():])) if contrast else set()
        values = [t for t in content if t not in prep["header_terms"] and not (every and t in prep["section_terms"])
                  and t not in excluded and 0 < spread(t) < max(2, 0.9 * n)]
        # The most specific form: "informationssikkerhedspolitik" rather than its part "politik".
        values = [t for t in values if not any(t != v and t in v for v in values)]
        # The table's own subject ("digitalisering" in the strategy table) is background next to a real value.
        background = [t for t in values if _known(t, prep["section_terms"]) and spread(t) > n / 4]
        if len(background) < len(values):
            values = [t for t in values if t not in background]
        quoted = [fold(q).strip() for q in _QUOTED_RE.findall(question)]
        quoted = [q for q in quoted if any(fold(c).strip() == q for r in table.rows for c in r)]

        # Which rows: quoted cell values exactly; else the rows holding the most of the asked values,
        # looked for in the named column when the question names one ("højt på effektivisering").
        rows = list(range(n))
        if quoted:
            rows = [i for i in rows if any(fold(c).strip() in quoted for c in table.rows[i])]
            values = []
        elif values:
            where = [c for c in header_columns if any(_has(v, prep["cell_terms"][i][c]) for i in rows for v in values)]
            def hits(i: int) -> int:
                cells = [prep["cell_terms"][i][c] for c in where] if where else [prep["row_terms"][i]]
                return sum(any(_has(v, terms) for terms in cells) for v in values)
            top = max(hits(i) for i in rows)
            rows = [i for i in rows if top and hits(i) == top]
        years = bool(_YEAR_RE.search(question)) and bool(prep["year_columns"])
        if years:
            rows = self._year_filter(question, table, prep, rows)
        rows, numbers = self._number_filter(question, table, prep, set(q_terms), rows)
        if _OPEN_END_RE.search(question) and prep["year_columns"] and not key_rows:
            # "uden slutdato": the rows whose period has a start and no end.
            column = prep["year_columns"][-1]
            rows = [i for i in rows if (span := _year_span(table.rows[i][column])) and span[1] == OPEN_END]
            years = True
        negated = bool(_NEGATION_RE.search(question)) and not key_rows and not years
        if negated and header_columns and not (values or quoted or years):
            # "Hvilke kommuner har ikke angivet en periode?": the rows whose named cell is empty.
            rows = [i for i in rows if all(table.rows[i][c].strip() in ("", "-") for c in header_columns)]
            values = ["-"]
        elif negated and (values or quoted):
            return None   # "har ikke en strategi": the complement is no exact answer; the prose says it
        filtered = bool(quoted or values or years or numbers)

        shown = tuple(sorted({i for i in range(len(table.header)) if i != key and i not in prep["links"] and (
            i in prep["year_columns"] or i in header_columns
            or any(_has(v, prep["cell_terms"][r][i]) for r in rows for v in values))}))
        everything = tuple(i for i in range(len(table.header)) if i != key)
        allowed = 1 if named else 0   # a question that names the table may word things its own way
        yes_no = bool(_YES_NO_RE.match(question))
        asked = [i for i, words in prep["asking"].items() if words & set(q_terms)]
        # A column asked for without its name only when nothing else is asked: "Hvilke typer brugere …"
        # and "hvor mange temaer …" ask about something the row does not hold.
        synonyms = set().union(*prep["asking"].values()) if prep["asking"] else set()
        framing = prep["section_terms"] | prep["header_terms"] | synonyms
        if any(not _known(t, framing) for t in content + [t for t in subjects if t not in self._generic]):
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
            names = [m for m in _NAME_RE.findall(question)
                     if set(self._terms(m)) & set(unexplained) or (named and not set(self._terms(m)) & prep["vocabulary"])]
            if names:
                # Two tables may both lack the name: the one whose own words the question uses is meant.
                fit = sum(_known(t, prep["section_terms"] | prep["header_terms"]) for t in content)
                return 4 + fit / (len(content) + 1), TableMatch(table, (), "absent", key, shown, False, tuple(names))
        if not (count or listing) or len(unexplained) > allowed:
            return None
        if not filtered and not (named and (count or every)):
            return None
        if not rows or (filtered and len(rows) == n):
            return None
        # "Hvilke kommuner …" lists a table keyed by municipality rather than one that merely shares a word.
        keyed = bool((subjects | set(extra_terms)) & prep["key_header_terms"])
        return 2 + len(values) + named + 0.5 * keyed, TableMatch(table, tuple(table.rows[i] for i in rows),
                                                   "count" if count else "list", key, shown)
