"""Unit tests for heading-aware chunking."""
from pathlib import Path

from index.chunking import ChunkingConfig, chunk_document
from index.documents import Document, load_corpus


def test_chunks_carry_heading_path(knowledge_dir):
    docs = {d.id: d for d in load_corpus(knowledge_dir / "documents")}
    chunks = chunk_document(docs["kommuner"])
    riso = [c for c in chunks if "RISO" in c.section]
    assert riso and riso[0].section == "Samarbejde om it-drift › RISO (Sorø og Ringsted)"
    assert "Lønudgiften" in riso[0].text
    assert riso[0].context_text.startswith("Eksempler fra kommunerne › Samarbejde om it-drift › RISO")


def test_long_sections_are_split_within_limits():
    body = "# T\n\n## Long\n\n" + "\n\n".join(" ".join(f"ord{i}_{j}." for j in range(60)) for i in range(20))
    doc = Document("t", "T", "KL", 2020, Path("t.md"), body)
    config = ChunkingConfig(target_words=100, max_words=150, min_words=10)
    chunks = chunk_document(doc, config)
    assert len(chunks) > 5
    assert all(len(c.text.split()) <= 150 for c in chunks)
    assert all(c.section == "Long" for c in chunks)
    joined = " ".join(" ".join(c.text.split()) for c in chunks)
    assert joined.count("ord19_59.") == 1  # nothing lost, nothing repeated


def test_tables_stay_in_one_chunk(knowledge_dir):
    docs = {d.id: d for d in load_corpus(knowledge_dir / "documents")}
    table = [c for c in chunk_document(docs["gevinster"]) if "| Risiko |" in c.text]
    assert len(table) == 1 and "Manglende ejerskab" in table[0].text


def test_a_table_of_contents_is_no_passage_but_a_section_named_indhold_with_prose_is():
    body = ("# T\n\n## Indhold\n\n1. Introduktion\n2. Form – Typer af dokumenter\n   1. **Opgaverne** - *Hvordan?*\n\n"
            "## 1. Introduktion\n\nKommunerne arbejder strategisk med digitalisering i mange år nu, og her er hvordan.\n\n"
            "## 4. Indhold\n\nIndholdet i strategierne handler om borgere, medarbejdere, data og sikkerhed i hele kommunen og dens fagområder.\n")
    chunks = chunk_document(Document("t", "T", "KL", 2020, Path("t.md"), body))
    assert [c.section for c in chunks] == ["1. Introduktion", "4. Indhold"]
