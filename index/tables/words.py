"""The words of a table question: what asks for a list, a count, a row or a column, and what is only framing."""
from __future__ import annotations

import re
from functools import lru_cache

COUNT_RE = re.compile(r"\b(hvor mange|antal(let)?|how many|number of)\b", re.I)
LIST_RE = re.compile(r"\b(hvilke|hvilken|hvem|hvis|which|whose|list|liste|nævn|oversigt)\b", re.I)
YES_NO_RE = re.compile(r"^\s*(har|er|findes|står|giver|dækker|bruger|indgår|hører|kan (?:jeg|man|vi) finde|does|do|has|is|are|"
                       r"gives?|covers?|uses?|can (?:i|we|you) find)\b", re.I)
# Questions that ask for an explanation are prose questions, even when they name a table's row.
EXPLAIN_RE = re.compile(r"\b(hvordan|hvorfor|how(?!\s+many\b)|why|forklar|explain|fordele|ulemper|erfaring\w*|"
                        r"for (?:mange|få)|too (?:many|few))\b", re.I)   # "hvor mange er for mange": a judgement
# The noun after "hvilke"/"hvor mange" names what is listed ("Hvilke samarbejder …"), it does not filter.
SUBJECT_RE = re.compile(r"\b(?:hvilke|hvilken|hvilket|hvor mange|which|how many|what)\s+((?:\S+\s+){0,4})", re.I)
SKIP_WORDS = frozenset("""af of de the to tre fire fem seks syv otte ni ti store små nye gamle large small new old
disse dem deres vores jeres these those their our your""".split())
YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
# "de år", "samme periode", "those years": years an earlier sentence gave ("Vi planlægger en strategi for 2021-2025.")
YEARS_ANAPHORA_RE = re.compile(r"\b(?:(?:de|disse|samme|de samme|den|denne|den samme)\s+(?:år|årstal|periode)|"
                               r"(?:those|these|the same|that|this)\s+(?:years|period))\b", re.I)
SPAN_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\s*[-–]\s*(19[89]\d|20[0-4]\d)\b")


def _just_before_a_year(words: str) -> re.Pattern[str]:
    """The words, a few non-digits from the end of the text before a year ("løber til 2025")."""
    return re.compile(rf"\b({words})\b[^0-9]{{0,12}}$", re.I)


# What a year in a question means, by the words just before it; the first that matches wins.
YEAR_CONDITIONS = (
    ("after", _just_before_a_year("efter|senere end|længere end|længere frem end|ud over|beyond|after|later than")),
    ("before", _just_before_a_year("før|tidligere end|inden|before|earlier than")),
    ("only", _just_before_a_year("kun|only|alene|just")),
    ("end", _just_before_a_year("til|until|udløber|udløb|slutter|sluttede|ender|endte|løb ud|løber ud|slutår|slutåret|"
                                "udløbsår|ends?|ending|ended|expires?|through|ran out|runs? out|end year")),
    ("start", _just_before_a_year("fra|from|siden|since|starter|startede|begynder|begyndte|sat i gang|igangsat|i gang|"
                                  "starts?|starting|started|begins?|beginning|began")),
    ("only", re.compile(r"\b(perioden?|period)\s*(?:er|is|:)?\s*$", re.I)),   # "med perioden 2021": that cell
)
# Words just after the year: "hvor 2024 er det sidste år", "2020 alone".
AFTER_YEAR_CONDITIONS = (
    ("end", re.compile(r"^\s*(?:er|is|som|as)\s+(?:det\s+|the\s+)?(?:sidste|slut|last|end|final)[\s-]*(?:år|year)", re.I)),
    ("start", re.compile(r"^\s*(?:er|is|som|as)\s+(?:det\s+|the\s+)?(?:første|start|first|starting)[\s-]*(?:år|year)", re.I)),
    ("only", re.compile(r"^\s*(?:alene|alone|only|by itself)\b", re.I)),
)
# A start or end verb earlier in the year's clause ("startede en ny strategi op i 2021") when no word stands just before it.
CLAUSE_CONDITIONS = (
    ("start", re.compile(r"\b(starter|startede|startet|begynder|begyndte|igangsatte|igangsat|lancerede|starts?|started|"
                         r"begins?|began|launched|initiated|startår\w*|start year)\b[^,;:?!\d]*$", re.I)),
    ("end", re.compile(r"\b(udløber|udløb|slutter|sluttede|ender|endte|ends?|ended|expires?|expired|slutår\w*|"
                       r"end year)\b[^,;:?!\d]*$", re.I)),
)
# "startede i 2016 eller tidligere": the condition's year is a bound, not the value.
OR_EARLIER_RE = re.compile(r"^\s*,?\s*(?:eller|or)\s+(?:tidligere|før|earlier|before|sooner)\b", re.I)
# "løber mindst til 2023", "slutåret tidligst er 2023", "at least until 2023": the year is a bound, before it.
AT_LEAST_BEFORE_RE = re.compile(r"\b(?:(?:mindst|tidligst|at least|no earlier than)\s+(?:til|until|i|in|er|is)?"
                                r"|(?:til|until)\s+(?:mindst|tidligst|at least))\s*$", re.I)
AT_MOST_BEFORE_RE = re.compile(r"\b(?:(?:senest|højst|at the latest|no later than|at most)\s+(?:til|until|i|in|er|is)?"
                               r"|(?:til|until)\s+(?:senest|højst))\s*$", re.I)
OR_LATER_RE = re.compile(r"^\s*,?\s*(?:eller|or)\s+(?:senere|efter|nyere|later|after|newer|more recent)\b", re.I)
# A number with thousands separators, or a decimal before a unit ("1,5 mio.").
_NUMBER = r"(\d+(?:[.,]\d{3})*(?:[.,]\d{1,2}(?=\s*(?:mio|mil|mia|bil|tus|tho)))?)"
MORE_RE = re.compile(rf"\b(flere end|mere end|over|mindst|more than|at least)\s+{_NUMBER}(?![\d])", re.I)
FEWER_RE = re.compile(rf"\b(færre end|mindre end|under|højst|fewer than|less than|at most)\s+{_NUMBER}(?![\d])", re.I)
# "med formen Digitaliseringsstrategi", "kalder dokumentet en digitaliseringsstrategi": that cell value exactly,
# not every form that holds the word ("IT- og digitaliseringsstrategi"), like a quoted value.
NAMED_VALUE_RE = re.compile(r"\b(?:med formen|formen|the form|kalder (?:dokumentet|den|det)(?: for)?(?: en| et)?|"
                            r"is called|are called|called)\s+(.+)$", re.I)
QUOTED_RE = re.compile(r"['\"‘’“”«»]([^'\"‘’“”«»]{3,60})['\"‘’“”«»]")
ALL_RE = re.compile(r"\b(i alt|in total|alle|all|samlet)\b", re.I)
NAME_RE = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)?)\b")
# "Digitaliserings-principper" and "IT-strategi" are one word to match; "Digitaliserings- og IT-strategi" is two.
HYPHEN_JOIN_RE = re.compile(r"(?<=[^\W\d_])-(?: (?!(?:og|eller|and|or)\b))?(?=[^\W\d_])")
OPEN_END_RE = re.compile(r"\b(uden (?:en )?slut\w*|ingen slut\w*|no end\w*|without an? end\w*|open[- ]ended|åben slut\w*)", re.I)
# "når både start- og slutår tælles med", "both years included": how to count a period's years, no condition.
COUNTING_RE = re.compile(r",?\s*\b(?:når|hvor|if|when|with)?\s*(?:både|begge|both)\s+(?:start|første|first)[-\s]*(?:og|and)\s+"
                         r"(?:slut|sidste|last|end)[-\s]*(?:år(?:et|stal(?:let)?)?|years?)\s+(?:tælles|regnes|medregnes|are counted|"
                         r"counted|included|er med|tæller med)(?:\s+med)?", re.I)
# "(fx 2017-2021)" illustrates what is asked; its words and years do not filter.
# So do "(inkl. …)" and "(evt. stavet …)": what they add is a spelling or a part of the asked value.
EXAMPLE_RE = re.compile(r"\((?:fx|f\.\s?eks\.?|e\.\s?g\.?|for eksempel|eksempelvis|for example|inkl\.?|inklusive|herunder|"
                        r"evt\.?|eventuelt|including|incl\.?)[\s,][^)]*\)"
                        # "(som 2017-2020)", "(like 2018-2020)": a period given as an example; "(som udløber i 2025)" filters.
                        r"|\((?:som|ligesom|like|such as|as in)\s+(?:fx\s+)?(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\)", re.I)
# "en udløbet strategi" needs a date the table does not give; the material's own count answers it.
EXPIRED_RE = re.compile(r"\b(udløbe[tn]e?|udløbne|forældede?|expired|outdated|out of date)\b", re.I)
# "Har Solrød en strategi, og hvad styrer de efter i stedet?" asks more than a row can say.
SECOND_QUESTION_RE = re.compile(r",?\s(?:og|and|or|eller)\s+(?:hvad|hvordan|hvorfor|hvem|hvilke\w*|what|how|why|who|which)\b", re.I)
# "en strategi, der kun gælder for ét år": a period of one year.
# The words of a superlative on a period: framing in a table with years only ("de ældste borgere" is a value).
SUPERLATIVE_WORDS = frozenset("""tidligst senest først sidst længst earliest latest furthest longest first last future
fremtiden nyeste ældste tidligste newest oldest recent""".split())
# "dækker blot to kalenderår": a period of two years.
# "dækker blot to kalenderår", "løber over fem år", "a four-year strategy": a period of that many calendar years.
YEAR_COUNT_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
                    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = r"(to|tre|fire|fem|seks|syv|otte|ni|ti|two|three|four|five|six|seven|eight|nine|ten|[2-9]|10)"
N_YEARS_RE = re.compile(rf"\b{_COUNT}(?:[- ]?(?:hele )?(?:kalender)?år(?:ig\w*)?\b|(?:[- ]calendar)?[- ]years?\b|-year\b)"
                        rf"|\b(to|tre|fire|fem|seks)årig\w*", re.I)


_WHEN_BEFORE_RE = re.compile(r"\b(sidste|seneste|næste|kommende|om|siden|past|last|next|within|in)\s+(?:de\s+|the\s+)?$",
                             re.I)


# "mere end fem kalenderår": a bound on the length. "over fem år" stays exact: it spans them.
_LENGTH_BOUNDS = ((">", r"mere end|flere end|længere end|more than|longer than"), (">=", r"mindst|at least"),
                  ("<", r"mindre end|færre end|kortere end|less than|fewer than|shorter than"), ("<=", r"højst|at most"))


def years_asked(question: str) -> int:
    """How many calendar years a period is asked to cover ("fem kalenderår" -> 5); 0 when none."""
    return period_length(question)[1]


def period_length(question: str) -> tuple[str, int]:
    """("=", 5) for "løber over fem kalenderår", (">", 5) for "mere end fem år"; ("", 0) when none is asked."""
    match = N_YEARS_RE.search(question)
    if not match or _WHEN_BEFORE_RE.search(question[:match.start()]):
        return "", 0   # "inden for de sidste fem år", "om to år", "the next five years": when, not how long
    word = (match.group(1) or match.group(2)).lower()
    before = question[:match.start()]
    bound = next((op for op, words in _LENGTH_BOUNDS if re.search(rf"\b(?:{words})\s*$", before, re.I)), "=")
    return bound, YEAR_COUNT_WORDS.get(word) or int(word)
SINGLE_YEAR_RE = re.compile(r"\b(ét år|et enkelt år|ét enkelt år|kun et år|etårig\w*|one year|a single year|single-year)\b", re.I)
# "der starter tidligst", "runs the furthest into the future": the first or last period of the rows.
_STARTS = r"(?:starter|startede|begynder|begyndte|går i gang|starts?|started|begins?|began)"
_ENDS = r"(?:udløber|slutter|løber|ender|gælder|ends?|runs?|expires?|lasts?)"
SUPERLATIVES = (
    ("start", min, re.compile(rf"\b{_STARTS}\b[^?.]{{0,20}}\b(?:tidligst|først|earliest|first)\b"
                              r"|\b(?:ældste|oldest|tidligste)\b", re.I)),
    ("start", max, re.compile(rf"\b{_STARTS}\b[^?.]{{0,20}}\b(?:senest|sidst|latest|last)\b"
                              r"|\b(?:nyeste|newest|most recent)\b", re.I)),
    ("end", max, re.compile(rf"\b{_ENDS}\b[^?.]{{0,30}}\b(?:senest|længst|sidst|latest|furthest|longest|last)\b", re.I)),
    ("end", min, re.compile(rf"\b{_ENDS}\b[^?.]{{0,20}}\b(?:først|tidligst|first|earliest|soonest)\b", re.I)),
)
# "faste fra-til-perioder", "both years given": a range with a start and an end, like a multi-year period.
MULTI_YEAR_RE = re.compile(r"\b(flerårig\w*|(?:over )?flere år|multi-?year|several years|multiple years|"
                           r"faste? fra[-–]til[-–]perioder?|fra[-–]til[-–]perioder?|fixed (?:from[-–]to )?periods?|"
                           r"from[-–]to periods?|both years (?:given|stated|named|listed)|(?:med )?både start- og slutår|"
                           r"both a start and an end year|begge årstal (?:angivet|givet|nævnt|står))", re.I)
# "…, fx 2020-2022" without parentheses illustrates as well.
BARE_EXAMPLE_RE = re.compile(r"[,;]?\s*\b(?:fx|f\.\s?eks\.|e\.\s?g\.|for example|for eksempel|eksempelvis|such as)\s*,?\s*"
                             r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b", re.I)
# "fra 3 til 10 kommuner", "between 3 and 10": a range of the column the noun names.
_AMOUNT = _NUMBER + r"\s*((?:mio|million|mia|milliard|billion|tusind|thousand)\w*\.?)?"
RANGE_RE = re.compile(rf"\b(?:fra|from|mellem|between)\s+{_AMOUNT}\s+(?:til|to|og|and)\s+{_AMOUNT}\s+(\w+)", re.I)
NUMBER_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
                "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# "kun mellem to kommuner", "præcis 4 kommuner": exactly that number of what the noun names.
EXACT_RE = re.compile(r"\b(?:kun|præcis|netop|only|exactly)\s+(?:mellem\s+|between\s+)?(\d+|"
                      + "|".join(NUMBER_WORDS) + r")\s+(\w+)", re.I)
OR_RE = re.compile(r"\b(eller|or)\b", re.I)
# The two words on either side of "eller": "en digitaliseringsstrategi eller digitaliseringsprincipper".
ALTERNATIVES_RE = re.compile(r"([^\W\d_]+)\s+(?:eller|or)\s+(?:(?:en|et|a|an)\s+)?([^\W\d_]+)", re.I)
# Cells of a yes/no column: "Ja", "Nej", "Ja (typisk)".
YES_CELL_RE = re.compile(r"^\s*(ja|yes)\b", re.I)
NO_CELL_RE = re.compile(r"^\s*(nej|no)\b", re.I)
# "andre strategier": strategies other than those the table lists, a complement the rows cannot give.
OTHER_RE = re.compile(r"\b(andre|anden|andet|other|others)\b", re.I)
# "udover dem der hedder Digitaliseringsstrategi": the rows holding what follows are left out.
EXCEPT_RE = re.compile(r"\b(udover|ud over|bortset fra|undtagen|except|other than|apart from|besides)\b(?!\s*\d)", re.I)
CONTRAST_RE = re.compile(r"\b(rather than|instead of|i stedet for|frem for|snarere end)\b", re.I)
# "Høj på alle kriterierne", "high on every criterion": the value in every column, not in one.
EVERY_COLUMN_RE = re.compile(r"\b(?:på|i|on|in|for|across)\s+(?:alle|all|every|hvert|hver|each)\s+(?:\w+\s+)?"
                             r"(?:kriteri\w*|parametr\w*|kolonn\w*|criteri\w*|columns?|dimension\w*)", re.I)
# "står tønder med …", "har odsherred …": the word right after a yes/no verb is its subject.
LOWERCASE_SUBJECT_RE = re.compile(r"^\s*[^\W\d_]+\s+([^\W\d_]{3,})\b")
# "vores strategi", "linket til den": a question that refers back to the one row its context names.
# "hvad har de som dokument": "de" as the subject right after the verb and before a preposition or the end,
# not the article of "har de nyeste strategier", "er de eneste".
POSSESSIVE_RE = re.compile(r"\b(vores|vor|deres|dens|den|dem|our|their|its|it|them|they)\b"
                           r"|\b(?:fra|from|om|about)\s+(os|us)\b"   # "har kl et dokument fra os med"
                           r"|\b(?:har|havde|hedder|kalder|bruger|dækker|gælder|står|er)\s+(de)"
                           r"(?=\s+(?:som|i|med|for|til|på|af|nu|egentlig|ifølge|hos)\b|\s*[?.!]?\s*$)", re.I)
DASH_RE = re.compile(r"\s[-–—]\s")
CONJUNCTION_START_RE = re.compile(r"^\s*(og|eller|men|and|or|but)\b", re.I)
# "… – hvilke af dem …", "… – is it …": a part that points back to the context is not a question of its own.
ANAPHORA_RE = re.compile(r"\b(dem|deres|disse|dette|them|their|they|those|these)\b", re.I)
LIST_OF_RE = re.compile(r"\b(?:liste|listen|oversigt|oversigten|list|overview|samling|samlingen)\s+(?:over|of)\s+"
                        r"(?:(?:de|the|alle|all|kommunernes|municipal)\s+)?([^\W\d_]+)", re.I)
# "i tabel 1", "table 3": a table named by its caption's number.
TABLE_NUMBER_RE = re.compile(r"\b(?:tabel|table)\s*(\d+)\b", re.I)
# Verb forms that frame a question although their stem is a cell value ("lavet" -> "lav", as in the rating "Lav").
# Verb forms whose stem a noun shares ("bruger" uses, "brugere" users): framing as written, not as a stem.
FRAMING_FORMS_RE = re.compile(r"\b(lavet|laver|lave|lavede|made|makes|bruger|bruge|brugt|brugte)\b|^\s*(lav|make|giv mig|vis mig|give me|show me)\b", re.I)
NEGATION_RE = re.compile(r"\b(ikke|uden|mangler|intet|ingen|hverken|no|not|neither|without|missing)\b", re.I)
LINK_RE = re.compile(r"\.(pdf|aspx?|html?)\b|\([\w.-]+\.(dk|com|org|eu)\)|https?://", re.I)
# Words a table question may use without the table containing them (Danish and English).
GENERIC_WORDS = frozenset("""har have hvilke hvilken hvem hvor mange antal liste list listen oversigt nævn findes står
står med nævnt tabel tabellen ifølge kl kls alle samlet fremgår gælder dækker dækket løber løb frem fra til
periode perioden år årene organiseret organiseres type typisk angivet kun udløber slutter starter flere færre
end mere mindre over under højst mindst der som which what who how many has have does list all according table
named their kommuner kommune municipalities municipality mentioned running until from cover covers period
listed years year kind only dokument dokumenter strategisk strategiske rækker længere strategic document documents form type listed mapping
egentlig egentligt faktisk noget andet nogen mon lige helt også mio million tusind ved altså lignende primær primære primært flerårig flerårige multi year multiyear several
hedder kaldes slags called slutdato slutår end date ended open rettet fokus fokuserer handler omhandler about focus focused aimed rather than instead stedet snarere ikke uden mangler intet ingen angivet no not without missing
actual actually something else its it or called se giver gives sat gang igangsat startede begyndte sluttede endte
gjaldt gjalt gældende satte igangsatte
exactly ending ended started starting began begins beginning covering take takes part participate participates
participating involved tager tage sig deltager deltage varetager bygger bygget baseret based built between among mellem blandt
tidligere senere nyere earlier later sooner newer recent ends expires expire ran run runs out include includes
begge tælles talt tæller medregnet medtalt regnet inklusive inklusiv counted counting inclusive startår startåret startdato fixed given stated faste
included well fik får få fået got get gets whose hvis hvilket så del fewer less more
looking look into onto bortset undtagen udover except apart besides blot kun store stor større største small large big kalenderår calendar
tre fire fem seks syv otte ni ti two three four five six seven eight nine ten alone alene range ranges interval
strækker strakte spænder stretches spans spanning begge both årstal årstallene medregnet medregnes counted counting
scorer score scores scored rated rating bedømt vurderet vurderes består bestå consist consists consisting
total behind overview case cases says kigger kigge kiggede
stadig stadigvæk fortsat still ny nye nyt new op bare blot just fundet finder fandt found målt måles measured set up
after before efter før bor bo boende live lives living mainly primarily mostly chiefly hovedsageligt
lancerede lancere lanceret launched launch omfatter omfatte omfattede comprise comprises vores vor our ours
bestemt bestemte specific certain particular præcis præcist valgt valgte vælge chosen chose måde måden way
læse læser read assessment
karakter karakteren karakterer grade graded roughly approximately approx cirka circa omkring example examples
catalogue catalog katalog kataloget organised organized benytter benytte anvender anvende
use uses used using hørt hører heard vist""".split())


# What a count may ask the sum of rather than the number of rows ("Hvor mange borgere …").
QUANTITY_WORDS = frozenset("""borgere borger indbyggere indbygger befolkning population people inhabitants residents
citizens ansatte medarbejdere employees staff kroner penge money""".split())


# Question words that ask for a column without naming it ("Hvornår udløber Hernings strategi?" asks for the period).
COLUMN_SYNONYMS = {
    "periode": """hvornår when udløber udløb udløbet slutter ender ends expire expires starter begynder gælder gjaldt
                  valid år årene years årstal løber runs periode period""",
    "form": """slags type kind form hedder kaldes called name navn strategi strategy dokument dokumentet document""",
    "ledelse": """leder ledes ledet styrer styres lead leads governs governed""",
    "indbygger": """borgere borger befolkning befolkningen population people inhabitants residents citizens""",
}


def has(term: str, terms: frozenset[str]) -> bool:
    """The term, or its form without an inflection ending ("højt" ~ "høj"), is among the terms."""
    if term in terms or (len(term) >= 4 and term[-1] in "tes" and term[:-1] in terms):
        return True
    return len(term) >= 4 and _in_compound(term, frozenset(terms))


@lru_cache(maxsize=100_000)
def _in_compound(term: str, terms: frozenset[str]) -> bool:
    """A long word is also the head of a compound ("planstrategi" in "kommuneplanstrategi"), and any
    word its first part ("skole" in "skoleområdet"). Cached: a table's term sets are fixed, and a
    frozenset keeps its hash."""
    return any(len(t) >= len(term) + 4 and (t.startswith(term) or (len(term) >= 10 and t.endswith(term)))
               for t in terms) or _split_compound(term, terms)


def _split_compound(term: str, terms: frozenset[str]) -> bool:
    """A genitive compound a cell writes as two words in a row (paired_terms, "digital+princip"):
    "digitaliseringsprincip" in "Digitale principper", "Digitale styrings-principper"."""
    for pair in (t for t in terms if "+" in t):
        first_word, second_word = pair.split("+", 1)
        for cut in range(5, len(term) - 5):
            head, first = term[cut + 1:], term[:cut]
            # The first part is the cell's word with at most a derivation added ("digital" -> "digitalisering"),
            # not a compound of its own ("digitaliseringsstyring").
            close = (first.startswith(first_word) and len(first) - len(first_word) <= 7) or first_word.startswith(first)
            if term[cut] == "s" and second_word.endswith(head) and close:
                return True
    return False


def known(term: str, vocabulary: frozenset[str]) -> bool:
    """Explained by the table's words, also as the start of one ("vurderet" ~ "vurdering")."""
    return has(term, vocabulary) or (len(term) >= 4 and _starts_one(term, frozenset(vocabulary)))


@lru_cache(maxsize=100_000)
def _starts_one(term: str, vocabulary: frozenset[str]) -> bool:
    return any(v.startswith(term) for v in vocabulary)


def subject_words(question: str) -> list[str]:
    """The listed noun: "Hvilke af samarbejderne …" -> samarbejderne; "Hvilke af Favrskovs projekter" -> both."""
    match = SUBJECT_RE.search(question + " ")
    if not match:
        return []
    words = [w.strip("?,.!:;") for w in match.group(1).split()]
    words = [w for w in words if w.lower() not in SKIP_WORDS and not w.isdigit()]
    if not words:
        return []
    return words[:2] if words[0][:1].isupper() else words[:1]
