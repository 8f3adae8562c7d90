"""Denmark's 98 municipalities: a name typed in lowercase ("fra kerteminde") is still a municipality's name."""
from __future__ import annotations

import re


MUNICIPALITIES = tuple("""Albertslund Allerød Assens Ballerup Billund Bornholm Brøndby Brønderslev Dragør Egedal Esbjerg
Faaborg-Midtfyn Fanø Favrskov Faxe Fredensborg Fredericia Frederiksberg Frederikshavn Frederikssund Furesø Gentofte
Gladsaxe Glostrup Greve Gribskov Guldborgsund Haderslev Halsnæs Hedensted Helsingør Herlev Herning Hillerød Hjørring
Holbæk Holstebro Horsens Hvidovre Høje-Taastrup Hørsholm Ikast-Brande Ishøj Jammerbugt Kalundborg Kerteminde Kolding
København Køge Langeland Lejre Lemvig Lolland Lyngby-Taarbæk Læsø Mariagerfjord Middelfart Morsø Norddjurs Nordfyn
Nyborg Næstved Odder Odense Odsherred Randers Rebild Ringkøbing-Skjern Ringsted Roskilde Rudersdal Rødovre Samsø
Silkeborg Skanderborg Skive Slagelse Solrød Sorø Stevns Struer Svendborg Syddjurs Sønderborg Thisted Tønder Tårnby
Vallensbæk Varde Vejen Vejle Vesthimmerland Viborg Vordingborg Ærø Aabenraa Aalborg Aarhus""".split())
# Names that are also everyday Danish words ("vejen", "en skive", "odder", "greve", "tønder"): only capitalised.
_EVERYDAY = frozenset({"Vejen", "Skive", "Odder", "Greve", "Tønder"})
# Other spellings and the short names people use.
_ALIASES = {"Aarhus": ("århus",), "Aalborg": ("ålborg",), "Aabenraa": ("åbenrå",), "Lyngby-Taarbæk": ("lyngby",),
            "Ringkøbing-Skjern": ("ringkøbing",), "Ikast-Brande": ("ikast",), "Faaborg-Midtfyn": ("faaborg",),
            "Høje-Taastrup": ("taastrup",), "Vesthimmerland": ("vesthimmerlands",), "Nordfyn": ("nordfyns",)}


def _pattern(name: str) -> str:
    return r"[\s-]*".join(re.escape(part) for part in name.lower().split("-"))


_SPELLINGS = {spelling: name for name in MUNICIPALITIES if name not in _EVERYDAY
              for spelling in (name.lower(), *_ALIASES.get(name, ()))}
# Longest first, so "lyngby-taarbæk" is one name, not "lyngby"; not folded, so "koge" is no Køge.
_LOWER_RE = re.compile(r"(?<![^\W_])(" + "|".join(_pattern(s) for s in sorted(_SPELLINGS, key=len, reverse=True))
                       + r")(?:s|'s|’s)?(?![^\W_])")
_CAPITAL_RE = re.compile(r"\b(" + "|".join(sorted(_EVERYDAY)) + r")s?\b")
# Before "kommune" the everyday word is the name in any case ("jeg sidder i greve kommunes …").
_BEFORE_KOMMUNE_RE = re.compile(r"\b(" + "|".join(n.lower() for n in sorted(_EVERYDAY)) + r")\s+(?=kommunes?\b|municipality\b)", re.I)


def municipalities_in(text: str) -> list[str]:
    """The municipalities a text names, as their official names, in order of mention."""
    found = [(m.start(), _SPELLINGS[re.sub(r"[\s-]+", "-", m.group(1))]) for m in _LOWER_RE.finditer(text.lower())]
    found += [(m.start(), m.group(1)) for m in _CAPITAL_RE.finditer(text)]
    found += [(m.start(), m.group(1).capitalize()) for m in _BEFORE_KOMMUNE_RE.finditer(text)]
    return list(dict.fromkeys(name for _, name in sorted(found)))
