"""Answers people can use: sentence units, the short answer, tables as data, English questions."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from bot.answering import Answerer, AnswerPolicy
from bot.answering.scope import outside_the_material
from bot.answering.short import SentenceWeights, compose, score_sentences
from bot.views import answer_reply, decline_reply
from index.documents import load_corpus
from index.rerank import passage_coverage
from index.search import Hit, HybridIndex
from index.sentences import split_sentences, units
from index.store import build_index, sentence_embedding_texts
from index.tables import parse_all
from index.tables.words import years_asked
from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.fakes import FakeEmbedder

PASSAGE = """**Finansiering af innovation**

Hvordan finansierer vi de digitale indsatser? Det er et spørgsmål, mange kommuner stiller sig.
Mange kommuner har en central pulje til digitalisering. Aabenraas styregruppe giver lån fra en innovationspulje, som betales tilbage, når projektet giver en gevinst. Puljen kan derfor bruges igen og igen. Det kræver en klar aftale med økonomiafdelingen.

De centrale grundregler er:
- Projektet skal have en business case
- Gevinsten skal kunne måles"""


def test_units_leave_out_headings_and_questions_and_keep_a_list_with_its_lead_in():
    found = units(PASSAGE)
    candidates = [u.text for u in found if u.candidate]
    assert "**Finansiering af innovation**" not in candidates
    assert not any(c.startswith("Hvordan finansierer") for c in candidates)
    lead = next(c for c in candidates if c.startswith("De centrale grundregler er:"))
    assert lead.endswith("- Projektet skal have en business case\n- Gevinsten skal kunne måles")
    assert "- Gevinsten skal kunne måles" in candidates   # each item can also answer alone


def test_periods_after_abbreviations_and_numbers_do_not_end_a_sentence():
    assert split_sentences("Hver kommune betaler ca. 4 mio. kr. om året. Det er 2. gang. Region Syd betaler mere.") == [
        "Hver kommune betaler ca. 4 mio. kr. om året.", "Det er 2. gang.", "Region Syd betaler mere."]


def _hit(text: str, dense: float = 0.85) -> Hit:
    return Hit(1, "doc:0001", "doc", "Titel", "Finansiering af innovation", text, 1.0, dense, 0.5)


def _select(question: str, embedder) -> str:
    """Short answer for PASSAGE with the real model's sentence and question vectors."""
    texts = [u.text for u in units(PASSAGE) if u.candidate]
    vectors = embedder.embed_passages([f"Finansiering af innovation: {t}" for t in texts])
    query = embedder.embed_queries([question])[0]
    sentences = list(zip(texts, (vectors @ query).tolist()))
    from index.text import Analyzer
    analyzer = Analyzer()
    weights = lambda text: {t: 1.0 for t in analyzer.terms(text)}  # noqa: E731
    scored = score_sentences(question, [_hit(PASSAGE)], lambda h: sentences, weights, weights(question),
                             SentenceWeights())
    return compose(scored, SentenceWeights())[0]


def test_the_short_answer_is_the_fact_in_the_middle_not_the_heading_or_question(e5_embedder):
    answer = _select("Hvad sker der med pengene fra Aabenraas innovationspulje, når projektet giver en gevinst?",
                     e5_embedder)
    assert "betales tilbage" in answer
    assert "Hvordan finansierer" not in answer and "**" not in answer
    assert len(answer.split()) <= 60


def test_a_lead_in_brings_its_list(e5_embedder):
    answer = _select("Hvilke grundregler gælder for projekterne?", e5_embedder)
    assert "De centrale grundregler er:" in answer and "- Gevinsten skal kunne måles" in answer


def test_table_parser_reads_the_real_tables():
    tables = parse_all(load_corpus(PROJECT_ROOT / "knowledge" / "documents"))
    by_section = {t.section.split(" › ")[-1]: t for t in tables}
    links = by_section["Linksamling over offentligt tilgængelige digitaliseringsstrategier"]
    # One table although the PDF broke it over pages (its header repeated), header rows not counted as rows.
    assert links.header == ("Kommune", "Form", "Link til hjemmeside", "Perioden")
    assert len(links.rows) == 64
    billund = next(r for r in links.rows if r[0] == "Billund")
    assert billund[1] == "Digitaliseringsstrategi" and billund[3] == "2020-2022"
    cases = by_section["2 Udvalgte cases"]
    assert len(cases.rows) == 10 and cases.rows[0][:2] == ("2.1", "RISO")
    # The line above a table that names it is its caption, and the name a table answer gives.
    assert cases.caption == "Tabel 1: Oversigt over eksempler" and cases.label == cases.caption
    assert links.caption == "" and links.label == "Linksamling over offentligt tilgængelige digitaliseringsstrategier"
    assert sum(len(t.rows) for t in tables) == 64 + 10 + 3 + 3 + 2


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory) -> HybridIndex:
    """The real documents; the fake embedder is enough, since table answers use no model."""
    data = tmp_path_factory.mktemp("corpus")
    knowledge = data / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge" / "documents", knowledge / "documents")
    shutil.copy(PROJECT_ROOT / "knowledge" / "glossary.yaml", knowledge / "glossary.yaml")
    embedder = FakeEmbedder()
    build_index(knowledge / "documents", data / "index", embedder)
    return HybridIndex.load(data / "index", embedder)


def test_a_list_question_gets_every_matching_row_as_a_readable_list(corpus_index):
    answer = Answerer(corpus_index).ask("Hvilke kommuner har digitaliseringsprincipper?")
    # "Digitale principper" and "Digitale styrings-principper" are digitaliseringsprincipper too.
    assert answer.answered and set(answer.rows) == {"Brønderslev", "Frederikssund", "Næstved", "Odense", "Rebild", "Sorø",
                                                    "Svendborg"}
    assert "- **Sorø** – Digitaliserings-principper" in answer.short_answer and "|" not in answer.short_answer
    assert answer.hits[0].doc_id == "strategier" and "Linksamling" in answer.hits[0].section
    reply = answer_reply(answer)
    assert "- **Næstved**" in reply.text


def test_a_count_question_counts_the_rows(corpus_index):
    answer = Answerer(corpus_index).ask("Hvor mange af samarbejderne er organiseret som en forening?")
    assert answer.answered and len(answer.rows) == 5 and "OS2" in answer.rows
    assert answer.short_answer.startswith("**5**")
    one = Answerer(corpus_index).ask("Hvilken periode dækker Billunds strategi?")
    assert one.rows == ("Billund",) and "2020-2022" in one.short_answer


def test_a_name_the_table_does_not_hold_is_said_to_be_missing(corpus_index):
    answer = Answerer(corpus_index).ask("Har Tårnby en digitaliseringsstrategi i linksamlingen?")
    assert answer.answered and not answer.rows and "Tårnby står ikke i tabellen" in answer.short_answer


@pytest.mark.parametrize("question, name", [
    ("new here, from kerteminde - is our strategy listed in kl's overview", "Kerteminde"),
    ("just joined the digital team in stevns. does kl have our strategy in their list", "Stevns"),
    ("does vesthimmerland have anything in kl's list of strategies", "Vesthimmerland"),
    ("jeg er ny i digitaliseringen i høje-taastrup. har kl noget fra os i linksamlingen", "Høje-Taastrup"),
])
def test_a_municipality_typed_in_lowercase_is_said_to_be_missing(corpus_index, question, name):
    answer = Answerer(corpus_index).ask(question)
    assert answer.answered and not answer.rows and f"{name} står ikke i tabellen" in answer.short_answer


def test_how_years_are_counted_and_an_example_after_som_do_not_filter(corpus_index):
    # "når både første og sidste år tælles med" says how to count; "(som 2017-2020)" only illustrates.
    answer = Answerer(corpus_index).ask("Hvilke kommuner har en periode på præcis fire kalenderår, når både første og "
                                        "sidste år tælles med (som 2017-2020)?")
    assert set(answer.rows) == {"Esbjerg", "Herning", "Kalundborg", "Lyngby-Taarbæk", "Ringkøbing-Skjern", "Ringsted",
                                "Rødovre", "Skanderborg"}


def test_municipalities_are_found_in_any_case_but_everyday_words_only_capitalised():
    from index.municipalities import MUNICIPALITIES, municipalities_in
    assert len(MUNICIPALITIES) == 98
    assert municipalities_in("fra lyngby taarbæk og høje-taastrups it") == ["Lyngby-Taarbæk", "Høje-Taastrup"]
    assert municipalities_in("på vejen hjem med en skive brød") == []
    assert municipalities_in("Vejen og Århus' plan") == ["Vejen", "Aarhus"]


@pytest.mark.parametrize("question, first", [
    ("Hvornår udløber Herning Kommunes digitaliseringsstrategi?", "perioden: 2017-2020"),
    ("What period does Køge's strategy cover?", "perioden: 2021-2025"),
    ("Hvad hedder Silkeborgs strategiske dokument om digitalisering?", "form: Koncernledelsens strategi 2025"),
])
def test_a_row_question_leads_with_the_column_it_asks_for(corpus_index, question, first):
    """"Hvornår" asks for the period without naming the column; the asked cell comes first."""
    answer = Answerer(corpus_index).ask(question)
    assert len(answer.rows) == 1
    assert answer.short_answer.split("\n")[1].split(" – ", 1)[1].startswith(first)


def test_english_table_questions_use_the_glossary(corpus_index):
    listed = Answerer(corpus_index).ask("Which municipalities have a digitalisation policy?")
    assert set(listed.rows) == {"Esbjerg", "Horsens"}
    counted = Answerer(corpus_index).ask("How many municipalities have an information security policy?")
    assert counted.rows == ("Albertslund",) and counted.short_answer.startswith("**1**")


def test_a_compound_is_found_hyphenated_and_written_apart(corpus_index):
    """"IT strategi" written apart is the table's "IT-strategi"."""
    for question in ("Hvilke kommuner har en it-strategi?", "Hvilke kommuner har en IT strategi?"):
        # Holbæk's "IT- og digitaliseringsstrategi" is an IT strategy written elided.
        assert set(Answerer(corpus_index).ask(question).rows) == {"Holbæk", "Skanderborg", "Struer"}


def test_background_words_and_contrasts_do_not_widen_a_list(corpus_index):
    planned = Answerer(corpus_index).ask("Hvilke kommuner har digitaliseringen med i en planstrategi?")
    assert set(planned.rows) == {"Gribskov", "Jammerbugt", "Sønderborg"}   # "Kommuneplanstrategi" too
    policy = Answerer(corpus_index).ask("Which municipalities have a digitalisation policy rather than a strategy?")
    assert set(policy.rows) == {"Esbjerg", "Horsens"}


def test_a_negated_column_lists_the_rows_where_it_is_empty_and_a_negated_value_is_left_to_prose(corpus_index):
    empty = Answerer(corpus_index).ask("Hvilke kommuner har ikke angivet en periode?")
    assert len(empty.rows) == 11 and {"Assens", "Mariagerfjord", "Viborg"} <= set(empty.rows)
    assert corpus_index.match_table("Hvilke kommuner har ikke en digitaliseringsstrategi?") is None
    # "andre strategier": strategies other than those the table lists, also a complement for the prose.
    assert corpus_index.match_table(
        "Hvor mange kommuner har digitaliseringen med som en del af andre strategier eller politikker?") is None


def test_periods_without_an_end_are_listed_and_do_not_reach_beyond_a_year(corpus_index):
    open_ended = Answerer(corpus_index).ask("Hvilke kommuner har digitale principper uden slutdato?")
    assert set(open_ended.rows) == {"Brønderslev", "Gentofte", "Odense"}
    beyond = Answerer(corpus_index).ask("Hvilke kommuner har strategiske dokumenter der rækker længere frem end 2025?")
    assert set(beyond.rows) == {"Hørsholm", "Jammerbugt", "Sønderborg"}


def test_years_joined_by_eller_either_hold_and_an_example_does_not_filter(corpus_index):
    either = Answerer(corpus_index).ask("Hvilke kommuner har en digitaliseringsstrategi der slutter i 2022 eller 2024?")
    assert set(either.rows) == {"Allerød", "Billund", "Nordfyn", "Ringkøbing-Skjern", "Rødovre", "Thisted"}
    example = Answerer(corpus_index).ask("Hvilke kommuner har en digitaliseringsstrategi der slutter i 2025 (fx 2021-2025)?")
    assert set(example.rows) == {"Køge", "Morsø", "Nyborg", "Odder", "Varde"}


def test_numbers_with_units_and_thousands_separators(corpus_index):
    large = Answerer(corpus_index).ask("Hvor mange af samarbejderne dækker mere end 1 mio. indbyggere?")
    assert set(large.rows) == {"Brugerklubben SBSYS", "Den Digitale Hotline", "Den Digitale Landevej", "OS2"}
    assert large.short_answer.startswith("**4** ifølge")   # no "**4** samarbejderne"
    small = Answerer(corpus_index).ask("Hvilke samarbejder har færre end 100.000 indbyggere?")
    assert small.rows == ("RISO",)


def test_a_missing_name_is_looked_up_in_the_table_the_question_is_about(corpus_index):
    """Both the strategy table and the cooperation table lack Tårnby; the question is about strategies."""
    answer = Answerer(corpus_index).ask("Har Tårnby en strategi for digitalisering?")
    assert "Tårnby står ikke i tabellen «Linksamling" in answer.short_answer


def test_a_table_is_found_by_its_caption_and_a_named_column_filters_by_its_value(corpus_index):
    small = Answerer(corpus_index).ask("Hvilke samarbejder i oversigten over eksempler har under 150.000 indbyggere?")
    assert set(small.rows) == {"RISO", "IT-Forsyningen"} and "«Tabel 1: Oversigt over eksempler»" in small.short_answer
    # Both projects are rated high: a value in the named column filters even when every row holds it.
    high = Answerer(corpus_index).ask("Hvilke af Favrskovs projekter har høj informationssikkerhed?")
    assert set(high.rows) == {"Tidsbestilling i Borgerservice", "3D-tandskanning"}
    low = Answerer(corpus_index).ask("Hvilke af Favrskovs projekter har lav skalerbarhed?")
    assert low.rows == ("3D-tandskanning",)


def test_a_yes_no_column_lists_the_rows_that_say_yes(corpus_index):
    answer = Answerer(corpus_index).ask("Hvilke modeller for organisering overdrager kompetence?")
    assert answer.rows == ("§ 60",)


def test_a_negated_column_next_to_a_value_and_a_multi_year_period(corpus_index):
    unlinked = Answerer(corpus_index).ask("Hvilke kommuner har digitale principper uden link?")
    assert set(unlinked.rows) == {"Frederikssund", "Svendborg", "Næstved"}
    # "Digitaliseringsprincipper" in the form, a period with two years: none has both.
    assert corpus_index.match_table("Hvilke kommuner har digitaliseringsprincipper med en flerårig periode?") is None
    spans = Answerer(corpus_index).ask("Hvilke kommuner har en flerårig digitaliseringsstrategi, der starter i 2021?")
    assert set(spans.rows) == {"Køge", "Morsø", "Nordfyn", "Nyborg", "Odder", "Ringkøbing-Skjern", "Varde"}


def test_number_ranges_exact_numbers_links_and_start_years(corpus_index):
    ranged = Answerer(corpus_index).ask("Hvilke samarbejder har mellem 4 og 11 kommuner med?")
    assert set(ranged.rows) == {"Digitaliseringsforeningen på Sjælland", "Den Storkøbenhavnske Digitaliseringsforening",
                                "4K", "Den Digitale Landevej"}
    pairs = Answerer(corpus_index).ask("Hvor mange samarbejder er kun mellem to kommuner?")
    assert pairs.short_answer.startswith("**2**") and "RISO" in pairs.rows
    linked = Answerer(corpus_index).ask("Hvilke kommuner har et link til deres digitaliseringspolitik?")
    assert linked.rows == ("Esbjerg",)   # Horsens's policy has no link
    # "startede i 2020" is a start year; ", fx 2020-2023" only illustrates and does not filter.
    started = Answerer(corpus_index).ask("Hvilke kommuner har en digitaliseringsstrategi, der startede i 2020, fx 2020-2023?")
    assert set(started.rows) == {"Allerød", "Billund", "Holstebro", "Ringsted", "Thisted"}
    began = Answerer(corpus_index).ask("Which municipalities have a digitalisation strategy that began in 2021?")
    assert set(began.rows) == {"Køge", "Morsø", "Nordfyn", "Nyborg", "Odder", "Ringkøbing-Skjern", "Varde"}


def test_a_one_year_period_english_framing_and_a_row_count(corpus_index):
    one_year = Answerer(corpus_index).ask("Hvilke kommuner har et strategisk dokument, der kun gælder for ét år?")
    assert {"Frederikssund", "Gribskov", "Aalborg"} <= set(one_year.rows) and "Allerød" not in one_year.rows
    named = Answerer(corpus_index).ask("What is Silkeborg's strategic document on digitalisation called?")
    assert named.rows == ("Silkeborg",) and "Koncernledelsens strategi 2025" in named.short_answer
    members = Answerer(corpus_index).ask("How many municipalities take part in OS2 according to the overview table?")
    assert members.rows == ("OS2",) and "55" in members.short_answer


def test_neither_nor_blank_columns_and_a_row_named_by_its_own_form(corpus_index):
    neither = Answerer(corpus_index).ask("Hvilke kommuner har hverken link eller periode i linksamlingen?")
    assert set(neither.rows) == {"Faxe", "Frederiksberg", "Gladsaxe", "Mariagerfjord", "Næstved"}
    own = Answerer(corpus_index).ask("Which years does Sønderborg's kommuneplanstrategi cover?")
    assert own.rows == ("Sønderborg",) and "2019-2031" in own.short_answer


def test_questions_the_table_cannot_settle_go_to_the_prose(corpus_index):
    # "udløbet" needs a date the table does not hold; a second question needs more than a row.
    assert corpus_index.match_table("Hvor mange kommuner har en udløbet digitaliseringsstrategi?") is None
    assert corpus_index.match_table("Har Solrød en digitaliseringsstrategi, og hvad styrer de efter i stedet?") is None
    either = Answerer(corpus_index).ask("Hvor mange kommuner har en digitaliseringsstrategi eller digitaliseringsprincipper?")
    # 31 rows write one of the two words; Frederikssund, Odense and Rebild write "Digitale (styrings-)principper".
    assert len(either.rows) == 34 and {"Billund", "Sorø", "Skanderborg", "Rebild"} <= set(either.rows)


def test_words_the_question_writes_and_joins_by_eller_are_each_enough(corpus_index):
    answer = Answerer(corpus_index).ask("Hvilke kommuner har principper, digitale principper eller digitaliseringsprincipper?")
    assert {"Frederikssund", "Rebild", "Næstved", "Svendborg", "Brønderslev", "Sorø"} <= set(answer.rows)
    assert "Billund" not in answer.rows


def test_names_ranges_bounds_and_framed_look_ups(corpus_index):
    ask = Answerer(corpus_index).ask
    # "Slagelse" stems like the generic "slags"; it is still a name the table lacks.
    absent = ask("Er Slagelse med i linksamlingen over digitaliseringsstrategier?")
    assert absent.rows == () and "Slagelse står ikke i tabellen" in absent.short_answer
    # A long key is also asked for by the names in it.
    viborg = ask("How many inhabitants does the cooperation between Silkeborg and Viborg have?")
    assert viborg.rows == ("Digitaliseringssamarbejde mellem Viborg og Silkeborg",) and "186.000" in viborg.short_answer
    between = ask("Hvilke samarbejder i oversigten har mellem 100.000 og 300.000 indbyggere?")
    assert set(between.rows) == {"Digitaliseringssamarbejde mellem Viborg og Silkeborg", "4K", "IT-Forsyningen",
                                 "Den Storkøbenhavnske Digitaliseringsforening"}
    earlier = ask("Which municipalities have a strategy that ends in 2020 or earlier?")
    assert len(earlier.rows) == 17 and {"Dragør", "Aalborg"} <= set(earlier.rows) and "Køge" not in earlier.rows
    exactly = ask("Hvilke kommuner har et dokument med perioden 2021?")
    assert set(exactly.rows) == {"Frederikssund", "Rebild", "Struer", "Svendborg", "Aarhus"}
    # "forretningsrettede": the participle adds nothing; "forretning" picks the rows.
    business = ask("Hvilke samarbejder i oversigten er forretningsrettede?")
    assert set(business.rows) == {"Digitaliseringssamarbejde mellem Viborg og Silkeborg", "4K"}
    agreement = ask("Hvilken ledelse har et aftalebaseret samarbejde?")
    assert agreement.rows == ("Aftale",) and "Styregruppe" in agreement.short_answer
    # Naming the table, a row and a column is a look-up however chatty the framing.
    framed = ask("Vi tænker på at lave en forening sammen med andre kommuner – hvem har ledelsen, "
                 "ifølge tabellen over modeller for organisering?")
    assert framed.rows == ("Forening",) and "Generalforsamling" in framed.short_answer


def test_natural_framing_around_a_table_question(corpus_index):
    ask = Answerer(corpus_index).ask
    # A named row with words the table lacks is a prose question: about the case, or about what else is asked.
    assert corpus_index.match_table("Hvad bidrager kommunerne og regionen med økonomisk i Den Digitale Landevej?") is None
    assert corpus_index.match_table("Hvilke typer brugere har Brugerklubben SBSYS?") is None
    started = ask("Hvilke kommuner fik en digitaliseringsstrategi, der startede i 2019?")
    assert set(started.rows) == {"Furesø", "Rødovre", "Syddjurs"}
    # A listed noun that is a cell value filters; "a million" is a number; the English noun finds its column.
    large = ask("Which of the foreninger in the overview have more than a million inhabitants?")
    assert set(large.rows) == {"Brugerklubben SBSYS", "Den Digitale Hotline", "OS2"}
    agreement = ask("Ved et aftalebaseret samarbejde, hvem leder det så ifølge modeltabellen?")
    assert agreement.rows == ("Aftale",) and "Styregruppe" in agreement.short_answer
    # Years need a table with years: not the cases' "Forretningsstrategisk" row.
    years = ask("Hvem har et strategisk dokument om digitalisering, der løber 2017-2021?")
    assert set(years.rows) == {"Holbæk", "Ishøj", "Vejle"}
    # The question is the last sentence.
    context = ask("Vi er ved at skrive en ny strategi. Hvilke kommuner har digitale principper uden slutdato?")
    assert set(context.rows) == {"Brønderslev", "Gentofte", "Odense"}


def test_superlatives_period_lengths_end_years_and_the_tables_own_subject(corpus_index):
    ask = Answerer(corpus_index).ask
    assert ask("Hvilken kommune har den ældste strategi i linksamlingen?").rows == ("Hillerød",)   # 2015-2020
    assert ask("Hvis strategi løber længst?").rows == ("Hørsholm",)                                # 2020-2032
    assert set(ask("Hvilke kommuner har en strategi på to år?").rows) == {"Nordfyn", "Syddjurs"}
    assert set(ask("Hvilke kommuner har en digitaliseringsstrategi med slutår 2021?").rows) == {
        "Holbæk", "Lyngby-Taarbæk", "Vejle"}   # any form holding the word; "formen X" is exact (below)
    # "samarbejder" is what the cases' rows are (the document's title): it frames, the number filters.
    large = ask("Hvor mange af de store samarbejder i oversigten dækker over 1 mio. indbyggere?")
    assert set(large.rows) == {"Brugerklubben SBSYS", "Den Digitale Hotline", "Den Digitale Landevej", "OS2"}
    assert large.short_answer.startswith("**4** samarbejder")
    # Rows set aside by name; a unit shared across a range; a decimal before a unit.
    assert "Herning" not in ask("Hvilke kommuner har en digitaliseringsstrategi, bortset fra Herning?").rows
    assert set(ask("Hvilke samarbejder i oversigten har mellem 1 og 2 millioner indbyggere?").rows) == {
        "Den Digitale Hotline", "Den Digitale Landevej"}
    assert set(ask("Hvilke samarbejder i oversigten har mere end 1,5 mio. indbyggere?").rows) == {
        "Brugerklubben SBSYS", "Den Digitale Hotline", "OS2"}
    # A superlative's word frames only a table with years; a second question is the prose's.
    assert corpus_index.match_table("Hvilke samarbejder i oversigten har en strategi for de ældste borgere?") is None
    assert corpus_index.match_table("Hvilke kommuner har digitaliseringsprincipper, og hvilke har de nyeste?") is None
    small = ask("Hvor mange samarbejder i oversigten har under fem kommuner?")   # a number written as a word
    assert set(small.rows) == {"RISO", "Digitaliseringssamarbejde mellem Viborg og Silkeborg", "4K", "IT-Forsyningen"}
    # "bortset fra …" sets rows aside.
    other = ask("Hvilke kommuners dokumenter løber til 2025, bortset fra dem der hedder Digitaliseringsstrategi?")
    assert set(other.rows) == {"Horsens", "København", "Norddjurs", "Silkeborg"}


def test_framing_verbs_and_words_of_a_link_cell(corpus_index):
    ask = Answerer(corpus_index).ask
    # "scorer", "består af" frame a look-up and a count; they are no values the table lacks.
    scored = ask("Hvad scorer 3D-tandskanning på skalerbarhed?")
    assert scored.rows == ("3D-tandskanning",) and "Lav" in scored.short_answer
    consists = ask("Hvor mange af samarbejderne i oversigten består af flere end 20 kommuner?")
    assert set(consists.rows) == {"Brugerklubben SBSYS", "Den Digitale Hotline", "OS2"}
    # Link cells are not data, but a question naming the link column may ask for their words.
    assert set(ask("Hvilke kommuner har et link til et notat?").rows) == {"Allerød", "Norddjurs"}
    # Framing around a look-up: "kigger på …", and English words for the table ("the case overview").
    assert ask("kigger på skive – hvilken periode dækker deres strategi?").rows == ("Skive",)
    population = ask("What is the total population behind OS2 in the case overview?")
    assert population.rows == ("OS2",) and "4.000.000" in population.short_answer
    # "stadig", "bare", "ny … op" frame; "lavet" is a verb, not the rating "Lav"; a start verb earlier in
    # the clause says what the year is; "gælder i 2024": the period holds the year.
    absent = ask("Har Odsherred Kommune lavet en digitaliseringsstrategi, som KL har fundet?")
    assert absent.rows == () and "Odsherred" in absent.short_answer
    assert ask("Dækker det kompetence, hvis samarbejdet bare er en forening?").rows == ("Forening",)
    began = ask("Hvilke kommuner startede en ny digitaliseringsstrategi op i 2019?")
    assert set(began.rows) == {"Furesø", "Rødovre", "Syddjurs"}
    assert "Hørsholm" in ask("Hvilke kommuner har et dokument, der stadig gælder i 2030?").rows
    # A table named by its caption's number, also in a sentence before the question; a name in lowercase.
    assert ask("Hvor stor er OS2 målt i antal kommuner i tabel 1?").rows == ("OS2",)
    assert set(ask("Tabel 1 viser ti eksempler. Hvilke af dem er organiseret som en aftale?").rows) == {
        "RISO", "Digitaliseringssamarbejde mellem Viborg og Silkeborg", "4K", "Den Digitale Landevej"}
    lowercase = ask("har odsherred en digitaliseringsstrategi?")
    assert lowercase.rows == () and "Odsherred" in lowercase.short_answer



def test_context_before_a_dash_and_a_value_in_every_column(corpus_index):
    ask = Answerer(corpus_index).ask
    # The question after a dash, when the context adds no condition the table could read ...
    assert set(ask("vi er ved at skrive en ny politik - hvilke kommuner har en digitaliseringspolitik?").rows) == {
        "Esbjerg", "Horsens"}
    # ... but not when it does, or when the question points back to it.
    assert corpus_index.match_table("Den Digitale Landevej er en aftale – hvilke aftaler bygger samarbejdet på?") is None
    back = corpus_index.match_table("vi vil læse dem der står som Digitaliseringsstrategi for 2021-2025 – hvilke af dem har et link?")
    assert back is not None and all(row[3] == "2021-2025" for row in back.rows)   # the whole question, not its end
    # "Høj på alle kriterierne": every column; none is an answer to a count.
    none = ask("Hvor mange af Favrskovs projekter har Høj på alle kriterierne?")
    assert none.answered and none.rows == () and none.short_answer.startswith("**0**")
    assert ask("Hvor mange af Favrskovs projekter har Middel eller Høj på alle kriterier?").rows == (
        "Tidsbestilling i Borgerservice",)
    # A function word after the verb is no name; "after" with a start verb bounds the start; a count of
    # inhabitants is a sum the table does not give, not a number of rows.
    assert corpus_index.match_table("er der kommuner med principper?") is None
    assert corpus_index.match_table("har man en digitaliseringsstrategi i alle kommuner?") is None
    started = ask("Which strategies started after 2018?").rows
    assert started and "Hillerød" not in started and "Albertslund" in started   # 2015-2020 out, 2019-2023 in
    assert corpus_index.match_table("How many people live in the municipalities in the cooperation?") is None
    assert corpus_index.match_table("Hvor mange borgere bor der i de kommuner, der samarbejder om digitalisering?") is None
    # Lowercase Teams messages: a sentence may start in lowercase; a remark after the question is no question;
    # "vores strategi" is the one row the context names.
    assert ask("jeg arbejder i assens. hvad hedder vores strategi i kl's oversigt").rows == ("Assens",)
    assert len(ask("hvor mange kommuner i linksamlingen har et slutår i 2023 eller senere? tænker kun på dem med "
                   "et slutår").rows) > 5
    # "our strategy" with a municipality the table lacks is that name missing; with no name, whose is unknown.
    assert corpus_index.match_table("ny her i stevns. does kl have our strategy in their list").missing == ("Stevns",)
    assert corpus_index.match_table("ny her. does kl have our strategy in their list") is None
    # "hvad har de …": "de" right after the verb is the subject, the one row the context names.
    assert ask("vi kigger på skive. hvilken periode dækker de i linksamlingen").rows == ("Skive",)
    assert len(ask("Vi er fra Skive. Hvilke kommuner har de nyeste strategier i linksamlingen?").rows) > 1  # an article
    # Past tense and "i gang" frame a year: "gjaldt i 2020" holds that year, "satte … i gang i 2019" starts it.
    held = ask("Hvilke kommuner havde en strategi, der gjaldt i 2030?").rows
    assert "Hørsholm" in held and "Skive" not in held
    assert set(ask("Hvem satte en ny digitaliseringsstrategi i gang i 2019?").rows) == {"Furesø", "Rødovre", "Syddjurs"}
    # A period of N calendar years, in words or digits; "de sidste fem år" says when, not how long.
    assert set(ask("Which strategies run for three years?").rows) == {"Billund", "Randers", "Thisted"}
    assert set(ask("Hvilke strategier dækker blot to kalenderår?").rows) == {"Nordfyn", "Syddjurs"}
    assert years_asked("strategier fra de sidste fem år") == 0 and years_asked("en 4-årig strategi") == 4
    # A bound on the length ("mere end fem kalenderår"); words after the year ("hvor 2024 er det sidste år", "alone").
    longer = ask("Hvilke strategier strækker sig over mere end fem kalenderår?").rows
    assert "Hillerød" in longer and "Albertslund" not in longer   # 2015-2020 is six years, 2019-2023 five
    assert set(ask("Hvem har en strategi, hvor 2023 er det sidste år?").rows) >= {"Albertslund"}
    assert set(ask("Which municipalities have a document for 2020 alone?").rows) == {"Holstebro", "Aalborg"}
    # "med formen X" / "kalder dokumentet X": that form exactly (also spelt with a hyphen), not every form holding X.
    exact = ask("Hvilke kommuner har formen Digitaliseringsstrategi og slutår 2021?").rows
    assert "Vejle" in exact and "Holbæk" not in exact   # Holbæk: "IT- og digitaliseringsstrategi"
    assert len(ask("Hvilke kommuner står med formen Digitaliserings-principper?").rows) >= 2
    # A word inside a table's sentence-long cells is no list question when the table is not named.
    assert corpus_index.match_table("Hvilke to spor arbejder de så efter?") is None
    missing = ask("Kan jeg finde Herlev i linksamlingen?")
    assert missing.rows == () and "Herlev" in missing.short_answer
    assert set(ask("Hvem lancerede en digitaliseringsstrategi med start i 2020?").rows) >= {"Allerød", "Billund"}
    assert ask("Which document does Assens have in KL's list?").rows == ("Assens",)
    # "hvilke af deres projekter": a possessive is not the listed noun; "for mange" asks for a judgement.
    assert ask("vi kigger på favrskov. hvilke af deres projekter fik høj på effektivisering").rows == (
        "Tidsbestilling i Borgerservice",)
    assert corpus_index.match_table("hvor mange deltagere er for mange i et samarbejde med flere kommuner") is None
    two = ask("de aftalebaserede samarbejder i tabel 1 – hvor mange af dem dækker over 200.000 indbyggere?")
    assert two.short_answer.startswith("**2** ifølge")   # no verb as the rows' noun ("**2** dækker")
    # "linket til den": the one row the context names; "valgt", "på den måde", "læse" frame.
    link = ask("skal læse herning. hvilket link står der til den i kl's oversigt")
    assert link.rows == ("Herning",)
    assert set(ask("Hvilke kommuner har valgt en digitaliseringspolitik frem for en strategi?").rows) == {"Esbjerg", "Horsens"}
    # "KL's liste over strategier" is the table itself: every row.
    assert len(ask("Hvor mange kommuner står der på KL's liste over strategier?").rows) == 64
    # "bor", "mainly", "after" frame; "borgere" asks for the inhabitants.
    lives = ask("Hvor mange borgere bor der i alt i RISO-kommunerne?")
    assert lives.rows == ("RISO",) and "63.000" in lives.short_answer
    assert set(ask("Which cooperations are mainly about joint purchasing?").rows) == {
        "Digitaliseringsforeningen på Sjælland", "Brugerklubben SBSYS"}


@pytest.mark.parametrize("question", ["Hvad er RISO?", "Hvilke typer brugere har Brugerklubben SBSYS?",
                                      "Hvor mange temaer har Dragørs digitaliseringsstrategi, og hvad hedder et af dem?", "Hvordan finansierer andre kommuner innovation?",
                                      "Hvilke kommuner skriver konkrete teknologier ind i deres digitaliseringsstrategi?"])
def test_prose_questions_are_not_taken_by_a_table(corpus_index, question):
    assert corpus_index.match_table(question) is None


@pytest.fixture(scope="module")
def real_index_with_glossary(e5_embedder, tmp_path_factory) -> HybridIndex:
    data = tmp_path_factory.mktemp("english")
    knowledge = data / "knowledge"
    shutil.copytree(FIXTURES / "knowledge" / "documents", knowledge / "documents")
    shutil.copy(PROJECT_ROOT / "knowledge" / "glossary.yaml", knowledge / "glossary.yaml")
    build_index(knowledge / "documents", data / "index", e5_embedder)
    return HybridIndex.load(data / "index", e5_embedder)


def test_an_english_question_is_answered_and_an_unrelated_one_declined(real_index_with_glossary):
    answerer = Answerer(real_index_with_glossary)   # the default policy, as the bot runs it
    answer = answerer.ask("Who is responsible for harvesting the benefits of a project?")
    assert answer.answered and "gevinstansvarlige er typisk en direktør" in answer.short_answer
    assert not answerer.ask("What is the recipe for apple pie?").answered
    assert not answerer.ask("Hvad er satsen for kontanthjælp?").answered


def test_sentence_vectors_are_stored_at_build_so_answering_needs_no_extra_model_call(knowledge_dir, tmp_path):
    embedder = FakeEmbedder()
    build_index(knowledge_dir / "documents", tmp_path / "index", embedder)
    index = HybridIndex.load(tmp_path / "index", embedder)
    calls = []
    original = embedder.embed_queries
    embedder.embed_queries = lambda texts: calls.append(texts) or original(texts)
    Answerer(index).ask("Hvordan styrer Herning de digitale projekter?")
    assert len(calls) == 1   # the search's own query embedding, nothing per sentence
    before = embedder.passages_embedded
    build_index(knowledge_dir / "documents", tmp_path / "index", embedder, force=True)
    assert embedder.passages_embedded == before   # chunk and sentence vectors come from the cache
    assert np.load(tmp_path / "index" / "sentences.npy").shape[0] > 0


def test_a_sentence_is_embedded_with_its_heading_and_with_the_case_it_belongs_to():
    from index.chunking import Chunk
    chunk = Chunk("samarbejder:0001", "samarbejder", "Samarbejder",
                  "2 Udvalgte cases › 2.9 Den Digitale Hotline › 2.9.1 Baggrunden for samarbejdet", "x")
    inner, case = sentence_embedding_texts(chunk, "Baggrunden var et strategisk ønske.")
    assert inner == "Baggrunden for samarbejdet: Baggrunden var et strategisk ønske."
    assert case == "Den Digitale Hotline › Baggrunden for samarbejdet: Baggrunden var et strategisk ønske."


def test_names_are_the_words_the_corpus_always_capitalises_and_a_passage_must_hold_them():
    from index.names import Names
    names = Names(["Det gør man i Aarhus og i Sorø. Man siger det i Aarhus.", "Også Sorø Kommune.",
                   "Kommunens Budget er stort. Et budget følger."])
    assert names.words == {"aarhus", "sorø"}    # "Budget" is also written lowercase: not a name
    assert names.asked("Hvor stort er Aarhus Kommunes budget?") == {"aarhus"}
    assert names.asked("Hvad gør Sorøs styregruppe?") == {"sorø"}
    assert names.asked("Aarhus: hvad gør de?") == set()   # a first word is capitalised anyway
    assert Names.held(frozenset({"aarhus"}), "Sjællands budget fordeles pr. indbygger.") == 0
    assert Names.held(frozenset({"aarhus"}), "I Aarhus Kommune ...") == 1


def test_a_question_naming_a_municipality_is_declined_when_the_answering_passage_never_mentions_it(corpus_index):
    answer = Answerer(corpus_index).ask("Hvor stort er Aarhus Kommunes budget til digitalisering i 2025?")
    assert not answer.answered or "aarhus" in (answer.hits[0].title + answer.hits[0].section + answer.hits[0].text).lower()


def test_a_table_rows_key_is_a_name_and_a_web_address_is_no_lowercase_use(corpus_index):
    # Kolding stands only in the Linksamling: "| Kolding | … | digitaliseringsstrategi.pdf (kolding.dk) | - |".
    assert corpus_index.named("Hvad gør Kolding og Skanderborg?") == {"kolding", "skanderborg"}


@pytest.mark.parametrize("question, key", [
    ("Hvilke indsatsområder har Nyborg i sin digitaliseringsstrategi for 2021-2025?", "Nyborg"),
    ("Hvad står der om velfærdsteknologi i Koldings digitaliseringsstrategi?", "Kolding"),
])
def test_a_question_about_what_a_table_only_lists_is_declined_with_the_row(corpus_index, question, key):
    # No evidence bar: the decline must come from the name, which only a table row holds.
    answer = Answerer(corpus_index, AnswerPolicy(min_evidence=0.0, min_evidence_outside=0.0)).ask(question)
    assert not answer.answered and answer.reason == "listed" and answer.rows == (key,)
    reply = decline_reply(answer, [], None)
    assert f"nævner **{key}**, men kun i tabellen «" in reply.text and f"- **{key}** – form:" in reply.text
    assert answer.to_json()["sources"] == []   # a decline shows no passage as its answer


def test_a_sentence_that_echoes_the_question_does_not_beat_a_closer_answer_by_its_words():
    from index.text import Analyzer
    analyzer = Analyzer()
    weights = lambda text: {t: 1.0 for t in analyzer.terms(text)}  # noqa: E731
    question = "Hvad forpligter man sig til ved penge fra teknologipuljen?"
    echo = "Man kan søge penge fra teknologipuljen, som man forpligter sig til at bruge på pilotprojekter."
    answer = "Modtagerne deler deres erfaringer med de andre forvaltninger."
    sentences = [(echo, 0.880), (answer, 0.885)]   # fixed cosines: the answer is a little closer
    w = SentenceWeights(companion_gap=0.0)
    scored = score_sentences(question, [_hit(f"{echo} {answer}")], lambda h: sentences, weights, weights(question), w)
    assert compose(scored, w)[0] == answer


@pytest.mark.parametrize("question, outside", [
    ("Hvordan nulstiller jeg min adgangskode til Teams?", True),
    ("How do I set up a shared mailbox?", True),
    ("Hvordan finansierer andre kommuner deres innovationspuljer?", False),
    ("Hvordan kan vi organisere gevinstrealisering, så den lykkes?", False),
    ("Lavede Esbjerg om på politikken, da de reviderede den?", False),
    ("Hvem er it-chef i Favrskov Kommune lige nu?", True),
    ("Who is the current CEO of KMD?", True),
    ("How many calls did the hotline take last year?", True),
    ("Hvad har § 60-selskaber indtil nu været brugt til?", False),
    ("Hvorfor ser it-afdelingens opgaver anderledes ud i dag end for ti år siden?", False),   # then and now
    ("Hvad hedder digitaliseringschefen i Rudersdal Kommune?", True),   # a person in a post: a current fact
    ("Hvem er programlederen i et program?", False),                      # the post itself is in the material
    ("Which vendor's platform did the two municipalities choose?", True),  # a contract, not organisation
    ("Hvilken leverandør har kommunen valgt til sit ESDH-system?", True),
    ("Has monopolbruddet become part of what the company works on?", False),
    ("Hvilken leverandørstyring anbefaler KL i samarbejder?", False),   # a compound, not a vendor
    ("Which companies are section 60 companies in the material?", False),
])
def test_personal_how_tos_and_writing_requests_are_outside_the_material(question, outside):
    assert outside_the_material(question) is outside


@pytest.mark.parametrize("question, writes", [
    ("Skriv en projektplan for os til udrulning af tablets.", True),
    ("Can you write a job ad for an IT architect?", True),
    ("Kan I lave en business case for os på en chatbot?", True),
    ("Draft a digitalisation strategy for our municipality.", True),
    ("Lav en liste over kommuner med digitaliseringsprincipper", False),   # a list the material holds
    ("Lav en kort oversigt over fordele og ulemper ved en forening", False),
    ("Lavede Esbjerg om på politikken, da de reviderede den?", False),
    ("Hvordan skriver man en god business case?", False),
    ("Kan du skrive, hvad KL siger om gevinstrealisering?", False),   # "tell me", no object
    ("Can you write what KL says about benefits realisation?", False),
    ("Kan du lave en tabel over kommuner med strategier?", False),
    ("Lav en sammenligning af strategierne", False),
    ("Could you make clear what a business case should contain?", False),
    ("Make or buy - hvad anbefaler KL?", False),
    ("Udarbejde en business case - hvad skal den indeholde?", False),
    ("Lav digital modenhed - hvad gør man?", False),
])
def test_a_request_to_write_is_declined_with_what_the_bot_does_instead(corpus_index, question, writes):
    from bot.answering.scope import asks_to_write
    assert asks_to_write(question) is writes
    if writes:
        answer = Answerer(corpus_index).ask(question)
        assert not answer.answered and answer.reason == "write-request"


def test_a_question_for_an_amount_needs_a_source_that_states_one(corpus_index):
    from bot.answering.scope import amount_missing
    assert amount_missing("Hvad koster det at være med i foreningen?", ["Budgettet fordeles pr. indbygger."])
    assert not amount_missing("Hvad koster det at være med i OS2?", ["OS2 finansieres via et kontingent (8.000 kr. halvårligt)."])
    assert not amount_missing("How much money is in the pool?", ["Puljen er på 800.000 kr om året."])
    # A head count likewise: "Hvor mange ansatte …" needs a source that counts staff ("fem årsværk").
    assert amount_missing("Hvor mange medarbejdere har afdelingen?", ["Afdelingen hedder Udvikling og It."])
    assert not amount_missing("How many employees does it have?", ["en reduktion på fem årsværk"])
    assert not amount_missing("How many people live there?", ["ca. 680.000 indbyggere"])   # not a head count
    # A rate, a price or a budget is an amount too.
    assert amount_missing("Hvad er satsen for kontanthjælp?", ["Kontanthjælp er en ydelse."])
    assert amount_missing("What is the total budget of the innovation bank for 2025?", ["The bank is funded by 2,5 promille."])
    assert amount_missing("Hvor stort er kommunens budget til digitalisering?", ["Budgettet lægges hvert år."])
    assert amount_missing("Hvor mange millioner kroner fik de fra fonden?", ["Fonden støtter projektet."])
    assert amount_missing("Hvor mange tusinde kroner koster det?", ["Det koster noget."])
    assert amount_missing("How many millions of kroner did they get?", ["They got funding."])
    assert not amount_missing("Hvad er budgettet for puljen?", ["Puljen er på 800.000 kr om året."])
    assert not amount_missing("Hvad er prisen for ikke at digitalisere?", ["Det koster på kvaliteten."])
    assert not amount_missing("Hvordan fordeles udgifterne?", ["Budgettet fordeles pr. indbygger."])
    # "a municipality" does not ask for the column "Antal kommuner": not the OS2 row's count.
    assert corpus_index.match_table("What does OS2 membership cost a municipality?") is None


def test_a_lone_letter_from_an_apostrophe_is_no_evidence():
    """"What's" leaves the term "s"; a passage holding it does not answer the question."""
    asked = {"s": 2.9, "weath": 0.0, "copenhag": 0.0}
    assert passage_coverage("What's the weather like in Copenhagen tomorrow?", asked, {"s", "kolofon"}) == 0.0


def test_a_sentence_without_its_period_keeps_its_own_line_in_the_short_answer():
    from bot.answering.short import Scored
    first = Scored(1.0, 0.9, 0.0, 0, 0, "Horsens Kommunes vision er en fælles forståelse af digitaliseringens betydning for Horsens")
    second = Scored(0.99, 0.89, 0.0, 0, 1, "Dragør Kommunes strategi tager afsæt i 7 temaer.")
    third = Scored(0.98, 0.88, 0.0, 0, 2, "Temaerne går på tværs.")
    short, _ = compose([first, second, third], SentenceWeights())
    assert short == f"{first.text}\n\n{second.text} {third.text}"
    # A bold or bracketed end is no period; list items stay a list.
    bold = Scored(1.0, 0.9, 0.0, 0, 0, "- Otte kommuner har en strategi, som er **udløbet**")
    item = Scored(0.99, 0.89, 0.0, 0, 1, "- 27 kommuner har principper")
    short, _ = compose([bold, item], SentenceWeights())
    assert short == f"{bold.text}\n{item.text}"
    bracket = Scored(1.0, 0.9, 0.0, 0, 0, "Se bilag 3 (tabel)")
    short, _ = compose([bracket, third], SentenceWeights())
    assert short == f"{bracket.text}\n\n{third.text}"


def test_bounds_before_a_year_and_fixed_periods(corpus_index):
    from index.tables.filters import OPEN_END, year_span

    def spans(question: str) -> list[tuple[int, int]]:
        match = corpus_index.match_table(question)
        assert match is not None and match.rows, question
        return [year_span(row[3]) for row in match.rows]
    # "løber mindst til 2022": the end is a bound; "faste fra-til-perioder": a start and an end are given.
    found = spans("Hvilke kommuner startede en strategi i 2019, som løber mindst til 2022? Kun faste fra-til-perioder.")
    assert all(s[0] == 2019 and 2022 <= s[1] < OPEN_END for s in found) and (2019, 2022) in found and len(found) > 1
    # "startåret ligger før 2019 og slutåret tidligst er 2022": a bound on each end.
    found = spans("Hvilke kommuner har et dokument, hvor startåret ligger før 2019 og slutåret tidligst er 2022?")
    assert all(0 < s[0] < 2019 and 2022 <= s[1] < OPEN_END for s in found)
    # "Frem til 2025" gives no start, so it is no fixed period that includes 2022.
    found = spans("How many municipalities have a fixed from–to period (both years given) that includes 2022?")
    assert all(0 < s[0] <= 2022 <= s[1] < OPEN_END for s in found)


def test_review_a_listed_name_shows_its_own_row_and_conditions_in_brackets_still_filter(corpus_index):
    from index.tables.filters import year_span
    answerer = Answerer(corpus_index, AnswerPolicy(min_evidence=0.0, min_evidence_outside=0.0))
    # "aftale" is also a row of the models table: the row shown is the municipality's.
    answer = answerer.ask("Hvad står der i Nyborgs aftale om digitalisering?")
    assert answer.reason == "listed" and answer.rows == ("Nyborg",)
    # A name the prose also uses is not "only in a table".
    assert Answerer(corpus_index).ask("Hvad gør Aarhus for at realisere gevinster?").reason != "listed"
    # "(som udløber i 2025)" is a condition; "(som 2017-2020)" only an example.
    ending = corpus_index.match_table("Hvilke kommuner har en strategi (som udløber i 2025)?")
    assert ending is not None and all(year_span(row[3])[1] == 2025 for row in ending.rows)
    # "både … og …" asks for two forms at once, which no row has: not a table question.
    assert corpus_index.match_table("Hvilke kommuner har både en digitaliseringsstrategi og en it-strategi?") is None


@pytest.mark.parametrize("question, name", [
    ("ny her, fra Greve - er vores strategi med i KL's oversigt", "Greve"),
    ("Har Faaborg-Midtfyn en digitaliseringsstrategi i linksamlingen?", "Faaborg-Midtfyn"),
])
def test_review_names_that_are_words_or_have_two_parts_are_said_to_be_missing(corpus_index, question, name):
    match = corpus_index.match_table(question)
    assert match is not None and match.intent == "absent" and match.missing == (name,)


def test_a_row_asked_for_of_a_town_the_table_lacks_is_said_to_be_missing(corpus_index):
    answer = Answerer(corpus_index).ask("Hvad hedder Kertemindes strategi i linksamlingen?")
    assert answer.answered and "Kerteminde står ikke i tabellen" in answer.short_answer
    # A town as the context of a list question is no missing row.
    assert corpus_index.match_table("Hvilke kommuner nær Kerteminde har en strategi i linksamlingen?").intent != "absent"


def test_a_compound_the_cell_writes_as_two_words_and_years_the_context_gave(corpus_index):
    def keys(question: str) -> set[str]:
        match = corpus_index.match_table(question)
        assert match is not None and match.rows, question
        return {row[match.key_column] for row in match.rows}
    # "Digitale principper" and "Digitale styrings-principper" are digitaliseringsprincipper; "politiske principper" not.
    principles = keys("Hvilke kommuner har digitaliseringsprincipper ifølge linksamlingen?")
    assert {"Frederikssund", "Odense", "Næstved"} <= principles and "Gentofte" not in principles
    # Word order matters: "Strategi for digitalisering og velfærdsteknologi" is no "digitaliseringsstrategi".
    assert "Hjørring" not in keys("Hvilke kommuner har en digitaliseringsstrategi?")
    # "de år" / "den periode" are the years an earlier sentence gave.
    from index.tables.filters import year_span
    match = corpus_index.match_table("Vi har en strategi for 2019-2023. Hvilke kommuner har et dokument med præcis den periode?")
    assert match is not None and match.rows and all(year_span(row[3]) == (2019, 2023) for row in match.rows)


def test_an_everyday_word_before_kommune_is_the_name_and_a_grade_is_a_cell(corpus_index):
    from index.municipalities import municipalities_in
    assert municipalities_in("jeg sidder i greve kommunes it-afdeling") == ["Greve"]
    assert municipalities_in("vejen frem for greve og baroner") == []
    match = corpus_index.match_table("hvad fik 3D-tandskanning i karakter for effektivisering")
    assert match is not None and match.intent == "row" and match.rows[0][match.key_column] == "3D-tandskanning"


def test_a_negated_yes_no_column_a_word_the_glossary_read_twice_and_a_question_about_the_sentence_before(corpus_index):
    # "ikke kompetence" asks for the "Nej" rows of "Kompetence overdrages?", not for its empty cells.
    match = corpus_index.match_table("I hvilke organiseringsformer overdrager kommunerne ikke kompetence?")
    assert match is not None and {row[match.key_column] for row in match.rows} == {"Forening", "Aftale"}
    # "link collection" is the table; "no link" after it still names the link column.
    match = corpus_index.match_table("Which municipalities in the link collection have no link to their document?")
    assert match is not None and len(match.rows) > 10 and all(not row[2].strip() for row in match.rows)
    # "Hvilke er det?" asks about what the sentence before it says.
    match = corpus_index.match_table("Nogle kommuner har digitaliseringen med i deres planstrategi. Hvilke er det?")
    assert match is not None and match.rows and all("planstrategi" in row[1].lower() for row in match.rows)
    # "bruger" (uses) frames the question; "brugere" (users) would be a word the table lacks.
    match = corpus_index.match_table("Hvilke kommuner bruger en digitaliseringspolitik i stedet for en strategi?")
    assert match is not None and {row[match.key_column] for row in match.rows} == {"Esbjerg", "Horsens"}
    assert corpus_index.match_table("Hvilke typer brugere har Brugerklubben SBSYS?") is None


def test_a_row_question_that_asks_when_gets_no_yes(corpus_index):
    answer = Answerer(corpus_index).ask("Middelfart har vist en teknologi- og digitaliseringsindsats – hvornår gælder den fra?")
    assert answer.answered and answer.rows == ("Middelfart",) and not answer.short_answer.startswith("Ja")
    assert "Fra 2018" in answer.short_answer


def test_review_false_positives_of_the_new_table_rules(corpus_index):
    from index.municipalities import municipalities_in
    # A lone year before, or "samme periode som Køge", is no period to fill in.
    assert corpus_index.match_table("Vi lavede en analyse i 2018. Hvilke kommuner har en strategi, der dækker samme "
                                    "periode som Køge?") is None
    # A compound of its own in the middle ("styrings") is not the cell's "Digitale principper".
    rebild = corpus_index.match_table("Har Rebild digitaliseringsstyringsprincipper?")
    assert rebild is None or rebild.verdict is not True
    # "Hvilke er det?" asks which of "nogle …"; after "Vi er med i et samarbejde." it asks nothing a table holds.
    assert corpus_index.match_table("Vi er med i et samarbejde. Hvilke er det?") is None
    assert municipalities_in("Er det vejen kommunerne skal gå?") == []
    # The models table lists forms of organisation, not municipalities.
    assert corpus_index.match_table("Hvilke kommuner har en digitaliseringsmodel?") is None
    # A relative "hvor" or "which" keeps a yes/no question's verdict; a "hvornår" after a dash asks when.
    ask = Answerer(corpus_index).ask
    assert ask("Har Køge en strategi, hvor 2019 er med?").short_answer.startswith("Ikke ifølge")
    assert ask("Jeg ved ikke hvad vi har. Har Skive en digitaliseringsstrategi?").short_answer.startswith("Ja.")
    assert not ask("skal lige bruge det til et notat – hvornår udløber allerøds digitaliseringsstrategi?"
                   ).short_answer.startswith("Ja")
