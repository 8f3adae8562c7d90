"""Sparringsbot's retrieval engine: chunking, embedding, faiss + BM25 hybrid search."""
from .search import Hit, HybridIndex, QueryError

__all__ = ["Hit", "HybridIndex", "QueryError"]
