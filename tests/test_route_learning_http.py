"""Learning from use, end to end over HTTP (real app, real e5): a pick from "Mente du …?" changes the next routing."""
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.e2e import BotClient, card_of, config_for, fallback

pytestmark = pytest.mark.slow

NEED = "vi skal forhandle databehandleraftalen med leverandøren af det nye system"
SIMILAR = "forhandling af databehandleraftalen med leverandøren af vores nye system"


async def test_a_pick_changes_the_next_routing_of_a_similar_need(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    bot = await BotClient(config_for(tmp_path / "data", knowledge)).start()
    try:
        [before] = await bot.say(value={"action": "route", "need": SIMILAR})
        # Pick the group the router did NOT put first: learning must move the similar need there.
        first_id = _first_group(card_of(before))
        chosen = "indkob" if first_id != "indkob" else "sikkerhed"
        [confirmed] = await bot.say(value={"action": "route_pick", "group": chosen, "need": NEED})
        assert confirmed["summary"].startswith("Kontakt ") and "text" not in confirmed and "Kontakt **" in fallback(confirmed)
        [after] = await bot.say(value={"action": "route", "need": SIMILAR})
        assert _first_group(card_of(after)) == chosen, first_id
    finally:
        await bot.close()


def _first_group(card: dict) -> str:
    """The first group on a route card: its 👍 button or its first "Mente du …?" pick button names it."""
    for action in card.get("actions", []):
        data = action.get("data", {})
        if data.get("action") in ("route_pick", "route_feedback") and data.get("group"):
            return data["group"]
    return ""
