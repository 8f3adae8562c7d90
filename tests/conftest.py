"""Shared fixtures: the fixture corpus, fake and real embedders, built indexes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.search import HybridIndex
from index.store import build_index
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", target)
    return target


@pytest.fixture
def fake_index(knowledge_dir: Path, tmp_path: Path) -> HybridIndex:
    embedder = FakeEmbedder()
    build_index(knowledge_dir / "documents", tmp_path / "var" / "index", embedder)
    return HybridIndex.load(tmp_path / "var" / "index", embedder)


@pytest.fixture(scope="session")
def e5_embedder():
    from index.embedders import E5SmallQ4Embedder
    return E5SmallQ4Embedder()


@pytest.fixture(scope="session")
def real_fixture_index(e5_embedder, tmp_path_factory) -> HybridIndex:
    """The fixture corpus indexed with the real default embedder (a few seconds)."""
    data = tmp_path_factory.mktemp("real-index")
    build_index(FIXTURES / "knowledge" / "documents", data / "index", e5_embedder)
    return HybridIndex.load(data / "index", e5_embedder)


# The fake embedder's cosines are not e5's: the assistant accepts on lexical coverage alone.
@pytest.fixture
def assistant(fake_index, tmp_path):
    from bot.answering import AnswerPolicy, Answerer
    from bot.assistant import Assistant, Limits
    from bot.content import load_dialogues, load_theme_groups
    from bot.feedback import FeedbackLog
    from bot.routing import Router
    from tests.test_routing import FAKE, empty_domain
    from bot.services import topics_of
    from bot.state import SqliteStorage, StateStore

    groups = load_theme_groups(FIXTURES / "knowledge" / "theme_groups.yaml")
    return Assistant(
        answerer=Answerer(fake_index, AnswerPolicy(min_dense=0.99, min_dense_with_words=0.0, min_coverage=0.5,
                                                 min_evidence=None)),
        router=Router(groups, FakeEmbedder(), FAKE, domain=empty_domain()),
        groups=groups,
        dialogues=load_dialogues(FIXTURES / "knowledge" / "dialogues.yaml"),
        state=StateStore(SqliteStorage(tmp_path / "state.sqlite3")),
        feedback=FeedbackLog(tmp_path / "feedback.sqlite3"),
        topics=topics_of(fake_index),
        limits=Limits(max_message_chars=500, messages_per_minute=1000),
    )
