"""Row filters a question states in numbers: periods ("løber til 2025", "uden slutdato") and counts ("flere end 10")."""
from __future__ import annotations

import re
from typing import Callable

from .table_words import (AFTER_WORDS_RE, BEFORE_WORDS_RE, END_WORDS_RE, FEWER_RE, MORE_RE, ONLY_WORDS_RE, SPAN_RE,
                          START_WORDS_RE, YEAR_RE)
from .tables import Table

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


def year_filter(question: str, table: Table, prep: dict, rows: list[int]) -> list[int]:
    column = prep["year_columns"][-1]
    spans = [(int(a), int(b)) for a, b in SPAN_RE.findall(question)]
    if spans:   # "for 2017-2020": exactly that period
        return [i for i in rows if year_span(table.rows[i][column]) in spans]
    kept = rows
    for match in YEAR_RE.finditer(question):
        year, before = int(match.group(1)), question[:match.start()]
        if AFTER_WORDS_RE.search(before):     # "rækker længere frem end 2025"
            # An open end ("Fra 2017") does not say the document reaches beyond the year.
            test = lambda cell: (span := year_span(cell)) is not None and year < span[1] < OPEN_END  # noqa: E731
        elif BEFORE_WORDS_RE.search(before):
            test = lambda cell: (span := year_span(cell)) is not None and span[1] < year  # noqa: E731
        elif ONLY_WORDS_RE.search(before):
            test = lambda cell: cell.strip() == str(year)  # noqa: E731
        elif END_WORDS_RE.search(before):
            test = lambda cell: (span := year_span(cell)) is not None and span[1] == year  # noqa: E731
        elif START_WORDS_RE.search(before):
            test = lambda cell: (span := year_span(cell)) is not None and span[0] == year  # noqa: E731
        else:
            test = lambda cell: (span := year_span(cell)) is not None and span[0] <= year <= span[1]  # noqa: E731
        kept = [i for i in kept if test(table.rows[i][column])]
    return kept

def number_filter(question: str, table: Table, prep: dict, q_terms: set[str], terms: Callable[[str], list[str]],
                   rows: list[int]) -> tuple[list[int], bool]:
    """"flere end 10 kommuner": compare the leading number of the column the noun names."""
    kept, used = rows, False
    for pattern, more in ((MORE_RE, True), (FEWER_RE, False)):
        for match in pattern.finditer(question):
            limit = int(match.group(2))
            noun = set(terms(question[match.end():match.end() + 30].split(" ", 2)[1]
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
