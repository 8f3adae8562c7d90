"""Requests of a kind KL's publications never answer: a personal IT how-to, a text to write, a current fact."""
from __future__ import annotations

import re

# "Hvordan nulstiller jeg min kode?", "How do I share my calendar?": the material is about how a
# municipality organises, steers and funds digitalisation, never one person's steps in a tool.
_PERSONAL_HOW_TO = re.compile(r"\b(hvordan|how)\b[^?.!]{0,40}\bjeg\b|\bhow (do|can|should) i\b", re.I)
# "Skriv en business case for os", "Can you write a job ad": the bot quotes; it does not write.
_WRITE_FOR_US = re.compile(r"^\s*(kan du\s+|vil du\s+)?(skriv|lav|udarbejd|write|draft|make|create|compose)\b"
                           r"|^\s*(can|could|will) you (please )?(write|make|draft|create)\b", re.I)

# "Hvem er it-chef i Favrskov lige nu?", "Hvor mange ansatte har X i dag?": publications from 2017-2021
# describe cases as they were, not today's people, prices or rates.
_CURRENT_FACT = re.compile(r"\b(i dag|lige nu|i år|i fjor|sidste år|sidste måned|for tiden|for øjeblikket|aktuelle?|"
                           r"nuværende|p\.t\.|current(ly)?|right now|today|this year|last year|last month|"
                           r"at the moment)\b", re.I)


def outside_the_material(question: str) -> bool:
    """True for a request the material is not written to answer; it needs far stronger evidence."""
    return any(p.search(question) for p in (_PERSONAL_HOW_TO, _WRITE_FOR_US, _CURRENT_FACT))
