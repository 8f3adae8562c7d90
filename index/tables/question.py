"""A question read in one table's words: the rows it names, the columns it asks for, the values that filter."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Sequence

from .filters import states_period_or_number
from .prep import PreparedTable, Terms, cell_terms
from .words import (ALL_RE, ALTERNATIVES_RE, CONTRAST_RE, COUNT_RE, EXCEPT_RE, EXPLAIN_RE, FRAMING_FORMS_RE,
                          GENERIC_WORDS, HYPHEN_JOIN_RE, LIST_OF_RE, LIST_RE, NAME_RE, NEGATION_RE, SUPERLATIVE_WORDS,
                          TABLE_NUMBER_RE, YES_NO_RE, has, known, subject_words)
from ..text import fold


@dataclass(frozen=True)
class TableQuestion:
    """A question read in one table's words."""
    text: str
    terms: tuple[str, ...]        # its search terms, hyphen-joined and written-apart forms included
    wholes: tuple[str, ...]       # the first term of each word as written: "licensformer" is not "form"
    subjects: frozenset[str]      # what it lists or counts ("kommuner")
    count: bool
    listing: bool
    explain: bool
    yes_no: bool
    key_rows: tuple[int, ...]     # rows it names ("Billunds …")
    content: tuple[str, ...]      # words that may filter: not generic, not a row's name, not the subject
    unexplained: tuple[str, ...]  # words the table does not know
    named: bool                   # it names the table itself ("linksamlingen")
    every: bool                   # "… i linksamlingen i alt": all rows
    columns: tuple[int, ...]      # columns it names
    blank: tuple[int, ...]        # columns it wants empty ("uden link")
    link_values: tuple[str, ...] = ()   # words of a link cell asked for ("linker til et notat")


# "forretningsorienteret" says "forretning": the participle after the modifier adds no value to match.
_PARTICIPLE_RE = re.compile(r"^([^\W\d_]{4,}?)s?(orienteret|orienterede|drevet|drevne|drevede|baseret|baserede|rettet|"
                            r"rettede|fokuseret|fokuserede|relateret|relaterede|præget|prægede)$", re.I)


def _modifier(word: str, vocabulary: frozenset[str], terms: Terms) -> str:
    """The modifier of a participle compound the table does not use as a whole; else the word itself."""
    match = _PARTICIPLE_RE.match(word)
    if not match or any(known(t, vocabulary) for t in terms(word)[:1]):
        return word
    return match.group(1)


_CLAUSE_END_RE = re.compile(r"[,;:?!–]| - ")
_ASIDE_CLAUSE_RE = re.compile(rf"(?:{EXCEPT_RE.pattern})[^,;:?!–]*", re.I)


def _clause_after(text: str, start: int) -> str:
    """The rest of the clause from `start`: up to a comma, a colon, a question mark or a dash."""
    return _CLAUSE_END_RE.split(text[start:])[0]


def read_question(prep: PreparedTable, question: str, terms: Terms, generic: frozenset[str],
                  extra_terms: Sequence[str] = (), translated: Collection[str] = ()) -> TableQuestion:
    """The question in the table's words: what it names, counts or lists, and which of its words may filter."""
    table, key = prep.table, prep.key
    question = re.sub(r"[^\W\d_]+", lambda m: _modifier(m.group(0), prep.vocabulary, terms), question)
    question = FRAMING_FORMS_RE.sub(" ", question)
    plain = [t for t in terms(question) + list(extra_terms) if not t.isdigit() and len(t) > 1]
    wholes = [ts[0] for w in re.findall(r"[^\W_]+", question) if w.lower() not in translated
              and (ts := terms(w)) and not ts[0].isdigit() and len(ts[0]) > 1]
    q_terms = list(dict.fromkeys(plain + [t for t in terms(HYPHEN_JOIN_RE.sub("", question))
                                          if not t.isdigit() and len(t) > 1]))
    # "IT strategi" written apart is the table's "IT-strategi".
    words = re.findall(r"[^\W\d_]+", question)
    q_terms += [t for a, b in zip(words, words[1:]) for t in terms(a + b)
                if t in prep.vocabulary and t not in q_terms and len(t) > max(len(a), len(b)) + 1]
    # What is listed ("Hvilke samarbejder …"), unless it is a value itself ("Which of the foreninger …").
    subjects = frozenset(t for t in terms(" ".join(subject_words(question))) if t not in prep.whole_cells)
    count = bool(COUNT_RE.search(question))
    # A row named only to be set aside ("…, bortset fra Herning?") is not the row asked about.
    folded = fold(_ASIDE_CLAUSE_RE.sub(" ", question))
    written = set(re.findall(r"[^\W\d_]+", folded))
    key_rows = tuple(i for i, p in enumerate(prep.patterns)
                     if p.search(folded) or (prep.key_names[i] and prep.key_names[i] <= written))
    key_terms = frozenset().union(*(cell_terms(terms, table.rows[i][key]) for i in key_rows))
    # "modeltabellen", "casetabellen": a word for a table is framing too.
    # A compound of generic words is generic ("dokumentform").
    composed = {ts[0] for w in re.findall(r"[^\W\d_]+", question) if len(ts := terms(w)) > 1
                and all(t in generic for t in ts[1:])}
    framing = generic | (frozenset(terms(" ".join(SUPERLATIVE_WORDS))) if prep.year_columns else frozenset())
    # "KL's liste over strategier": a list of what the table's caption names is the table itself, not a value.
    listed = {t for m in LIST_OF_RE.finditer(question) for t in terms(m.group(1))
              if len(t) >= 5 and any(c.endswith(t) or c.startswith(t) for c in prep.section_terms)}
    content = tuple(t for t in q_terms if t not in framing and t not in key_terms and t not in subjects
                    and not t.endswith("tabel") and t not in composed and t not in listed)
    named = any(known(t, prep.label_terms) for t in q_terms if len(t) >= 4) or bool(listed) or bool(
        prep.caption_number and prep.caption_number in TABLE_NUMBER_RE.findall(question))
    # A column the question names; "Hvilke kommuner …" does not ask for the column "Antal kommuner".
    # An English word the glossary read as part of a phrase ("link list" -> linksamling) names no column itself.
    english = set(terms(" ".join(translated))) - set(extra_terms)
    columns = [i for i, terms in enumerate(prep.column_terms)
               if i != key and any(t in terms for t in q_terms if t not in key_terms and t not in english and (
                   # A number column ("Antal kommuner") by a generic word only when a count is asked:
                   # "What does OS2 membership cost a municipality?" does not ask how many.
                   count or i not in prep.number_columns or (t not in subjects and t not in generic)))]
    # "… but no link", "uden link": the negation belongs to a column the question names right after it.
    # A yes/no column negated ("overdrager ikke kompetence") asks for its "Nej" rows, not for empty cells.
    blank = [c for c in columns for m in NEGATION_RE.finditer(question)   # "hverken med link eller periode"
             if c not in prep.yes_no_columns and set(terms(" ".join(question[m.end():].split()[:4]))) & prep.column_terms[c]]
    # A name the table does not hold counts as unexplained even when its stem collides with a generic word
    # ("Slagelse" -> "slag", as in "slags").
    names = [ts[0] for w in NAME_RE.findall(question) if w.lower() not in translated and w.lower() not in GENERIC_WORDS
             and (ts := terms(w)) and not any(known(t, prep.vocabulary) or t in key_terms for t in ts)]
    unexplained = [t for t in wholes if t in content and not known(t, prep.vocabulary) and t not in extra_terms] + names
    # Link cells are not searched as data, but a question that names the link column may ask for their words.
    link_values = tuple(t for t in unexplained if any(c in prep.links for c in columns) and t not in names
                        and any(has(t, cells) for cells in prep.link_terms))
    return TableQuestion(
        text=question, terms=tuple(q_terms), wholes=tuple(wholes), subjects=subjects, count=count,
        listing=bool(LIST_RE.search(question)), explain=bool(EXPLAIN_RE.search(question)),
        yes_no=bool(YES_NO_RE.match(question)), key_rows=key_rows, content=content,
        # In an English question the untranslated English words are not content ("have", "policy" …).
        unexplained=tuple(dict.fromkeys(t for t in unexplained if t not in link_values)), link_values=link_values,
        named=named, every=bool(named and ALL_RE.search(question)),
        columns=tuple(c for c in columns if c not in blank), blank=tuple(blank))


def excluded_words(q: TableQuestion, terms: Terms, generic: frozenset[str]) -> frozenset[str]:
    """Whole words the question sets aside ("udover dem der hedder Digitaliseringsstrategi", "rather than a
    strategy"): up to five words after the contrast, to the end of its clause."""
    found = set()
    for pattern in (EXCEPT_RE, CONTRAST_RE):
        for m in pattern.finditer(q.text):
            clause = _clause_after(q.text, m.end()).split()[:5]
            found |= {ts[0] for w in clause if (ts := terms(w)) and ts[0] not in generic}
    return frozenset(found)


def filter_values(prep: PreparedTable, q: TableQuestion, terms: Terms) -> list[str]:
    """The question's words that pick rows: values of the named columns, or of any column."""
    n = len(prep.table.rows)
    # Rows holding each word in the named columns, and the rows holding it anywhere: counted once.
    in_named = {t: len(frozenset().union(*(prep.rows_with(t, c) for c in q.columns))) for t in q.content}

    def spread_of(t: str) -> int:   # rows holding the term (in the named columns, when the question names any)
        if in_named[t] or not q.columns:
            return in_named[t] or len(prep.rows_with(t))
        # Not in the named column: a value of another ("digitaliseringsprincipper med en flerårig periode"),
        # unless it is only the table's own subject ("strategy period").
        return 0 if known(t, prep.section_terms) else len(prep.rows_with(t))
    spread = {t: spread_of(t) for t in q.content}
    contrast = CONTRAST_RE.search(q.text)   # "… en digitaliseringspolitik rather than a strategy"
    excluded = set(terms(q.text[contrast.end():])) if contrast else set()
    excluded |= {t for m in EXCEPT_RE.finditer(q.text) for t in terms(_clause_after(q.text, m.end()))}
    # A value in a column the question names filters even when every row holds it ("vurderet højt på
    # informationssikkerhed" in a two-row table); elsewhere a word most rows hold is no filter.
    values = [t for t in q.content if t not in prep.header_terms and not (q.every and t in prep.section_terms)
              and t not in excluded and 0 < spread[t] and (spread[t] < max(2, 0.9 * n) or in_named[t])]
    # The most specific form: "informationssikkerhedspolitik" rather than its part "politik" (a part the
    # analyser split off; a word the question writes itself stays: "principper, altså digitale principper").
    written = set(q.wholes)
    values = [t for t in values if t in written or not any(t != v and t in v for v in values)]
    # The table's own subject ("digitalisering" in the strategy table, "samarbejder" in the cases') is
    # background next to a real value.
    background = [t for t in values if known(t, prep.section_terms | prep.title_terms) and spread[t] > n / 4]
    # ... unless it is itself an alternative: "en digitaliseringsstrategi eller digitaliseringsprincipper".
    offered = {t for m in ALTERNATIVES_RE.finditer(q.text) for word in m.groups() for t in terms(word)}
    background = [t for t in background if t not in offered]
    if len(background) < len(values):
        return [t for t in values if t not in background]
    if values and all(spread[t] > n / 2 for t in values) and states_period_or_number(q.text, prep):
        return []   # "en strategi, der kun gælder for ét år": the period filters; "strategi" frames
    return values


def asked_columns(prep: PreparedTable, q: TableQuestion, generic: frozenset[str], extra_terms: Sequence[str],
                  translated: Collection[str]) -> list[int]:
    """Columns asked for without their name ("Hvornår udløber …" -> the period), in the question's order."""
    asked = [i for i, words in prep.asking.items() if words & set(q.terms)]
    # Only when nothing else is asked: "Hvilke typer brugere …" and "hvor mange temaer …" ask about
    # something the row does not hold.
    synonyms = frozenset().union(*prep.asking.values())
    framing = prep.section_terms | prep.header_terms | synonyms
    # Danish words of the question's English framing ("strategic document on digitalisation") do not count,
    # nor the row's own form ("Jammerbugts planstrategi").
    if any(not known(t, framing) for t in q.content + tuple(t for t in q.subjects if t not in generic)
           if t not in extra_terms and t not in translated
           and not any(has(t, prep.row_terms[i]) for i in q.key_rows)):
        return []
    # In the order the question asks: "Hvilken periode dækker Billunds strategi?" wants the period first.
    position = {t: i for i, t in reversed(list(enumerate(q.terms)))}
    return sorted(asked, key=lambda i: min(position[t] for t in prep.asking[i] if t in position))
