"""Markdown tables of the documents as data: rows under their header, with the heading path they sit under."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..chunking import PATH_SEPARATOR
from ..documents import Document

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A line just above a table that names it: "Tabel 1: Oversigt over eksempler".
_CAPTION_RE = re.compile(r"^(?:\*\*)?(?:tabel|table)\b[^|]{0,150}$", re.I)


@dataclass(frozen=True)
class Table:
    doc_id: str
    title: str
    section: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""    # the table's own name, when the document gives one ("Tabel 1: Oversigt over eksempler")

    @property
    def label(self) -> str:
        """What the table is called: its caption, else the heading it sits under."""
        return self.caption or self.section.split(" › ")[-1] or self.title

    def row_text(self, row: tuple[str, ...]) -> str:
        """One row as a readable line: the first cell, then the other filled cells with their column names."""
        rest = [f"{name.lower()}: {cell}" if name else cell
                for name, cell in zip(self.header[1:], row[1:]) if cell and cell != "-"]
        return f"**{row[0]}**" + (" – " + "; ".join(rest) if rest else "")

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "section": self.section, "caption": self.caption,
                "header": list(self.header), "rows": [list(r) for r in self.rows]}

    @classmethod
    def from_json(cls, data: dict) -> "Table":
        return cls(data["doc_id"], data["title"], data["section"], tuple(data["header"]),
                   tuple(tuple(r) for r in data["rows"]), data.get("caption", ""))


def _caption(line: str) -> str:
    return line.replace("**", "").strip() if _CAPTION_RE.match(line) else ""


def _cells(line: str) -> tuple[str, ...]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return tuple(" ".join(cell.replace("**", "").split()) for cell in line.split("|"))


def parse_tables(doc: Document) -> list[Table]:
    """Every table of a document; a table broken over pages (its header repeated) is one table."""
    tables: list[Table] = []
    stack: list[tuple[int, str]] = []
    header: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    section = ""
    above = caption = ""   # the last line of text above a table, and the caption taken from it

    def close() -> None:
        nonlocal header
        if header and rows:
            previous = tables[-1] if tables else None
            if previous and previous.header == header and previous.section == section and previous.doc_id == doc.id:
                tables[-1] = Table(doc.id, doc.title, section, header, previous.rows + tuple(rows), previous.caption)
            else:
                tables.append(Table(doc.id, doc.title, section, header, tuple(rows), caption))
        header = None
        rows.clear()

    lines = doc.body.splitlines()
    for number, line in enumerate(lines):
        heading = _HEADING_RE.match(line)
        if heading:
            close()
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading.group(2).replace("**", "").strip()))
            section = PATH_SEPARATOR.join(t for lvl, t in stack if lvl > 1)
            above = ""
            continue
        stripped = line.strip()
        if not stripped.startswith("|"):
            if stripped:
                close()
                above = stripped
            continue
        if _SEPARATOR_RE.match(stripped):
            continue
        cells = _cells(stripped)
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        if _SEPARATOR_RE.match(following):   # a header row (again, after a page break)
            if header is not None and cells != header:
                close()
            if header is None:
                header = cells
                caption = _caption(above)
            continue
        if header is None:
            header = tuple("" for _ in cells)
            caption = _caption(above)
        rows.append(tuple(list(cells) + [""] * (len(header) - len(cells)))[:len(header)])
    close()
    return tables


def parse_all(documents: Iterable[Document]) -> list[Table]:
    return [t for doc in documents for t in parse_tables(doc)]
