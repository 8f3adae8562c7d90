"""Index settings from the environment, in one frozen dataclass."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .embedders import DEFAULT_EMBEDDER

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IndexSettings:
    knowledge_dir: Path
    data_dir: Path
    embedder: str = DEFAULT_EMBEDDER

    @property
    def documents_dir(self) -> Path:
        return self.knowledge_dir / "documents"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "IndexSettings":
        env = os.environ if env is None else env
        return cls(
            knowledge_dir=Path(env.get("SPARRING_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge"),
            data_dir=Path(env.get("SPARRING_DATA_DIR") or "var"),
            embedder=(env.get("SPARRING_EMBEDDER") or DEFAULT_EMBEDDER).strip(),
        )
