"""Theme-group routing: the decision (sure / ask / none) with the fake embedder, the domain layer, learning, quality with e5."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.content import Contact, ThemeGroup, ThemeGroups, load_theme_groups
from bot.routing import Calibration, DomainLayer, GroupMatch, Router, decide, load_domain
from bot.routing.domain import Topic
from bot.routing.evidence import neutral, phrases
from tests.fakes import FakeEmbedder

DATA = Path(__file__).parent / "data"

# The fake embedder is a bag of words: cosines near 0 for unrelated texts (e5's are ~0.8), so the
# decision is tested with weights on the fake's scale: own words count, and "none" when nothing matches.
FAKE = Calibration(group_weights=(5.0, 5.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0), none_weights=(-20.0, 0.0, -2.0, 0.0), none_bias=6.0,
                   none_threshold=0.5, sure_probability=0.7, show_ratio=0.5)


def _group(id: str, name: str, description: str, examples: tuple[str, ...]) -> ThemeGroup:
    return ThemeGroup(id, name, description, examples, Contact(f"Kontakt {id}", f"{id}@eksempel.dk"), f"Kanal {id}")


GROUPS = ThemeGroups(
    groups=(
        _group("indkob", "Indkøb og kontrakter",
               "Hjælper med it-indkøb, udbud og kontrakter. Vi rådgiver om leverandørstyring og rammeaftaler.",
               ("vi skal købe et nyt bookingsystem", "udbud af it-drift")),
        _group("sikkerhed", "Informationssikkerhed og GDPR",
               "Hjælper med databeskyttelse og GDPR. Vi laver risikovurderinger af nye systemer.",
               ("databehandleraftale med leverandøren", "phishing og sikkerhedshændelser")),
        _group("data", "Data og analyse",
               "Dashboards og datakvalitet. Vi hjælper med at bruge data som beslutningsgrundlag.",
               ("ledelsesinformation om sygefravær", "deling af data mellem fagsystemer")),
    ),
    fallback=None,
    source=Path("inline.yaml"),
)


def empty_domain(dim: int = FakeEmbedder.dim) -> DomainLayer:
    return DomainLayer((), (), np.zeros(0, np.int64), np.zeros((0, dim), np.float32), np.zeros((0, dim), np.float32))


def small_domain(embedder) -> DomainLayer:
    topics = (Topic("persondata", "Persondata", ("cpr numre i regneark", "samtykke til billeder af borgere")),
              Topic("indkob", "Indkøb", ("tilbud fra leverandører", "kontrakten udløber snart")))
    everyday = ("frokost i kantinen", "ferie og løn", "min private telefon")
    texts = [e for t in topics for e in t.examples]
    return DomainLayer(topics, everyday, np.array([0, 0, 1, 1]), embedder.embed_queries(texts), embedder.embed_queries(everyday))


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed_queries(self, texts):
        self.calls.append(len(texts))
        return super().embed_queries(texts)


@pytest.fixture
def router() -> Router:
    return Router(GROUPS, FakeEmbedder(), FAKE, domain=empty_domain())


def test_sure_need_gets_one_group_with_its_own_phrase(router: Router) -> None:
    [match] = router.route("Vi skal købe et nyt bookingsystem")
    assert isinstance(match, GroupMatch) and match.group.id == "indkob" and 0.6 <= match.score <= 1
    assert match.reason == "vi skal købe et nyt bookingsystem"


def test_unsure_need_asks_between_the_close_groups(router: Router) -> None:
    matches = router.route("udbud og databehandleraftale")
    assert {m.group.id for m in matches} == {"indkob", "sikkerhed"}
    assert matches[0].score >= matches[1].score
    assert all(m.reason and m.reason != m.group.name for m in matches)
    assert len(router.route("udbud og databehandleraftale", limit=1)) == 1


def test_need_outside_every_group_gets_none(router: Router) -> None:
    assert router.route("hvornår er der frokost i kantinen") == []


@pytest.mark.parametrize("need", ["", "   \n\t", "?!", "...", None])
def test_empty_or_wordless_needs_route_nowhere(router: Router, need) -> None:
    assert router.route(need) == []


def test_decision_rules() -> None:
    cal = Calibration(sure_probability=0.6, show_ratio=0.4, none_threshold=0.5)
    assert decide(np.array([0.7, 0.2, 0.1]), 0.1, cal).shown == (0,)
    assert decide(np.array([0.45, 0.35, 0.15, 0.05]), 0.1, cal).shown == (0, 1)
    assert decide(np.array([0.3, 0.28, 0.25, 0.17]), 0.1, cal).shown == (0, 1, 2)   # never more than 3
    assert decide(np.array([0.7, 0.2, 0.1]), 0.6, cal).shown == ()
    assert decide(np.array([0.45, 0.35, 0.2]), 0.1, cal, limit=1).shown == (0,)


def test_everyday_matters_make_none_through_the_domain_layer() -> None:
    embedder = FakeEmbedder()
    cal = Calibration(group_weights=FAKE.group_weights, none_weights=(-10.0, -10.0, 0.0, 0.0), none_bias=0.0)
    router = Router(GROUPS, embedder, cal, domain=small_domain(embedder))
    assert router.route("frokost i kantinen") == []
    assert router.route("databehandleraftale med leverandøren")[0].group.id == "sikkerhed"


def test_groups_are_mapped_to_topics_from_their_own_text() -> None:
    embedder = FakeEmbedder()
    router = Router(GROUPS, embedder, FAKE, domain=small_domain(embedder))
    ownership = router.evidence_model.ownership          # topics x groups, each row sums to 1
    assert np.allclose(ownership.sum(axis=1), 1)
    assert int(np.argmax(ownership[1])) == 0         # the procurement topic belongs to "indkob"


def test_question_shaped_descriptions_are_neutralised() -> None:
    assert neutral("Hvad må vi gemme om borgerne?") == "gemme om borgerne"
    assert neutral("Dashboards og datakvalitet.") == "Dashboards og datakvalitet."
    assert phrases("Rapporter, ledelsesinformation, robotter og kunstig intelligens.") == \
        ["Rapporter", "ledelsesinformation", "robotter", "kunstig intelligens"]


def test_group_side_is_embedded_once_and_route_embeds_only_the_need() -> None:
    embedder = CountingEmbedder()
    router = Router(GROUPS, embedder, FAKE, domain=empty_domain())
    before = len(embedder.calls)
    router.route("vi skal købe et nyt bookingsystem")
    assert embedder.calls[before:] == [1]
    assert embedder.passages_embedded == 0


def test_learned_examples_change_routing_and_embed_only_new_texts() -> None:
    embedder = CountingEmbedder()
    router = Router(GROUPS, embedder, FAKE, domain=empty_domain())
    need = "vores borgerkort skal fornyes hvert år"
    assert router.route(need) == []
    before = len(embedder.calls)
    router.set_learned({"data": ["vores borgerkort skal fornyes"], "ukendt": ["ignoreres"]})
    assert sum(embedder.calls[before:]) <= 2          # the new example (and its phrase), nothing else
    assert router.route(need)[0].group.id == "data"
    assert router.learned == {"data": ("vores borgerkort skal fornyes",)}


def test_domain_vectors_are_cached_by_content_and_embedder(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    first = load_domain(embedder, tmp_path)
    assert embedder.calls and list(tmp_path.glob("domain-*.npy"))
    calls = len(embedder.calls)
    second = load_domain(embedder, tmp_path)
    assert len(embedder.calls) == calls and np.array_equal(first.topic_vectors, second.topic_vectors)
    load_domain(FakeEmbedder(id="other"), tmp_path)
    assert len(list(tmp_path.glob("domain-*.npy"))) == 2


def test_groups_from_yaml_without_examples(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text(
        "theme_groups:\n"
        "  - id: velfaerd\n"
        "    name: Velfærdsteknologi\n"
        "    description: Teknologi i hjemmeplejen og på plejecentre. Skærmbesøg og sensorer.\n"
        "    contact: {name: Vera, email: vera@eksempel.dk}\n"
        "  - id: kompetencer\n"
        "    name: Digitale kompetencer\n"
        "    description: Kurser og superbrugere for medarbejdere og ledere.\n"
        "    contact: {name: Kim}\n",
        encoding="utf-8",
    )
    router = Router(load_theme_groups(path), FakeEmbedder(), FAKE, domain=empty_domain())
    [match] = router.route("skærmbesøg og sensorer")
    assert match.group.id == "velfaerd"
    assert match.reason == "Skærmbesøg og sensorer."


def test_no_groups_routes_nowhere() -> None:
    empty = ThemeGroups(groups=(), fallback=None, source=Path("none.yaml"))
    assert Router(empty, FakeEmbedder(), FAKE, domain=empty_domain()).route("vi skal købe et system") == []


def _needs(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.slow
def test_real_embedder_with_the_shipped_calibration(e5_embedder, tmp_path) -> None:
    """In-sample sanity check of the shipped calibration (the LOMO figures come from benchmarks/route_eval.py)."""
    router = Router(load_theme_groups(DATA / "kommune_c_groups.yaml"), e5_embedder, cache_dir=tmp_path)
    needs = _needs("kommune_c_needs.jsonl")
    clear = [n for n in needs if n["kind"] == "clear"]
    none = [n for n in needs if n["kind"] == "none"]
    first = sum(bool(m := router.route(n["need"])) and m[0].group.id in n["expected"] for n in clear)
    empty = sum(router.route(n["need"]) == [] for n in none)
    assert first / len(clear) >= 0.8, f"clear right first {first}/{len(clear)}"
    assert empty / len(none) >= 0.75, f"none-fits empty {empty}/{len(none)}"


def test_a_sure_reply_names_the_group_once() -> None:
    from bot.route_views import route_reply
    group = ThemeGroup("drift", "Netværk og drift", "Netværk, servere og wifi.", ("wifi virker ikke",),
                       Contact("Ole", "ole@example.dk"), "Drift")
    reply = route_reply("wifi er nede", [GroupMatch(group, 0.95, "wifi virker ikke")], None)
    assert reply.text.count("Netværk og drift") == 1 and reply.text.startswith("Tal med **Netværk og drift**.")
    assert "Kontakt: Ole (ole@example.dk)" in reply.text and "Teams-kanal: Drift" in reply.text
