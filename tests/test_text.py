"""Unit tests for Danish folding, stemming and compound splitting."""
from index.text import Analyzer, fold, vocabulary_of


def test_fold_unifies_danish_spellings():
    assert fold("Sorø") == fold("Soroe") == fold("soro")
    assert fold("på") == fold("paa")
    assert fold("være") == fold("vaere")
    assert fold("Aabenraa") == fold("Åbenrå")


def test_analyzer_drops_stopwords_and_stems():
    terms = Analyzer().terms("Hvordan finansierer kommunerne deres innovationspuljer?")
    assert "hvordan" not in terms and "deres" not in terms
    assert any(t.startswith("kommun") for t in terms)


def test_compounds_split_into_known_words():
    analyzer = Analyzer(vocabulary_of(["digitalisering strategi pulje innovation"]))
    terms = analyzer.terms("digitaliseringsstrategi")
    assert Analyzer().terms("strategi")[0] in terms
    assert Analyzer().terms("digitalisering")[0] in terms


def test_unknown_compound_is_kept_whole():
    assert Analyzer(vocabulary_of(["alpha"])).terms("betagammadelta") == Analyzer().terms("betagammadelta")
