"""Parsing Danish chat commands and card button data."""
import pytest

from bot.commands import parse, parse_text


@pytest.mark.parametrize("text,name,arg", [
    ("hjælp", "help", ""), ("Hjælp!", "help", ""), ("/hjaelp", "help", ""),
    ("temaer", "themes", ""), ("TEMAGRUPPER", "groups", ""),
    ("dialog", "dialog_list", ""), ("dialog 3", "dialog_start", "3"), ("Dialog3", "dialog_start", "3"),
    ("næste", "next", ""), ("naeste", "next", ""), ("tilbage", "back", ""), ("spring over", "skip", ""),
    ("status", "status", ""), ("afslut", "finish", ""),
    ("hvem kan hjælpe med et nyt bookingsystem?", "route", "et nyt bookingsystem"),
    ("Hvem kan hjaelpe os med GDPR", "route", "GDPR"),
    ("Vi vil købe et nyt bookingsystem, hvem skal vi tale med?", "route", "Vi vil købe et nyt bookingsystem"),
    ("Hvem kan jeg kontakte ang. wifi på rådhuset?", "route", "wifi på rådhuset"),
    ("vi skal i gang med RPA – hvem ved noget om det", "route", "vi skal i gang med RPA"),
    ("Hvilken temagruppe skal vi kontakte angående velfærdsteknologi?", "route", "velfærdsteknologi"),
    ("we need a new booking system, who should we talk to?", "route", "we need a new booking system"),
    ("hvem kan hjælpe med?", "route", ""), ("Hvem kan hjælpe mig?", "route", ""),
    ("Hvem skal være gevinstansvarlig?", "text", "Hvem skal være gevinstansvarlig?"),
    ("Hvem sidder i Rudersdals digitaliseringsudvalg?", "text", "Hvem sidder i Rudersdals digitaliseringsudvalg?"),
    ("Vores strategi mangler i KL's linksamling – hvem skal vi kontakte?", "text",
     "Vores strategi mangler i KL's linksamling – hvem skal vi kontakte?"),
    ("spørg hvad er RISO?", "ask", "hvad er RISO?"), ("Spørg: innovation", "ask", "innovation"),
    ("hvad er RISO?", "text", "hvad er RISO?"), ("næste skridt i strategien", "text", "næste skridt i strategien"),
    ("", "empty", ""), ("   \n ", "empty", ""),
    ("Næste spørgsmål", "next", ""), ("afslut dialogen", "finish", ""), ("forrige", "back", ""),
    ("vis status", "status", ""), ("Hvad kan du?", "help", ""), ("dialog abc", "dialog_list", ""),
    ("Hej", "greeting", ""), ("Tak!", "thanks", ""),
    ("dialg", "typo", "dialog"), ("temagruper", "typo", "temagrupper"),
    ("digitalisering", "text", "digitalisering"), ("statistik", "text", "statistik"),
    ("Hej 👋", "greeting", ""), ("?", "help", ""), ("Hvem kan hjelpe med GDPR", "route", "GDPR"),
    ("Vi bruger Microsoft´s Teams, hvem skal vi tale med?", "route", "Vi bruger Microsoft´s Teams"),
    ("Nettet har været nede siden kl. 9, hvem skal vi kontakte?", "route", "Nettet har været nede siden kl. 9"),
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
