"""Which part of a chat message a table question is (the last sentence, the part after a dash), and whose row it asks about."""
from __future__ import annotations

import re
from typing import Callable

from ..municipalities import municipalities_in
from ..sentences import split_sentences
from .prep import PreparedTable
from .words import (ANAPHORA_RE, BARE_EXAMPLE_RE, CONJUNCTION_START_RE, COUNTING_RE, DASH_RE, EXAMPLE_RE, POSSESSIVE_RE,
                          TABLE_NUMBER_RE, SPAN_RE, YEAR_RE, YEARS_ANAPHORA_RE, YES_NO_RE, known)
from ..text import fold

_LOWER_START_RE = re.compile(r"([.!?]\s+)([a-zæøå])")
_WHICH_ARE_THEY_RE = re.compile(r"\s*(?:hvilke|hvilken|hvem|hvor mange)(?:\s+\w+)?\s+(?:er|var)\s+(?:det|de|dem)\s*[?.!]?\s*$", re.I)
_SOME_RE = re.compile(r"\b(?:nogle|flere|enkelte|visse)\b", re.I)   # "nogle kommuner har …": which ones is the question
_ASKS_RE = re.compile(r"\s*(hv\w+|which|what|how|who|when|where|does|do|is|are|has|have|har|er|findes|står|kan)\b", re.I)


def question_of(message: str) -> str:
    """The last sentence ("Vi overvejer at skrive principper. Hvilke kommuner …?"), with a table that an
    earlier sentence names ("Tabel 1 lists ten examples. Which of them …?"); examples in brackets left out."""
    message = message.strip()
    # Teams messages are often all lowercase ("… i ishøj. hvad hedder …"): a sentence may start in lowercase.
    probe = _LOWER_START_RE.sub(lambda m: m.group(1) + m.group(2).upper(), message)
    sentences = split_sentences(probe) or [probe]   # "bl.a.", "f.eks." do not end one
    spans, position = [], 0
    for sentence in sentences:
        start = probe.find(sentence, position)
        spans.append((start, start + len(sentence)) if start >= 0 else (position, len(probe)))
        position = spans[-1][1]
    # The last sentence that asks ("…? tænker kun på dem hvor der står et slutår" adds a remark).
    chosen = next((i for i in reversed(range(len(sentences)))
                   if sentences[i].rstrip().endswith("?") or _ASKS_RE.match(sentences[i])), len(sentences) - 1)
    question = message[spans[chosen][0]:spans[chosen][1]]
    if chosen and _WHICH_ARE_THEY_RE.match(question) and _SOME_RE.search(sentences[chosen - 1]):
        # "… har digitaliseringen med i deres planstrategi. Hvilke kommuner er det?": the sentence before says which.
        question = message[spans[chosen - 1][0]:spans[chosen][1]]
    named_before = [m.group(0) for s in sentences[:chosen] for m in TABLE_NUMBER_RE.finditer(s)]
    if named_before and not TABLE_NUMBER_RE.search(question):
        question = f"{question} ({named_before[-1]})"
    years_before = [m.group(0) for s in sentences[:chosen] for m in SPAN_RE.finditer(s)]
    # "samme periode som Køge" points at a row, not at the years before.
    if years_before and not YEAR_RE.search(question) and not re.search(r"(?:periode|år|years|period)\s+(?:som|as)\b", question, re.I):
        # "Vi planlægger en strategi for 2021-2025. Hvor mange … dækker præcis de år?": the years the context gave.
        question = YEARS_ANAPHORA_RE.sub(years_before[-1], question, count=1)
    return COUNTING_RE.sub("", BARE_EXAMPLE_RE.sub("", EXAMPLE_RE.sub("", question)))


def after_dash(question: str) -> tuple[str, str] | None:
    """("vi overvejer at få regionen med - ", "hvor mange af samarbejderne …"): context and question, when the
    part after the last dash stands on its own (no "og …", no "hvilke af dem …")."""
    last = DASH_RE.split(question)[-1]
    if last == question or CONJUNCTION_START_RE.match(last) or ANAPHORA_RE.search(last):
        return None
    return question[: len(question) - len(last)], last


def adds_condition(context: str, question: str, prep: PreparedTable, terms: Callable[[str], list[str]],
                   generic: frozenset[str]) -> bool:
    """Whether the context holds a word the table could filter by that the question itself lacks
    ("Den Digitale Landevej is an 'Aftale' – which agreements …": the context matters)."""
    asked = set(terms(question))
    background = prep.section_terms | prep.title_terms
    return any(known(t, prep.vocabulary) and t not in asked and not known(t, background)
               for t in terms(context) if t not in generic and len(t) > 2)


def whose(context: str, keys: re.Pattern) -> str:
    """The one table row, else the one municipality no table holds, that a context names ("jeg er ny i ishøj.")."""
    rows = {m.group(0).strip() for m in keys.finditer(fold(context))}
    if len(rows) == 1:
        return rows.pop()
    # Unfolded: "Greve" is a name, "greve" a word.
    towns = [m for m in municipalities_in(context) if not keys.search(fold(m))]
    return towns[0] if not rows and len(towns) == 1 else ""


def owned(question: str, asked: str, keys: re.Pattern) -> str | None:
    """"hvad hedder vores strategi", with the row or town the context names added; None for a yes/no about
    "vores/our" whose owner the context does not name ("does kl have our strategy")."""
    owner = POSSESSIVE_RE.search(asked)
    if not owner or keys.search(fold(asked)):
        return asked
    written = question[: max(0, len(question) - len(asked))]
    split = after_dash(asked) if not written.strip() else None
    if split and POSSESSIVE_RE.search(split[1]) and (municipalities_in(split[0]) or keys.search(fold(split[0]))):
        written, asked = split   # "new here, from kerteminde - is our strategy listed": the part before the dash
    name = whose(written, keys)
    if name:
        return f"{asked} ({name})"
    if (owner.group(1) or owner.group(2) or "").lower() in ("vores", "vor", "our", "os", "us") and YES_NO_RE.match(asked):
        return None
    return asked
