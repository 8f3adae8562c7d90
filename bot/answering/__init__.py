"""Answering a question from the material: short answer, sources, table answers, or an honest decline."""
from .core import Answer, Answerer, AnswerPolicy, Searcher, sentences

__all__ = ["Answer", "Answerer", "AnswerPolicy", "Searcher", "sentences"]
