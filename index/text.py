"""Danish text normalisation for lexical search: folding, tokens, stems, compounds."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

import Stemmer

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Danish function words (folded form) that carry no topic. Kept short on purpose:
# words like "hvem" or "hvordan" are stopwords for BM25 but matter for intent.
_STOPWORDS_RAW = """
og i jeg det at en den til er som pa de med han af for ikke der var mig sig men et har om vi min
havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
blev kunne ind nar vare dog noget ville jo deres efter ned skulle denne end dette mit ogsa under
have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver
hendes varet thi jer sadan hvordan hvem hvilke hvilken hvorfor hvornar kan gor gore godt far fa
the a an of to in and or is are for on with what how who which why when does do we our can
that this these those there be been it its by from as at their they them was were has have had should would could will did my your
"""


def fold(text: str) -> str:
    """Lowercase and fold Danish letters and their ASCII spellings to one form.

    "Sorø", "Soroe" and "soro" all fold to "soro"; "på"/"paa" to "pa"; "være"/"vaere"
    to "vare". Applied identically to documents and queries, so collisions are harmless.
    """
    text = text.lower()
    text = text.replace("æ", "a").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("aa", "a").replace("ae", "a").replace("oe", "o")


STOPWORDS = frozenset(fold(w) for w in _STOPWORDS_RAW.split())


def words(text: str) -> list[str]:
    """The word tokens of a text, as written (no folding)."""
    return _TOKEN_RE.findall(text)


class Analyzer:
    """Turns text into BM25 terms: fold, drop stopwords, split compounds, stem."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._stemmer = Stemmer.Stemmer("danish")
        self._vocabulary = frozenset(w for w in vocabulary if len(w) >= 4)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._word_cache: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def folded_tokens(text: str) -> list[str]:
        return [t for t in (fold(w) for w in words(text)) if t and t not in STOPWORDS]

    def _terms_of_token(self, token: str) -> tuple[str, ...]:
        cached = self._cache.get(token)
        if cached is None:
            parts = [token, *self._split_compound(token)]
            cached = tuple(dict.fromkeys(self._stemmer.stemWord(p) for p in parts))
            if len(self._cache) < 200_000:  # bounded: queries may bring arbitrary words
                self._cache[token] = cached
        return cached

    def _split_compound(self, token: str) -> list[str]:
        """Split "digitaliseringsstrategi" into "digitalisering" + "strategi" when both are known words."""
        if len(token) < 9 or not self._vocabulary:
            return []
        best: list[str] = []
        for i in range(4, len(token) - 3):
            head, tail = token[:i], token[i:]
            if tail not in self._vocabulary:
                continue
            if head in self._vocabulary:
                best = [head, tail]
            elif head[-1] in "se" and head[:-1] in self._vocabulary:
                best = [head[:-1], tail]
            if best:
                return best  # earliest split = longest tail: the head word of a Danish compound
        return best

    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        for word in words(text):
            # Keyed by the word as written: folding (NFKD) costs more than the lookup, per question and passage.
            cached = self._word_cache.get(word)
            if cached is None:
                token = fold(word)
                cached = () if not token or token in STOPWORDS else self._terms_of_token(token)
                if len(self._word_cache) < 200_000:
                    self._word_cache[word] = cached
            out.extend(cached)
        return out


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """Folded word forms used in the corpus (the compound splitter's dictionary)."""
    vocab: set[str] = set()
    for text in texts:
        vocab.update(fold(w) for w in words(text))
    return vocab
