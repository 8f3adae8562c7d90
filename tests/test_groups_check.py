"""groups-check: a municipality's groups before go-live — with the fake embedder, and as the real CLI on a broken and a good YAML."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import load_theme_groups
from bot.routing import Router
from bot.routing.check import check_groups, render_check
from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.fakes import FakeEmbedder
from tests.test_routing import FAKE, empty_domain

CONTACT = "    contact: {name: Kim, email: kim@eksempel.dk}\n"
# Two groups in the same words: the router cannot tell them apart.
BROKEN = ("theme_groups:\n"
          "  - id: data\n    name: Data og analyse\n"
          "    description: Vi hjælper med data, dashboards og analyser af data.\n"
          "    examples: [dashboards og analyser af data, data til ledelsen, analyser af data fra fagsystemer]\n" + CONTACT +
          "  - id: data2\n    name: Analyse og data\n"
          "    description: Vi hjælper med analyser af data, data og dashboards.\n"
          "    examples: [analyser af data og dashboards, data fra fagsystemer, dashboards til ledelsen]\n" + CONTACT +
          "  - id: indkob\n    name: Indkøb\n    description: Udbud og kontrakter med leverandører.\n" + CONTACT)


# Each group's texts share their own words (the fake embedder is a bag of words), no words across groups.
GOOD = ("theme_groups:\n"
        "  - id: indkob\n    name: Indkøb\n    description: Udbud og kontrakter. Kontrakter og udbud med leverandører.\n"
        "    examples: [udbud af kontrakter, leverandører og udbud, kontrakter med leverandører]\n" + CONTACT +
        "  - id: sikkerhed\n    name: Sikkerhed\n    description: Phishing og sikkerhedshændelser. Sikkerhedshændelser og risikovurderinger.\n"
        "    examples: [phishing mails, risikovurderinger og phishing]\n" + CONTACT)


def test_good_groups_pass_and_thin_groups_are_named(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = check_groups(Router(load_theme_groups(path), FakeEmbedder(), FAKE, domain=empty_domain()))
    assert result.inseparable == ()
    assert result.confusion.trace() == result.confusion.sum() > 0
    assert result.thin == ("sikkerhed",)          # two examples: fewer than three
    text = render_check(result)
    assert "OK: Alle grupper kan skelnes." in text and "mindst 3–5 eksempler" in text


def test_groups_in_the_same_words_fail(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = check_groups(Router(load_theme_groups(path), FakeEmbedder(), FAKE, domain=empty_domain()))
    assert result.inseparable and set(result.inseparable) <= {"data", "data2"}
    text = render_check(result)
    assert "FEJL" in text and "Tilføj eksempler med medarbejdernes egne ord" in text
    assert "data og data2" in text or "data2 og data" in text


def _cli(tmp_path: Path, groups: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SPARRING_DATA_DIR=str(tmp_path / "data"), SPARRING_KNOWLEDGE_DIR=str(FIXTURES / "knowledge"))
    return subprocess.run([sys.executable, "-m", "bot", "groups-check", "--groups", str(groups)], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_on_a_broken_and_a_good_yaml(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = _cli(tmp_path, broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Grupper, som routeren blander sammen" in result.stdout and "FEJL" in result.stdout
    good = _cli(tmp_path, PROJECT_ROOT / "tests" / "data" / "kommune_c_groups.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "OK: Alle grupper kan skelnes." in good.stdout


def test_the_report_shows_every_confused_pair_with_whole_ids_and_counts_in_good_danish():
    import numpy as np
    from bot.routing.check import MAX_PAIRS, CheckResult
    ids = tuple(f"gruppe-nummer-{i:02d}" for i in range(MAX_PAIRS + 2))
    confusion = np.eye(len(ids), dtype=int) * 3
    for i in range(len(ids) - 1):   # one text of each group lands in the next: more pairs than the matrix shows
        confusion[i, i + 1] = 1
    confusion[0, 1] = 2
    text = render_check(CheckResult(ids, ids, confusion, (), (), (), ()))
    assert f"{ids[0]} og {ids[1]}: 2 tekster lander" in text and "1 tekst lander" in text and "tekst(er)" not in text
    assert "gruppe-nummer-09" in text.splitlines()[3]   # a whole id as a column head
    assert f"… og {len(ids) - 1 - MAX_PAIRS} par mere" in text
