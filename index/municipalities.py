"""Denmark's 98 municipalities: a name typed in lowercase ("fra kerteminde") is still a municipality's name."""
from __future__ import annotations

import re

from .text import fold

MUNICIPALITIES = tuple("""Albertslund Allerød Assens Ballerup Billund Bornholm Brøndby Brønderslev Dragør Egedal Esbjerg
Faaborg-Midtfyn Fanø Favrskov Faxe Fredensborg Fredericia Frederiksberg Frederikshavn Frederikssund Furesø Gentofte
Gladsaxe Glostrup Greve Gribskov Guldborgsund Haderslev Halsnæs Hedensted Helsingør Herlev Herning Hillerød Hjørring
Holbæk Holstebro Horsens Hvidovre Høje-Taastrup Hørsholm Ikast-Brande Ishøj Jammerbugt Kalundborg Kerteminde Kolding
København Køge Langeland Lejre Lemvig Lolland Lyngby-Taarbæk Læsø Mariagerfjord Middelfart Morsø Norddjurs Nordfyn
Nyborg Næstved Odder Odense Odsherred Randers Rebild Ringkøbing-Skjern Ringsted Roskilde Rudersdal Rødovre Samsø
Silkeborg Skanderborg Skive Slagelse Solrød Sorø Stevns Struer Svendborg Syddjurs Sønderborg Thisted Tønder Tårnby
Vallensbæk Varde Vejen Vejle Vesthimmerland Viborg Vordingborg Ærø Aabenraa Aalborg Aarhus""".split())
# Names that are also everyday Danish words ("vejen", "en skive", "odder", "greve"): only when capitalised.
_EVERYDAY = frozenset({"Vejen", "Skive", "Odder", "Greve"})


def _pattern(name: str) -> str:
    parts = [re.escape(fold(p)) for p in name.split("-")]
    return r"[\s-]*".join(parts)


_FOLDED_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(_pattern(n) for n in MUNICIPALITIES if n not in _EVERYDAY)
                        + r")(?:s|'s|’s)?(?![a-z0-9])")
_CAPITAL_RE = re.compile(r"\b(" + "|".join(_EVERYDAY) + r")s?\b")
_BY_FOLDED = {re.sub(r"[\s-]+", "", fold(n)): n for n in MUNICIPALITIES}


def municipalities_in(text: str) -> list[str]:
    """The municipalities a text names, as their official names, in order of mention."""
    found = [_BY_FOLDED[re.sub(r"[\s-]+", "", m.group(1))] for m in _FOLDED_RE.finditer(fold(text))]
    found += [m.group(1) for m in _CAPITAL_RE.finditer(text)]
    return list(dict.fromkeys(found))
