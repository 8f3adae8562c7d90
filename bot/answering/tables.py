"""A table answer in words: the matching rows as a readable list, with the table as the source."""
from __future__ import annotations

import re

from index.search import Hit
from index.tables import TableMatch
from index.rerank import is_english
from index.tables.words import subject_words

_BARE_VALUE_RE = re.compile(r"^(ja|nej|høj|middel|lav|yes|no)\b", re.I)


def _label(match: TableMatch) -> str:
    return match.table.label


def row_line(match: TableMatch, row: tuple[str, ...], columns: tuple[int, ...], named: bool) -> str:
    """'- **Billund** – Digitaliseringsstrategi · 2020-2022', or with the column names for a whole row."""
    header = match.table.header
    filled = [i for i in columns if row[i] and row[i] != "-"]
    if named:
        cells = "; ".join(f"{header[i].lower()}: {row[i]}" if header[i] else row[i] for i in filled)
    else:
        # A bare "Ja" or "Høj" says nothing without its column: "kompetence overdrages?: Ja".
        cells = " · ".join(f"{header[i].lower()}: {row[i]}" if header[i] and _BARE_VALUE_RE.match(row[i]) else row[i]
                           for i in filled)
    return f"- **{row[match.key_column]}**" + (f" – {cells}" if cells else "")


def _all_columns(match: TableMatch) -> tuple[int, ...]:
    return tuple(i for i in range(len(match.table.header)) if i != match.key_column)


def table_short_answer(question: str, match: TableMatch) -> str:
    label = _label(match)
    listed = subject_words(question)   # "Hvor mange af samarbejderne …" -> "samarbejderne"
    subject = listed[0].lower() if listed and not listed[0][:1].isupper() else ""
    if subject.endswith(("ne", "nes")) or is_english(question):   # "**4** samarbejderne", "**2** municipalities" read badly
        subject = ""
    # The rows' noun, as the table names them ("kommuner", "samarbejder"), not a verb ("hvor mange af dem dækker").
    table = match.table
    nouns = re.findall(r"[^\W\d_]{5,}", f"{table.title} {table.caption} {table.section} {table.header[match.key_column]}".lower())
    if not any(subject[:5] == noun[:5] for noun in nouns):
        subject = ""
    # "Middelfart har vist en indsats – hvornår gælder den fra?" asks when, not whether.
    asked = re.split(r"(?<=[.!?])\s+|\s[–—-]\s|:\s", question.strip())[-1]   # the part that asks
    # "Har Køge en strategi, hvor 2019 er med?" asks whether; "Middelfart har vist … – hvornår gælder den fra?" when.
    yes_no = bool(re.match(r"\s*(?:har|er|står|findes|kan|skal|does|do|is|are|has|have|can)\b", asked, re.I)) or not re.search(
        r"\b(?:hv(?:ad|em|ilke[nt]?|or|ornår|orfor|orledes)|which|what|who|how|when|where)\b", asked, re.I)
    n = len(match.rows)
    if match.intent == "absent":
        names = " og ".join(match.missing)
        return f"{names} står ikke i tabellen «{label}» ({match.table.title})."
    if match.intent == "row":
        lines = [row_line(match, row, match.shown_columns, named=True) for row in match.rows]
        if match.verdict is True and yes_no:
            intro = f"Ja. Tabellen «{label}» siger:"
        elif match.verdict is False and yes_no:
            intro = f"Ikke ifølge tabellen «{label}», som siger:"
        else:
            intro = f"Tabellen «{label}» siger:"
        return "\n".join([intro] + lines)
    lines = [row_line(match, row, match.shown_columns, named=False) for row in match.rows]
    if match.intent == "count":
        intro = f"**{n}**" + (f" {subject}" if subject and n != 1 else "") + f" ifølge tabellen «{label}»" + (":" if n else ".")
    else:
        intro = f"Tabellen «{label}» nævner {'én' if n == 1 else n}:"
    return "\n".join([intro] + lines)


def table_hit(match: TableMatch) -> Hit:
    """The table as a source: its matching rows, every column named."""
    text = "\n".join(row_line(match, row, _all_columns(match), named=True) for row in match.rows) or (
        f"Tabellen «{_label(match)}» har {len(match.table.rows)} rækker; {' og '.join(match.missing)} er ikke blandt dem."
        if match.missing else f"Ingen af de {len(match.table.rows)} rækker i tabellen «{_label(match)}» svarer til spørgsmålet.")
    table = match.table
    return Hit(1, f"{table.doc_id}:table:{_label(match)}", table.doc_id, table.title, table.section, text,
               1.0, 1.0, 1.0)
