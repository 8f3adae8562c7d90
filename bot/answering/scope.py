"""Requests of a kind KL's publications never answer (a personal IT how-to, a text to write, a current fact),
and a question for an amount that no source states."""
from __future__ import annotations

import re
from typing import Iterable

# "Hvordan nulstiller jeg min kode?", "How do I share my calendar?": the material is about how a
# municipality organises, steers and funds digitalisation, never one person's steps in a tool.
_PERSONAL_HOW_TO = re.compile(r"\b(hvordan|how)\b[^?.!]{0,40}\bjeg\b|\bhow (do|can|should) i\b", re.I)
# "Skriv en business case for os", "Can you write a job ad": the bot quotes; it does not write. No question
# in any of our sets (500+ in scope) opens like this; a table request ("Lav en liste over …") is matched first.
# "Lav en liste over …", "Make a summary of …": what the material says, which the bot can quote.
_NOT_A_LIST = r"(?!\s+(?:mig\s+|me\s+|os\s+|us\s+)?(?:en\s+|et\s+|a\s+|an\s+)?(?:kort\s+|short\s+)?(?:liste|oversigt|overblik|" \
              r"opsummering|sammenfatning|list|overview|summary)\b)"
_WRITE_FOR_US = re.compile(rf"^\s*(?:(?:kan|vil|kunne) (?:du|i)\s+|(?:please|venligst)\s+)?(skrive?|lave?|udarbejde?|write|draft|make|create|compose)\b{_NOT_A_LIST}"
                           rf"|^\s*(can|could|will|would) you (please )?(write|make|draft|create|compose|prepare)\b{_NOT_A_LIST}", re.I)

# "Hvem er it-chef i Favrskov lige nu?", "Hvor mange ansatte har X i dag?": publications from 2017-2021
# describe cases as they were, not today's people, prices or rates.
_CURRENT_FACT = re.compile(r"\b(i dag|lige nu|i år|i fjor|sidste år|sidste måned|for tiden|for øjeblikket|aktuelle?|"
                           r"nuværende|p\.t\.|current(ly)?|right now|today|this year|last year|last month|"
                           r"at the moment)\b", re.I)


def asks_to_write(question: str) -> bool:
    """True for a request to write or make something: declined with a word on what the bot does instead."""
    return bool(_WRITE_FOR_US.search(question))


def outside_the_material(question: str) -> bool:
    """True for a request the material is not written to answer; it needs far stronger evidence."""
    return any(p.search(question) for p in (_PERSONAL_HOW_TO, _CURRENT_FACT))


# "Hvad koster …?", "How much does … cost?": answered only by a source that states an amount.
_ASKS_AMOUNT = re.compile(r"\b(hvad (koster|kostede|betaler|betalte)|hvor meget (koster|kostede|betaler|betalte)"
                          r"|hvor mange (penge|kroner)|how much (does|do|did|is|money)|what does\b[^?]{0,60}\bcost"
                          r"|what(?:'s| is) the (?:going |current |total |annual |yearly )?(?:rate|price|cost|fee|budget)"
                          r"|hvad er (?:den |det )?(?:aktuelle |samlede |årlige )?(?:satsen|prisen|taksten|budgettet|beløbet)"
                          r"|hvor (?:stort|stor|store) er [^?]{0,40}(?:budget\w*|beløb\w*|pris\w*))\b", re.I)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(kr\b|kr\.|kroner|mio|mia|million|billion|%|pct|procent|dkk)|\b(kr\.?|dkk)\s*\d", re.I)


def amount_missing(question: str, sources: Iterable[str]) -> bool:
    """True when the question asks what something costs and none of the sources names an amount."""
    return bool(_ASKS_AMOUNT.search(question)) and not any(_AMOUNT.search(text) for text in sources)
