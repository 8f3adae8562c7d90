"""Tables as data: parsed at index build, and the list, count and row questions they answer exactly."""
from .parse import Table, parse_all
from .search import TableMatch, TableSearch

__all__ = ["Table", "TableMatch", "TableSearch", "parse_all"]
