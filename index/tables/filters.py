"""Row filters a question states in numbers: periods ("løber til 2025", "uden slutdato") and counts ("flere end 10")."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .words import (AT_LEAST_BEFORE_RE, AT_MOST_BEFORE_RE, CLAUSE_CONDITIONS, EXACT_RE, FEWER_RE, MORE_RE, MULTI_YEAR_RE, NUMBER_WORDS, OPEN_END_RE, OR_EARLIER_RE,
                          OR_LATER_RE, RANGE_RE, SINGLE_YEAR_RE, SUPERLATIVES, SPAN_RE, N_YEARS_RE, YEAR_CONDITIONS, period_length,
                          AFTER_YEAR_CONDITIONS,
                          YEAR_RE)
from .parse import Table

if TYPE_CHECKING:
    from .prep import PreparedTable

OPEN_END = 9999


def year_span(cell: str) -> tuple[int, int] | None:
    years = [int(y) for y in YEAR_RE.findall(cell)]
    if not years:
        return None
    low = cell.lower()
    if re.search(r"\b(frem til|til|until)\b", low) and len(years) == 1:
        return (0, years[0])
    if (re.search(r"\b(fra|from|siden)\b", low) or re.search(r"\d\s*[-–]\s*$", low)) and len(years) == 1:
        return (years[0], OPEN_END)   # "Fra 2017", "2018-": no end date
    return (min(years), max(years))


_JOINED_RE = re.compile(r"^\s*(?:,|eller|or|og|and)\s*$", re.I)


def _year_test(kind: str, year: int, cell: str, bound: str = "") -> bool:
    span = year_span(cell)
    if bound and span is not None:
        # "startede i 2016 eller tidligere" bounds the start; "slutter i 2025 eller senere" the end; a bare
        # year "eller tidligere" asks what had begun by then, "eller senere" what still runs then.
        end = kind == "end" or (kind != "start" and bound == ">=")
        value = span[1] if end else span[0]   # 0: "Frem til 2020" does not say when it started
        return 0 < value <= year if bound == "<=" else year <= value < OPEN_END
    if kind == "only":
        return cell.strip() == str(year)
    if span is None:
        return False
    if kind == "after":   # an open end ("Fra 2017") does not say the document reaches beyond the year
        return year < span[1] < OPEN_END
    if kind == "before":
        return span[1] < year
    if kind == "end":
        return span[1] == year
    if kind == "start":
        return span[0] == year
    return span[0] <= year <= span[1]


def year_filter(question: str, table: Table, prep: "PreparedTable", rows: list[int]) -> list[int]:
    column = prep.year_columns[-1]
    spans = [(int(a), int(b)) for a, b in SPAN_RE.findall(question)]
    if spans:   # "for 2017-2020": exactly that period
        return [i for i in rows if year_span(table.rows[i][column]) in spans]
    # Years joined by "eller"/"og" share the condition and either may hold: "slutter i 2023 eller 2024".
    groups: list[tuple[str, list[int], str]] = []
    previous_end = None
    for match in YEAR_RE.finditer(question):
        year, before, after = int(match.group(1)), question[:match.start()], question[match.end():]
        bound = ("<=" if OR_EARLIER_RE.match(after) or AT_MOST_BEFORE_RE.search(before)
                 else ">=" if OR_LATER_RE.match(after) or AT_LEAST_BEFORE_RE.search(before) else "")
        if groups and previous_end is not None and _JOINED_RE.match(question[previous_end:match.start()]):
            groups[-1][1].append(year)
            groups[-1] = (groups[-1][0], groups[-1][1], bound or groups[-1][2])
        else:
            kind = next((kind for kind, words in YEAR_CONDITIONS if words.search(before)), "") \
                or next((kind for kind, words in AFTER_YEAR_CONDITIONS if words.match(after)), "")
            found = [(m.start(), k) for k, words in CLAUSE_CONDITIONS if (m := words.search(before))]
            verb = max(found)[1] if found else ""
            if not kind:   # the nearest start or end verb of the clause, else "the period holds the year"
                kind = verb or "within"
            elif kind in ("after", "before") and verb == "start" and not bound:
                # "startede efter 2018", "started before 2018": a bound on the start, not on the end.
                kind, year, bound = "start", year + 1 if kind == "after" else year - 1, ">=" if kind == "after" else "<="
            groups.append((kind, [year], bound))
        previous_end = match.end()
    kept = rows
    for kind, years, bound in groups:
        kept = [i for i in kept if any(_year_test(kind, y, table.rows[i][column], bound) for y in years)]
    return kept


# A period's shape, by the words that ask for it: "flerårig", "kun for ét år", "uden slutdato".
_PERIOD_KINDS = (
    (MULTI_YEAR_RE, lambda span: 0 < span[0] < span[1] < OPEN_END),   # "Frem til 2025" gives no start
    (SINGLE_YEAR_RE, lambda span: span[0] == span[1]),
    (OPEN_END_RE, lambda span: span[1] == OPEN_END),
)


_LENGTH_TESTS: dict[str, Callable[[int, int], bool]] = {
    "=": lambda years, n: years == n, ">": lambda years, n: years > n, ">=": lambda years, n: years >= n,
    "<": lambda years, n: years < n, "<=": lambda years, n: years <= n}


def period_filter(question: str, table: Table, prep: "PreparedTable", rows: list[int], one_row: bool) -> tuple[list[int], bool]:
    """Years ("slutter i 2024"), a one-year or multi-year period ("flerårig") and an open end ("uden
    slutdato"); True when the question states any of them."""
    if not prep.year_columns:
        return rows, False
    column = prep.year_columns[-1]
    used = bool(YEAR_RE.search(question))
    if used:
        rows = year_filter(question, table, prep, rows)
    for words, holds in _PERIOD_KINDS:
        if words.search(question) and not one_row:
            rows = [i for i in rows if (span := year_span(table.rows[i][column])) and holds(span)]
            used = True
    bound, length = period_length(question)
    if length and not one_row:
        test = _LENGTH_TESTS[bound]
        rows = [i for i in rows if (span := year_span(table.rows[i][column])) and 0 < span[0] and span[1] < OPEN_END
                and test(span[1] - span[0] + 1, length)]
        used = True
    for end, pick, words in SUPERLATIVES:
        if words.search(question) and not one_row:
            # The rows whose start (or end) is the first (or last) of those that give one.
            spans = {i: span for i in rows if (span := year_span(table.rows[i][column]))}
            value = {i: span[1] if end == "end" else span[0] for i, span in spans.items()}
            value = {i: v for i, v in value.items() if 0 < v < OPEN_END}
            best = pick(value.values(), default=None)
            rows, used = [i for i, v in value.items() if v == best], True
            break
    return rows, used


def states_period_or_number(question: str, prep: "PreparedTable") -> bool:
    """Does the question filter by a period or a number (so a broad word next to it is only framing)?"""
    period = prep.year_columns and any(p.search(question) for p in (YEAR_RE, N_YEARS_RE, *(w for w, _ in _PERIOD_KINDS),
                                                                     *(w for _, _, w in SUPERLATIVES)))
    number = prep.number_columns and any(p.search(question) for p in (MORE_RE, FEWER_RE, RANGE_RE, EXACT_RE))
    return bool(period or number)


def _leading_number(cell: str) -> float:
    digits = re.match(r"\D*(\d[\d.]*)", cell)
    return float(digits.group(1).replace(".", "")) if digits else float("nan")


_COMPARED_WORD_RE = re.compile(r"\b(flere end|mere end|over|mindst|færre end|mindre end|under|højst|more than|"
                               r"at least|fewer than|less than|at most)\s+(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_UNITS = (("milliard", 10**9), ("mia", 10**9), ("bil", 10**9), ("mio", 10**6), ("mil", 10**6), ("tus", 10**3),
          ("tho", 10**3))


def _amount(digits: str, unit: str | None) -> float:
    """"200.000" -> 200000, "1" + "mio." -> 1000000, "1,5" + "mio." -> 1500000."""
    decimal = re.fullmatch(r"(\d+)[.,](\d{1,2})", digits)
    value = float(f"{decimal.group(1)}.{decimal.group(2)}") if decimal else float(re.sub(r"[.,]", "", digits))
    unit = (unit or "").strip().lower()
    return value * next((size for prefix, size in _UNITS if unit.startswith(prefix)), 1)


def _noun_column(noun: str, prep: "PreparedTable", terms: Callable[[str], list[str]]) -> int | None:
    named = set(terms(noun))
    return next((i for i in prep.number_columns if named & prep.column_terms[i]), None)


def number_filter(question: str, table: Table, prep: "PreparedTable", q_terms: set[str], terms: Callable[[str], list[str]],
                   rows: list[int]) -> tuple[list[int], frozenset[int]]:
    """"flere end 10 kommuner": compare the leading number of the column the noun names; also
    "fra 3 til 10 kommuner" (inclusive) and "kun mellem to kommuner" (exactly). Returns the rows kept
    and the columns compared (shown in the answer)."""
    kept, used = rows, set()
    question = re.sub(r"\b(?:a|one|en|én|et)\s+(million|mio\.?)", r"1 \1", question, flags=re.I)   # "fewer than a million"
    # "under fem kommuner": a number written as a word after a comparison.
    question = _COMPARED_WORD_RE.sub(lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2).lower()]}", question)
    for match in RANGE_RE.finditer(question):
        column = _noun_column(match.group(5), prep, terms)
        if column is not None:   # "mellem 200.000 og 1 mio. indbyggere"
            # "mellem 1 og 2 millioner": a small first number shares the second's unit.
            first_unit = match.group(2) or (match.group(4) if float(re.sub(r"[.,]", "", match.group(1))) < 1000 else None)
            low, high = sorted((_amount(match.group(1), first_unit), _amount(match.group(3), match.group(4))))
            kept = [i for i in kept if low <= _leading_number(table.rows[i][column]) <= high]
            used.add(column)
    for match in EXACT_RE.finditer(question):
        column = _noun_column(match.group(2), prep, terms)
        if column is not None:
            value = NUMBER_WORDS.get(match.group(1).lower()) or int(match.group(1))
            kept = [i for i in kept if _leading_number(table.rows[i][column]) == value]
            used.add(column)
    if used:
        return kept, frozenset(used)
    for pattern, more in ((MORE_RE, True), (FEWER_RE, False)):
        for match in pattern.finditer(question):
            end = match.end()
            unit = re.match(r"\s*(?:mio|million|mia|milliard|billion|tusind|thousand)\w*\.?", question[end:], re.I)
            limit = _amount(match.group(2), unit.group(0) if unit else None)   # "mere end 1 mio. indbyggere"
            end += unit.end() if unit else 0
            noun = set(terms(question[end:end + 30].split(" ", 2)[1]
                             if len(question[end:].split(" ", 2)) > 1 else ""))
            # The noun after the number names the column; an English noun through the question's Danish terms.
            columns = ([i for i in prep.number_columns if prep.column_terms[i] & noun]
                       or [i for i in prep.number_columns if prep.column_terms[i] & q_terms])
            if not columns:
                continue
            column = columns[0]
            used.add(column)
            kept = [i for i in kept if (_leading_number(table.rows[i][column]) > limit if more
                                        else _leading_number(table.rows[i][column]) < limit)]
    return kept, frozenset(used)
