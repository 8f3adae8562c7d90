"""Parsing Danish chat commands and card button data."""
import pytest

from bot.commands import parse, parse_text


@pytest.mark.parametrize("text,name,arg", [
    ("hjælp", "help", ""), ("Hjælp!", "help", ""), ("/hjaelp", "help", ""),
    ("temaer", "themes", ""), ("TEMAGRUPPER", "groups", ""),
    ("dialog", "dialog_list", ""), ("dialog 3", "dialog_start", "3"), ("Dialog3", "dialog_start", "3"),
    ("næste", "next", ""), ("naeste", "next", ""), ("tilbage", "back", ""), ("spring over", "skip", ""),
    ("status", "status", ""), ("afslut", "finish", ""),
    ("hvem kan hjælpe med et nyt bookingsystem?", "route", "et nyt bookingsystem?"),
    ("Hvem kan hjaelpe os med GDPR", "route", "GDPR"),
    ("spørg hvad er RISO?", "ask", "hvad er RISO?"), ("Spørg: innovation", "ask", "innovation"),
    ("hvad er RISO?", "text", "hvad er RISO?"), ("næste skridt i strategien", "text", "næste skridt i strategien"),
    ("", "empty", ""), ("   \n ", "empty", ""),
])
def test_text_commands(text, name, arg):
    command = parse_text(text)
    assert (command.name, command.arg) == (name, arg)


def test_card_values():
    assert parse("", {"command": "næste"}).name == "next"
    assert parse("", {"action": "route", "need": "GDPR"}).arg == "GDPR"
    assert parse("", {"action": "feedback", "rating": 1}).name == "feedback"
    assert parse("", {"action": "bogus"}).name == "unknown_action"
    assert parse("hjælp", {"action": "bogus"}).name == "help"
    assert parse("hjælp", None).name == "help"
