"""Reading "…, hvem skal vi tale med?" as a request for a theme group, and the need it names."""
from __future__ import annotations

import re

from index.text import fold

# On folded text (index.text.fold): "hjælpe" -> "hjalpe", "spørge" -> "sporge", "gå" -> "ga", "bør" -> "bor".
_WHO = r"hvem\s+(?:kan|skal|bor|kunne|skulle|vil)\s+(?:jeg|vi|man)\s+"
_DANISH = (
    _WHO + r"(?:tale|snakke|ga\s+videre)\s+med",
    _WHO + r"(?:kontakte|sporge|ringe\s+til|skrive\s+til|ga\s+til|tage\s+(?:fat\s+i|kontakt\s+til)"
           r"|henvende\s+(?:mig|os|sig)(?:\s+(?:til|hos))?)",
    r"hvem\s+(?:kan|kunne|vil)\s+hj[ae]lpe?(?:\s+(?:mig|os))?",
    r"hvem\s+ved\s+(?:noget|mest|mere)\s+om(?:\s+(?:det|dette|det\s+her))?",
    r"hvilken\s+(?:tema)?gruppe\s+(?:skal|kan|bor)\s+(?:jeg|vi|man)\s+(?:kontakte|sporge|tale\s+med|bruge|ga\s+til"
    r"|henvende\s+(?:mig|os|sig)\s+til)",
)
_ENGLISH = (
    r"who\s+(?:can|could|should|do|would)\s+(?:i|we|one)\s+(?:talk|speak)\s+(?:to|with)",
    r"who\s+(?:can|could|should|do)\s+(?:i|we)\s+(?:contact|ask|reach\s+out\s+to|go\s+to)",
    r"who\s+(?:can|could)\s+help(?:\s+(?:me|us))?",
    r"which\s+(?:theme\s+)?group\s+(?:should|can|do)\s+(?:i|we)\s+(?:contact|ask|talk\s+to|go\s+to|use)",
)
# "angående" folds to "angande"; "ang." and "vedr." keep their period
_TOPIC = r"(?:\s+(?:med|om|angande|vedr|vedrorende|omkring|ang|with|about|on|regarding|for)\.?)?"
_CORE = "(?:" + "|".join(_DANISH + _ENGLISH) + ")" + _TOPIC
_LEADING_RE = re.compile(r"^" + _CORE + r"(?=$|[\s,:;-])")
_TRAILING_RE = re.compile(r"(?:^|[\s,;:–-])" + _CORE + r"$")
_EDGE = " \t,;:.!?–-"
_KL_RE = re.compile(r"^KL(?:'s|’s|s)?[,.;:!?]*$")   # the publisher as written: not "kl. 9"


def routing_need(text: str) -> str | None:
    """The need when the message asks who to turn to (None: it does not); "" when it names no need.

    "Vi vil købe et nyt bookingsystem, hvem skal vi tale med?" -> "Vi vil købe et nyt bookingsystem";
    "Hvem kan jeg kontakte om GDPR?" -> "GDPR"; "hvem kan hjælpe mig?" -> "".
    """
    original = text.split()
    if not original:
        return None
    # One folded word per word (NFKD may turn "´" into a space), so a match's word span is the original's.
    key = " ".join(fold(w).replace(" ", "") or "_" for w in original).rstrip(_EDGE)
    match = _LEADING_RE.match(key)
    if match:
        start_word, end_word = 0, len(key[:match.end()].split())
        need = original[end_word:]
    else:
        match = _TRAILING_RE.search(key)
        if not match:
            return None
        start_word = len(key[:match.start() + (1 if key[match.start()] in _EDGE else 0)].split())
        need = original[:start_word]
        if any(_KL_RE.match(w) for w in need):
            return None   # "… i KL's linksamling – hvem skal vi kontakte?": KL's material names its own contact
    return " ".join(need).strip(_EDGE)
