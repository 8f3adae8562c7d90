"""Index build and hybrid search with a deterministic fake embedder."""
import json

import pytest

from index.search import HybridIndex, QueryError
from index.store import IndexCorrupt, IndexMismatch, IndexNotFound, build_index
from tests.fakes import FakeEmbedder


def test_search_returns_ranked_frozen_hits(fake_index):
    hits = fake_index.search("Hvordan deler Sorø og Ringsted lønudgiften?", 3)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].doc_id == "kommuner" and "RISO" in hits[0].section
    assert hits[0].score >= hits[1].score
    with pytest.raises(AttributeError):
        hits[0].score = 1.0  # frozen


@pytest.mark.parametrize("query", ["soroe ringsted loenudgift", "soro ringsted lonudgiften", "aabenraa pulje tilbage"])
def test_folded_spellings_find_danish_letters(fake_index, query):
    top = fake_index.search(query, 1)[0]
    assert any(name in top.section for name in ("RISO", "Aabenraa"))


def test_typos_are_tolerated(fake_index):
    assert "Herning" in fake_index.search("projektmodelen hernig", 1)[0].section


def test_restore_spelling_uses_corpus_words(fake_index):
    assert fake_index.restore_spelling("hvad goer soroe") == "hvad goer sorø"


@pytest.mark.parametrize("query,message", [("", "empty"), ("   \n\t", "empty"), ("\x00\x01\x02", "empty"),
                                           ("!!! ??? ---", "no words")])
def test_unsearchable_queries_raise_clear_errors(fake_index, query, message):
    with pytest.raises(QueryError, match=message):
        fake_index.search(query, 5)


def test_huge_and_binary_queries_still_search(fake_index):
    assert fake_index.search("gevinstansvarlig " * 20_000, 3)
    assert fake_index.search("gevinst\x00\xff\ufffd\u202e ansvar", 3)


def test_k_is_clamped(fake_index):
    assert len(fake_index.search("kommune", 1000)) == len(fake_index.chunks)
    assert len(fake_index.search("kommune", 0)) == 1


def test_rebuild_embeds_only_changed_chunks(knowledge_dir, tmp_path):
    embedder = FakeEmbedder()
    index_dir = tmp_path / "idx" / "index"
    first = build_index(knowledge_dir / "documents", index_dir, embedder)
    assert not first.up_to_date and first.embedded == first.chunks
    again = build_index(knowledge_dir / "documents", index_dir, embedder)
    assert again.up_to_date and again.embedded == 0
    doc = knowledge_dir / "documents" / "gevinster.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("typisk en direktør", "typisk en direktør eller en chef"), encoding="utf-8")
    changed = build_index(knowledge_dir / "documents", index_dir, embedder)
    assert not changed.up_to_date and changed.embedded == 1
    assert "en chef" in HybridIndex.load(index_dir, embedder).search("gevinstansvarlig direktør chef", 1)[0].text


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexNotFound, match="python -m index build"):
        HybridIndex.load(tmp_path / "nothing", FakeEmbedder())


def test_other_embedder_is_refused(knowledge_dir, tmp_path):
    build_index(knowledge_dir / "documents", tmp_path / "index", FakeEmbedder("fake-a"))
    with pytest.raises(IndexMismatch, match="fake-a.*SPARRING_EMBEDDER=fake-b python -m index build"):
        HybridIndex.load(tmp_path / "index", FakeEmbedder("fake-b"))


@pytest.mark.parametrize("damage", ["garbage", "missing-key", "chunks-deleted", "vectors-garbage"])
def test_damaged_index_is_reported(knowledge_dir, tmp_path, damage):
    index_dir = tmp_path / "index"
    build_index(knowledge_dir / "documents", index_dir, FakeEmbedder())
    if damage == "garbage":
        (index_dir / "manifest.json").write_text("{not json")
    elif damage == "missing-key":
        (index_dir / "manifest.json").write_text(json.dumps({"format_version": 3}))
    elif damage == "chunks-deleted":
        (index_dir / "chunks.jsonl").unlink()
    else:
        (index_dir / "vectors.faiss").write_bytes(b"\x00" * 10)
    with pytest.raises(IndexCorrupt, match="python -m index build"):
        HybridIndex.load(index_dir, FakeEmbedder())
    # A build repairs it.
    build_index(knowledge_dir / "documents", index_dir, FakeEmbedder())
    assert HybridIndex.load(index_dir, FakeEmbedder()).search("risici", 1)


def test_sentence_dense_blend_reorders_but_keeps_passage_cosines(fake_index):
    import dataclasses
    query = "Hvordan deler Sorø og Ringsted lønudgiften?"
    first = fake_index.search(query, 5)
    before = {h.chunk_id: h.dense_score for h in first}
    fake_index.fusion = dataclasses.replace(fake_index.fusion, sentence_dense=1.0)
    after = fake_index.search(query, 5)
    assert "RISO" in after[0].section
    assert [h.score for h in after] != [h.score for h in first]   # the sentences did count
    for hit in after:   # the hit's cosine (what declining reads) stays the passage's
        if hit.chunk_id in before:
            assert hit.dense_score == pytest.approx(before[hit.chunk_id], abs=1e-5)
