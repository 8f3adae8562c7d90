"""Names in a question (municipalities, cooperations, systems) that an answering passage must hold."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

_WORD_RE = re.compile(r"[^\W\d_]+")
_ADDRESS_RE = re.compile(r"\S+\.(?:dk|com|org|net|eu|pdf|docx?)\b\S*", re.I)   # "(kolding.dk)" is no lowercase use
_CLAUSE_RE = re.compile(r"(?<=[.!?:])\s+|\n+|›|\|")


def prose(text: str) -> str:
    """The text without its table rows ("| Kolding | … |"): what a passage says in sentences."""
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("|"))


def words_in(text: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(text)}


class Names:
    """Words the corpus always writes capitalised inside a sentence (Aarhus, Favrskov, Hotline), at least twice.

    A question that names one of them capitalised ("Aarhus Kommunes budget") asks about that name:
    a passage that never mentions it cannot answer, however close its wording.
    """

    def __init__(self, texts: Iterable[str], keys: Iterable[str] = ()) -> None:
        capital, lower = Counter(), Counter()
        in_prose: set[str] = set()
        for text in texts:
            in_prose |= words_in(prose(text))
            for clause in _CLAUSE_RE.split(_ADDRESS_RE.sub(" ", text)):
                for i, word in enumerate(_WORD_RE.findall(clause)):
                    if word[0].islower():
                        lower[word.lower()] += 1
                    elif i > 0:   # a capital at a clause's start says nothing
                        capital[word.lower()] += 1
        for key in keys:   # a table's row keys ("| Kolding | …") start their cell, so count them here
            for word in _WORD_RE.findall(key):
                if word[0].isupper():
                    capital[word.lower()] += 2
        self.words = frozenset(w for w, n in capital.items() if n >= 2 and not lower[w] and len(w) >= 3)
        self._in_prose = frozenset(in_prose)

    def only_in_tables(self, names: Iterable[str]) -> frozenset[str]:
        """The names no sentence of the corpus uses: only a table row holds them."""
        return frozenset(n for n in names if n not in self._in_prose and f"{n}s" not in self._in_prose)

    def asked(self, question: str) -> frozenset[str]:
        """The corpus's names that the question writes capitalised (after its first word); "Aarhus'/Aarhus's" too."""
        found = set()
        for i, word in enumerate(_WORD_RE.findall(question)):
            if i == 0 or not word[0].isupper():
                continue
            lower = word.lower()
            base = lower[:-1] if lower.endswith("s") and lower[:-1] in self.words else lower
            if base in self.words:
                found.add(base)
        return frozenset(found)

    @staticmethod
    def held(names: frozenset[str], text: str) -> int:
        words = words_in(text)
        return sum(1 for n in names if n in words or f"{n}s" in words)
