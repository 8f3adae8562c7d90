"""The command-line contracts of ../shared/DESIGN.md, run as real subprocesses."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(FIXTURES / "knowledge", root / "knowledge")
    environment = dict(os.environ, SPARRING_DATA_DIR=str(root / "data"), SPARRING_KNOWLEDGE_DIR=str(root / "knowledge"))
    environment.pop("SPARRING_THEME_GROUPS", None)
    return environment


def run(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          input=stdin, timeout=300)


def test_search_before_build_says_how_to_build(env):
    result = run(env, "index", "search", "RISO")
    assert result.returncode == 2 and "python -m index build" in result.stderr and "Traceback" not in result.stderr


def test_build_search_json_and_file(env, tmp_path):
    assert run(env, "index", "build").returncode == 0
    again = run(env, "index", "build")
    assert again.returncode == 0 and "up to date" in again.stderr
    result = run(env, "index", "search", "-k", "2", "--json", "Sorø og Ringsted lønudgift")
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and hits[0]["rank"] == 1
    assert {"rank", "doc_id", "title", "section", "text", "score"} <= set(hits[0])
    assert "RISO" in hits[0]["section"]
    queries = tmp_path / "q.txt"
    queries.write_text("innovationspulje Aabenraa\n\ngevinstansvarlig\n", encoding="utf-8")
    lines = run(env, "index", "search", "--file", str(queries), "-k", "1").stdout.splitlines()
    assert len(lines) == 3 and json.loads(lines[1]) == [] and json.loads(lines[2])[0]["doc_id"] == "gevinster"


@pytest.mark.parametrize("query,message", [("", "give a query"), ("   ", "empty"), ("%%%", "no words")])
def test_bad_queries(env, query, message):
    run(env, "index", "build")
    result = run(env, "index", "search", query) if query else run(env, "index", "search")
    assert result.returncode == 2 and message in result.stderr


def test_huge_query(env):
    run(env, "index", "build")
    result = run(env, "index", "search", "--json", "gevinst " * 12_500)
    assert result.returncode == 0 and json.loads(result.stdout)


def test_eval(env, tmp_path):
    run(env, "index", "build")
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "x1", "q": "Hvordan deler Sorø og Ringsted lønudgiften?",
                                     "any_of": ["deles efter kommunernes indbyggertal"], "doc": "kommuner"}) + "\n")
    result = run(env, "index", "eval", str(questions))
    assert result.returncode == 0 and "recall@5=1.000" in result.stdout
    questions.write_text("not json\n")
    assert "q.jsonl:1" in run(env, "index", "eval", str(questions)).stderr


def test_corrupt_manifest_is_reported(env, tmp_path):
    broken = dict(env, SPARRING_DATA_DIR=str(tmp_path / "d"))
    run(broken, "index", "build")
    (tmp_path / "d" / "index" / "manifest.json").write_text("{")
    result = run(broken, "index", "search", "RISO")
    assert result.returncode == 2 and "damaged" in result.stderr and "python -m index build" in result.stderr


def test_document_without_front_matter(env, tmp_path):
    knowledge = tmp_path / "k"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    (knowledge / "documents" / "bad.md").write_text("# Ingen front matter\n\ntekst\n")
    result = run(dict(env, SPARRING_KNOWLEDGE_DIR=str(knowledge), SPARRING_DATA_DIR=str(tmp_path / "d")), "index", "build")
    assert result.returncode == 2 and "bad.md: no front matter" in result.stderr


def test_bot_ask_json_contract(env, tmp_path):
    result = run(env, "bot", "ask", "--json", "Hvordan deler Sorø og Ringsted lønudgiften?")
    answer = json.loads(result.stdout)
    assert answer["answered"] is True and answer["answer"]
    assert {"doc_id", "title", "section", "text"} <= set(answer["sources"][0])
    declined = json.loads(run(env, "bot", "ask", "--json", "Hvornår spiller FCK næste kamp?").stdout)
    assert declined == {"answered": False, "answer": "", "sources": []}
    questions = tmp_path / "q.txt"
    questions.write_text("innovationspulje i Aabenraa\nasdf qwer zxcv\n", encoding="utf-8")
    lines = [json.loads(line) for line in run(env, "bot", "ask", "--file", str(questions)).stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]


def test_bot_route_json_contract(env, tmp_path):
    result = run(env, "bot", "route", "--json", "vi skal lave en databehandleraftale")
    groups = json.loads(result.stdout)
    assert groups and groups[0]["id"] == "sikkerhed" and set(groups[0]) == {"id", "name", "score"}
    assert json.loads(run(env, "bot", "route", "--json", "hvornår har kantinen åbent?").stdout) == []
    broken = tmp_path / "g.yaml"
    broken.write_text("theme_groups:\n  - {id: a}\n")
    result = run(env, "bot", "route", "--groups", str(broken), "x")
    assert result.returncode == 2 and "g.yaml: theme_groups[0].name" in result.stderr
