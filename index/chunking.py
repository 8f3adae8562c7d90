"""Heading-aware chunking: each chunk knows its document › section › case path."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from .documents import Document

PATH_SEPARATOR = " › "
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# Figure labels the PDF extraction left as lists are marked in the documents and kept out of passages.
FIGURE_START = "<!-- figur"
FIGURE_END = "<!-- /figur -->"
_SENTENCE_END_RE = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9\"“»(])")


@dataclass(frozen=True)
class ChunkingConfig:
    target_words: int = 170   # e5 reads 512 tokens; Danish runs ~1.6 tokens a word
    max_words: int = 260
    min_words: int = 12       # smaller sections (a lone lead-in line) join the next one


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    title: str
    section: str   # heading path below the document title, joined by " › "
    text: str      # the chunk's own text, verbatim from the document

    @property
    def context_text(self) -> str:
        """What the embedder and BM25 read: the heading path gives the passage its subject."""
        head = PATH_SEPARATOR.join(p for p in (self.title, self.section) if p)
        # The passage opens with its own heading, which the path already holds: read it once.
        own = heading_block(self.section.split(PATH_SEPARATOR)) + "\n\n" if self.section else ""
        body = self.text[len(own):] if own and self.text.startswith(own) else self.text
        return f"{head}\n{body}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.context_text.encode()).hexdigest()


def heading_block(path: Sequence[str]) -> str:
    """A section's own heading as the bold line that opens its text."""
    return f"**{path[-1]}**"


@dataclass
class _Section:
    path: tuple[str, ...]
    blocks: list[str]


def _clean_heading(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def _sections(doc: Document) -> Iterator[_Section]:
    """Blocks (paragraphs, lists, tables) grouped under their heading path."""
    stack: list[tuple[int, str]] = []
    current = _Section((), [])
    block: list[str] = []

    def flush_block() -> None:
        if block:
            current.blocks.append("\n".join(block).strip())
            block.clear()

    in_figure = False
    for line in doc.body.splitlines():
        if line.strip().startswith(FIGURE_START):
            in_figure = True
            continue
        if line.strip() == FIGURE_END:
            in_figure = False
            continue
        if in_figure:
            continue
        match = _HEADING_RE.match(line)
        if match:
            flush_block()
            if current.blocks:
                yield current
            level, title = len(match.group(1)), _clean_heading(match.group(2))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            # The level-1 heading is the document title, carried separately.
            current = _Section(tuple(t for lvl, t in stack if lvl > 1), [])
        elif not line.strip():
            flush_block()
        else:
            # List items and table rows stay together in one block.
            block.append(line.rstrip())
    flush_block()
    if current.blocks:
        yield current


def _word_count(text: str) -> int:
    return len(text.split())


def _split_long_block(block: str, max_words: int) -> list[str]:
    if _word_count(block) <= max_words:
        return [block]
    lines = block.split("\n")
    units = lines if len(lines) > 1 else _SENTENCE_END_RE.split(block)
    pieces: list[str] = []
    current: list[str] = []
    joiner = "\n" if len(lines) > 1 else " "
    for unit in units:
        if current and _word_count(joiner.join(current + [unit])) > max_words:
            pieces.append(joiner.join(current))
            current = []
        if _word_count(unit) > max_words:  # a run-on sentence: cut by words
            tokens = unit.split()
            pieces.extend(" ".join(tokens[i:i + max_words]) for i in range(0, len(tokens), max_words))
            continue
        current.append(unit)
    if current:
        pieces.append(joiner.join(current))
    return pieces


def _pack(blocks: list[str], config: ChunkingConfig) -> list[str]:
    units = [piece for b in blocks for piece in _split_long_block(b, config.max_words)]
    chunks: list[str] = []
    current: list[str] = []
    for unit in units:
        size = _word_count("\n\n".join(current))
        if current and (size >= config.target_words or size + _word_count(unit) > config.max_words):
            chunks.append("\n\n".join(current))
            current = []
        current.append(unit)
    if current:
        # A small tail joins the previous chunk rather than standing alone.
        if chunks and _word_count("\n\n".join(current)) < config.min_words and \
                _word_count(chunks[-1]) + _word_count("\n\n".join(current)) <= config.max_words:
            chunks[-1] = chunks[-1] + "\n\n" + "\n\n".join(current)
        else:
            chunks.append("\n\n".join(current))
    return chunks


_CONTENTS_HEADINGS = frozenset({"indhold", "indholdsfortegnelse", "contents", "table of contents"})
_LIST_LINE_RE = re.compile(r"^\s*(?:\d+[.)]|[-*+•])\s")


def _is_contents(section: "_Section") -> bool:
    """A document's "Indhold" section whose every line is a list item."""
    lines = [line for block in section.blocks for line in block.splitlines() if line.strip()]
    return (bool(section.path) and section.path[-1].strip("*# ").lower() in _CONTENTS_HEADINGS
            and bool(lines) and all(_LIST_LINE_RE.match(line) for line in lines))


def chunk_document(doc: Document, config: ChunkingConfig = ChunkingConfig()) -> list[Chunk]:
    merged: list[_Section] = []
    pending: list[str] = []
    for section in _sections(doc):
        if _is_contents(section):
            continue   # a table of contents repeats the headings: it is never the passage that answers
        blocks = pending + section.blocks
        # A short lead-in (a heading with one line under it) joins the next section.
        if _word_count("\n\n".join(blocks)) < config.min_words:
            # Keep the short section's heading with its words, so its subject is not lost.
            pending = ([heading_block(section.path)] if section.path else []) + blocks
            continue
        # The section's own heading opens its first chunk (bold, as a short section's heading is kept
        # above): a reader sees what the passage is about, and a phrase running on from the heading
        # into the text ("Digitaliseringsmodel: Politisk model …") is found in the passage.
        heading = [heading_block(section.path)] if section.path else []
        blocks = pending + heading + section.blocks
        pending = []
        merged.append(_Section(section.path, blocks))
    if pending:
        if merged:
            merged[-1].blocks.extend(pending)
        else:
            merged.append(_Section((), pending))

    chunks: list[Chunk] = []
    for section in merged:
        for text in _pack(section.blocks, config):
            chunks.append(Chunk(
                id=f"{doc.id}:{len(chunks):04d}",
                doc_id=doc.id,
                title=doc.title,
                section=PATH_SEPARATOR.join(section.path),
                text=text,
            ))
    return chunks
