"""Unit tests for loading and validating corpus documents."""
from pathlib import Path

import pytest

from index.documents import CorpusError, load_corpus, parse_document


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_corpus_loads(knowledge_dir):
    docs = load_corpus(knowledge_dir / "documents")
    assert {d.id for d in docs} == {"kommuner", "gevinster"}
    assert all(d.year > 2000 for d in docs)


def test_missing_front_matter_names_the_file(tmp_path):
    path = write(tmp_path, "x.md", "# Title\n\ntext")
    with pytest.raises(CorpusError, match=r"x\.md: no front matter"):
        parse_document(path)


@pytest.mark.parametrize("key", ["id", "title", "publisher", "year"])
def test_missing_key_is_named(tmp_path, key):
    meta = {"id": "a", "title": "T", "publisher": "KL", "year": "2020"}
    del meta[key]
    header = "\n".join(f"{k}: {v}" for k, v in meta.items())
    path = write(tmp_path, "a.md", f"---\n{header}\n---\n# T\n\ntext\n")
    with pytest.raises(CorpusError, match=f"a.md: front matter key '{key}'"):
        parse_document(path)


def test_broken_yaml_and_bad_year(tmp_path):
    with pytest.raises(CorpusError, match="not valid YAML"):
        parse_document(write(tmp_path, "b.md", "---\nid: [\n---\ntext"))
    with pytest.raises(CorpusError, match="'year' must be a number"):
        parse_document(write(tmp_path, "c.md", "---\nid: c\ntitle: T\npublisher: KL\nyear: nyligt\n---\ntext"))


def test_duplicate_ids_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no \\*.md documents"):
        load_corpus(tmp_path)
    for name in ("a.md", "b.md"):
        write(tmp_path, name, "---\nid: same\ntitle: T\npublisher: KL\nyear: 2020\n---\ntext")
    with pytest.raises(CorpusError, match="also used by"):
        load_corpus(tmp_path)
