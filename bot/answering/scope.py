"""Requests of a kind KL's publications never answer (a personal IT how-to, a text to write, a current fact),
and a question for an amount that no source states."""
from __future__ import annotations

import re
from typing import Iterable

from index.municipalities import municipalities_in

# "Hvordan nulstiller jeg min kode?", "How do I share my calendar?": the material is about how a
# municipality organises, steers and funds digitalisation, never one person's steps in a tool.
_PERSONAL_HOW_TO = re.compile(r"\b(hvordan|how)\b[^?.!]{0,40}\bjeg\b|\bhow (do|can|should) i\b", re.I)
# "Skriv en business case for os", "Can you write a job ad": the bot quotes; it does not write. A request
# has an object ("en", "a", "me a"); "Kan du skrive, hvad KL siger …" asks for what the material says.
_REQUEST = (r"^\s*(?:(?:(?:kan|vil|kunne) (?:du|i)|(?:can|could|will|would) you)\s+(?:please\s+)?"
            r"(?:skrive|lave|udarbejde|write|make|draft|create|compose|prepare)"
            r"|(?:please\s+|venligst\s+)?(?:skriv|lav|udarbejd|write|draft|make|create|compose))"
            r"\s+(?:(?:mig|me|os|us)\s+)?(?:en|et|a|an|nogle|some)\s+")
# "Lav en liste over …", "Make a summary of …", "Kan du lave en tabel …": what the material holds.
_LIST_LIKE = (r"(?:kort\s+|short\s+)?(?:liste|oversigt|overblik|opsummering|sammenfatning|sammenligning|tabel|skema|"
              r"resumé|list|overview|summary|comparison|table)\b")
_WRITE_FOR_US = re.compile(rf"{_REQUEST}(?!{_LIST_LIKE})", re.I)

# "Hvem er it-chef i Favrskov lige nu?", "Hvor mange ansatte har X i dag?": publications from 2017-2021
# describe cases as they were, not today's people, prices or rates. "… i dag end for ti år siden" compares
# then and now, which the material does describe.
_CURRENT_FACT = re.compile(r"\b(i dag|lige nu|i år|i fjor|sidste år|sidste måned|for tiden|for øjeblikket|aktuelle?|"
                           r"nuværende|p\.t\.|current(ly)?|right now|today|this year|last year|last month|"
                           r"at the moment)\b(?!\s*(?:end|than|sammenlignet|compared|i forhold til|ift\.?)\b)", re.I)


# "Hvad hedder digitaliseringschefen i Rudersdal Kommune?": who holds a post in a named municipality is a
# current fact about a person; the material describes posts, not today's people.
_HOLDS_POST = re.compile(r"\b(?:hvad hedder|hvem er|who is|what is the name of)\s+(?:den |det |the )?(?:nuværende |current )?"
                         r"[\w-]*(?:chef|direktør|leder|formand|koordinator|head|director|manager|chair|cio|cdo)\w*", re.I)


# "Hvilken leverandør valgte …?", "Which vendor supplies …?": the material names almost no vendors; which
# company a municipality chose is a fact about a contract, not about how digitalisation is organised.
_WHICH_VENDOR = re.compile(r"\b(?:hvilken|hvilke|hvilket|which)\s+(?:\w+\s+)?(?:leverandør(?:en|er|erne)?|vendor'?s?|"
                           r"suppliers?|firma(?:et)?|company|(?:drifts)?operatør(?:en)?|operators?|konsulenthus)\b", re.I)


def asks_to_write(question: str) -> bool:
    """True for a request to write or make something: declined with a word on what the bot does instead."""
    return bool(_WRITE_FOR_US.search(question))


def outside_the_material(question: str) -> bool:
    """True for a request the material is not written to answer; it needs far stronger evidence."""
    return (any(p.search(question) for p in (_PERSONAL_HOW_TO, _CURRENT_FACT, _WHICH_VENDOR))
            or bool(_HOLDS_POST.search(question) and municipalities_in(question)))


# "Hvad koster …?", "How much does … cost?": answered only by a source that states an amount.
_ASKS_AMOUNT = re.compile(r"\b(hvad (koster|kostede|betaler|betalte)|hvor meget (koster|kostede|betaler|betalte)"
                          r"|hvor mange (?:(?:millioner|mio\.?|tusinde?|mia\.?|milliarder)\s+)?(penge|kroner|kr\.?)"
                          r"|how many (?:(?:millions?|thousands?|billions?)\s+(?:of\s+)?)?(?:kroner|dkk|euros?)|how much (does|do|did|is|money)|what does\b[^?]{0,60}\bcost"
                          r"|what(?:'s| is) the (?:(?:going|current) rate|(?:total |annual |yearly )?(?:price|fee|budget))"
                          r"|hvad er (?:den |det )?(?:aktuelle |samlede |årlige )?(?:satsen|taksten|budgettet|beløbet)"
                          r"|hvor (?:stort|stor|store) er [^?]{0,40}(?:budget\w*|beløb\w*|pris\w*))\b", re.I)
_AMOUNT = re.compile(r"\d[\d.,]*\s*(kr\b|kr\.|kroner|mio|mia|million|billion|%|pct|procent|dkk)|\b(kr\.?|dkk)\s*\d", re.I)


# "Hvor mange ansatte har …?", "How many employees …": answered only by a source that counts staff.
_STAFF = r"(?:ansatte|medarbejdere|årsværk|fuldtidsstillinger|stillinger|employees|staff|FTEs?|full-time)"
_ASKS_HEADCOUNT = re.compile(rf"\b(?:hvor mange|how many)\s+(?:\w+\s+)?{_STAFF}\b", re.I)
_NUMBER_WORDS = r"(?:\d[\d.,]*|en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tolv|femten|tyve|one|two|three|four|five|six|ten)"
_HEADCOUNT = re.compile(rf"\b{_NUMBER_WORDS}\s+(?:\w+\s+)?{_STAFF}\b", re.I)


def amount_missing(question: str, sources: Iterable[str]) -> bool:
    """True when the question asks what something costs, or how many staff, and no source states it."""
    texts = list(sources)
    if _ASKS_HEADCOUNT.search(question) and not any(_HEADCOUNT.search(text) for text in texts):
        return True
    return bool(_ASKS_AMOUNT.search(question)) and not any(_AMOUNT.search(text) for text in texts)
