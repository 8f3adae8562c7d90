"""Theme groups and dialogue YAML: loading and errors that name the file and key."""
import pytest

from bot.content import ContentError, load_dialogues, load_theme_groups
from tests.conftest import FIXTURES, PROJECT_ROOT


def test_fixture_content_loads():
    groups = load_theme_groups(FIXTURES / "knowledge" / "theme_groups.yaml")
    assert [g.id for g in groups.groups] == ["indkob", "sikkerhed"]
    assert groups.fallback.contact.email == "dd@eksempel.dk"
    sets = load_dialogues(FIXTURES / "knowledge" / "dialogues.yaml")
    assert sets[0].questions[0].case.startswith("Herning")
    assert sets[1].questions[0].text == "Har vi en innovationspulje?"


def test_bundled_content_is_valid():
    groups = load_theme_groups(PROJECT_ROOT / "knowledge" / "theme_groups.yaml")
    assert len(groups.groups) >= 5 and all(g.examples for g in groups.groups)
    sets = load_dialogues(PROJECT_ROOT / "knowledge" / "dialogues.yaml")
    assert len(sets) >= 6 and all(len(s.questions) >= 3 for s in sets)


@pytest.mark.parametrize("text,key", [
    ("theme_groups: []", "theme_groups: must be a list"),
    ("theme_groups:\n  - {id: a, name: A, description: D, contact: {name: N}}\n  - {id: a, name: B, description: D, contact: {name: N}}",
     r"theme_groups\[1\].id: 'a' is already the id of group 1"),
    ("theme_groups:\n  - {id: a, name: A, contact: {name: N}}", r"theme_groups\[0\].description: is missing"),
    ("theme_groups:\n  - {id: a, name: A, description: D, contact: {name: N, email: nope}}",
     r"theme_groups\[0\].contact.email: is not an e-mail"),
    ("theme_groups:\n  - {id: a, name: A, description: D}", r"theme_groups\[0\].contact: is missing"),
    ("theme_groups:\n  - {id: a, name: A, description: D, contact: N}", r"theme_groups\[0\].contact: must be a mapping"),
    ("theme_groups:\n  - {id: a, name: A, description: D, contact: {name: N}, exampels: [x]}",
     r"theme_groups\[0\].exampels: unknown key; did you mean 'examples'"),
    ("theme_groups:\n  - id: a\n    name: A\n    description: D\n    contact: {name: N}\n    name: B",
     r"line 6\): the key 'name' is written twice"),
    ("temagrupper:\n  - {id: a}", r"theme_groups: is missing \(the file has: temagrupper\)"),
    ("# only a comment\n", "the file is empty"),
    ("theme_groups: [\n", "not valid YAML"),
    ("theme_groups:\n  - {id: a, name: A, description: D, contact: {name: N}, examples: [kort, " + "x" * 301 + "]}",
     r"theme_groups\[0\].examples\[1\]: is 301 characters"),
])
def test_broken_theme_groups_name_file_and_key(tmp_path, text, key):
    path = tmp_path / "groups.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=rf"groups.yaml: .*{key}" if "YAML" not in key else key):
        load_theme_groups(path)


def test_broken_dialogues_name_key(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("dialogues:\n  - {id: x, title: X, questions: [{context: c}]}", encoding="utf-8")
    with pytest.raises(ContentError, match=r"d.yaml: dialogues\[0\].questions\[0\].text: is missing"):
        load_dialogues(path)


def test_merge_keys_and_anchors_still_load(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text("x-contact: &c {name: N, email: n@x.dk}\ntheme_groups:\n  - <<: {contact: *c}\n"
                    "    id: a\n    name: A\n    description: D\n", encoding="utf-8")
    assert load_theme_groups(path).groups[0].contact.email == "n@x.dk"


def test_missing_file(tmp_path):
    with pytest.raises(ContentError, match="file not found"):
        load_theme_groups(tmp_path / "none.yaml")


def test_a_broken_group_is_named_as_a_person_counts_and_tabs_get_a_hint(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text("theme_groups:\n  - {id: a, name: A, description: D, contact: {name: N}}\n"
                    "  - {id: drift, name: B, description: D, exampels: [x], contact: {name: N}}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"theme_groups\[1\]\.exampels: .*\[group 2, id 'drift'\]"):
        load_theme_groups(path)
    path.write_text("theme_groups:\n\t- id: a\n", encoding="utf-8")
    with pytest.raises(ContentError, match="indent with spaces, not tabs"):
        load_theme_groups(path)


def test_groups_check_notes_what_a_reply_would_miss(tmp_path):
    from bot.routing.check import render_reach
    path = tmp_path / "groups.yaml"
    path.write_text("theme_groups:\n"
                    "  - {id: a, name: A, description: D, channel: Kanal A, contact: {name: N, email: n@x.dk}}\n"
                    "  - id: b\n    name: B\n    description: D\n    contact:\n      name: M\n      channel: Kanal B\n",
                    encoding="utf-8")
    groups = load_theme_groups(path)
    assert groups.ignored == ("theme_groups[1].contact.channel [group 2, id 'b']",)
    notes = render_reach(groups)
    assert "Grupper uden Teams-kanal" in notes and "  • b" in notes and "uden e-mail" in notes
    assert "Ingen «fallback»" in notes and "contact.channel" in notes
    assert render_reach(load_theme_groups(PROJECT_ROOT / "knowledge" / "theme_groups.yaml")) == ""
    path.write_text("theme_groups:\n  - {id: a, name: A, description: D, channel: K, contact: {name: N, email: n@x.dk}}\n"
                    "fallback: {name: Digitaliseringsenheden}\n", encoding="utf-8")
    assert "«fallback» har hverken Teams-kanal" in render_reach(load_theme_groups(path))
