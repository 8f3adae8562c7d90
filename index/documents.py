"""Loading the corpus: Markdown documents with YAML front matter, validated."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REQUIRED_KEYS = ("id", "title", "publisher", "year")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class CorpusError(ValueError):
    """A document or the corpus folder is unusable; the message names the file and key."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    publisher: str
    year: int
    path: Path
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.id}\n{self.title}\n{self.body}".encode()).hexdigest()


def parse_document(path: Path) -> Document:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if not raw.startswith("---"):
        raise CorpusError(
            f"{path}: no front matter. Start the file with a '---' block holding "
            f"{', '.join(REQUIRED_KEYS)}."
        )
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        raise CorpusError(f"{path}: front matter is not closed by a '---' line")
    header, body = parts[0][3:], parts[1].lstrip("-").lstrip("\n")
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be a mapping of keys to values")
    for key in REQUIRED_KEYS:
        if meta.get(key) in (None, ""):
            raise CorpusError(f"{path}: front matter key '{key}' is missing or empty")
    doc_id = str(meta["id"])
    if not _ID_RE.match(doc_id):
        raise CorpusError(f"{path}: front matter key 'id' must be lowercase letters, digits, '-' or '_' (got {doc_id!r})")
    try:
        year = int(meta["year"])
    except (TypeError, ValueError):
        raise CorpusError(f"{path}: front matter key 'year' must be a number (got {meta['year']!r})") from None
    if not body.strip():
        raise CorpusError(f"{path}: the document has front matter but no text")
    return Document(doc_id, str(meta["title"]).strip(), str(meta["publisher"]).strip(), year, path, body)


def load_corpus(documents_dir: Path) -> list[Document]:
    if not documents_dir.is_dir():
        raise CorpusError(f"{documents_dir}: the documents folder does not exist")
    docs = [parse_document(p) for p in sorted(documents_dir.glob("*.md"))]
    if not docs:
        raise CorpusError(f"{documents_dir}: no *.md documents found")
    seen: dict[str, Path] = {}
    for doc in docs:
        if doc.id in seen:
            raise CorpusError(f"{doc.path}: front matter key 'id' {doc.id!r} is also used by {seen[doc.id]}")
        seen[doc.id] = doc.path
    return docs
