"""Sentence units of a passage, the pieces a short answer is made of (a lead-in keeps its list)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end in a period without ending the sentence ("ca. 4 mio. kr.", "fx.", "jf. figur 1").
_ABBREVIATIONS = frozenset("""ca fx f eks bl a mv m v mio mia kr nr jf dvs evt inkl ekskl pct osv etc mht vedr ift
iht hhv st tlf ref kap pkt ang hr fr dr e g i bl.a f.eks m.v e.g i.e""".split())
_END_RE = re.compile(r"[.!?]+[\"”»)]*\s+(?=[\"“»(]?[A-ZÆØÅ0-9])")
_LIST_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_HEADING_LINE_RE = re.compile(r"^\s*(?:#{1,6}\s+.*|\*\*[^*]+\*\*:?|__[^_]+__)\s*$")
_MIN_WORDS = 4


@dataclass(frozen=True)
class Unit:
    text: str          # verbatim from the passage (list items keep their marks)
    candidate: bool    # may be a short answer: not a heading, a question or a fragment


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of running text; periods after abbreviations, numbers and initials do not end one."""
    out, start = [], 0
    for match in _END_RE.finditer(paragraph):
        words_before = paragraph[start:match.start() + 1].split()
        last_word = words_before[-1].strip("(\"“»").lower() if words_before else ""
        if match.group(0).startswith(".") and (last_word.rstrip(".") in _ABBREVIATIONS
                                               or (last_word.rstrip(".").isdigit() and len(last_word) <= 3)):
            continue
        out.append(paragraph[start:match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def _is_candidate(text: str) -> bool:
    plain = _LIST_RE.sub("", text).strip()
    if len(plain.split()) < _MIN_WORDS or _HEADING_LINE_RE.match(plain):
        return False
    first_line = plain.split("\n")[0].rstrip()
    return not first_line.endswith("?")


def units(text: str) -> list[Unit]:
    """The passage's sentences and list items in order; a sentence ending in ':' carries the list after it."""
    result: list[Unit] = []
    for block in re.split(r"\n\s*\n", text):
        paragraph: list[str] = []
        lead: int | None = None   # index of the lead-in that collects the list under it

        def flush() -> None:
            for sentence in split_sentences(" ".join(paragraph)):
                result.append(Unit(sentence, _is_candidate(sentence)))
            paragraph.clear()

        for line in (raw.strip() for raw in block.split("\n")):
            if not line or line.startswith(("|", "<!--")):
                flush()
                continue
            if _LIST_RE.match(line):
                flush()
                if lead is None and result and result[-1].text.endswith(":"):
                    lead = len(result) - 1
                if lead is not None:
                    result[lead] = Unit(result[lead].text + "\n" + line, True)
                result.append(Unit(line, _is_candidate(line)))
                continue
            lead = None
            if _HEADING_LINE_RE.match(line):
                flush()
                result.append(Unit(line, False))
                continue
            paragraph.append(line[1:].strip() if line.startswith(">") else line)
        flush()
    return result
