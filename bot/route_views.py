"""What the bot says about theme groups: a recommendation, "Mente du …?", the fallback contact, the list."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from . import cards as c
from .content import Fallback, ThemeGroup
from .model import Reply


def _group_lines(group: ThemeGroup) -> list[str]:
    lines = [f"**{group.name}**", group.description, f"Kontakt: {_contact_text(group)}"]
    if group.channel:
        lines.append(f"Teams-kanal: {group.channel}")
    return lines


def _group_block(group: ThemeGroup, reason: str = "") -> dict:
    items = [c.paragraph(f"**{group.name}**"), c.paragraph(group.description)]
    if reason:
        items.append(c.user_text(f"«{reason}»", prefix="Minder om: ", subtle=True))
    pairs = [("Kontakt", group.contact.name)]
    if group.contact.email:
        pairs.append(("E-mail", group.contact.email))
    if group.channel:
        pairs.append(("Teams-kanal", group.channel))
    items.append(c.facts(pairs))
    return c.container(items, separator=True)


def groups_list_reply(groups: Sequence[ThemeGroup]) -> Reply:
    lines = ["Temagrupperne:", ""]
    for group in groups:
        lines += _group_lines(group) + [""]
    body = [c.heading("Temagrupper")] + [_group_block(g) for g in groups]
    return Reply("\n".join(lines).rstrip(), c.card(body, fallback="\n".join(lines)), kind="groups")


def fallback_lines(fallback: Fallback | None) -> list[str]:
    if not fallback:
        return ["Kontakt jeres digitaliseringsenhed, så finder de den rette person."]
    line = f"Kontakt **{fallback.name}**"
    if fallback.contact:
        # "Kontakt **Digitaliseringssekretariatet**: Digitaliseringssekretariatet" says one name twice.
        if fallback.contact.name.strip().lower() != fallback.name.strip().lower():
            line += f": {fallback.contact.name}"
        if fallback.contact.email:
            line += f" ({fallback.contact.email})"
    lines = [line]
    if fallback.channel:
        lines.append(f"Teams-kanal: {fallback.channel}")
    return lines


def _contact_text(group: ThemeGroup) -> str:
    return group.contact.name + (f" ({group.contact.email})" if group.contact.email else "")


def route_reply(need: str, matches: Sequence[Any], fallback: Fallback | None) -> Reply:
    """matches: GroupMatch items with .group, .score and .reason, best first: one when the router is sure,
    2-3 when it asks "Mente du …?", none for the fallback contact."""
    data = {"need": need, "groups": [{"id": m.group.id, "name": m.group.name, "score": round(m.score, 4)} for m in matches]}
    if not matches:
        lines = ["Jeg kan ikke se, at nogen af temagrupperne dækker det behov.", ""] + fallback_lines(fallback)
        body = [c.heading("Ingen temagruppe passer helt"), c.user_text(need, prefix="Dit behov: ", subtle=True),
                c.paragraph("\n\n".join(line for line in lines if line))]
        actions = [c.submit("Se alle temagrupper", {"command": "temagrupper"})]
        return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="route", data=data,
                     summary="Ingen temagruppe passer helt – her er, hvem du kan kontakte.")
    kept = need[:500]
    if len(matches) > 1:
        lines = ["Mente du …?", ""]
        for number, match in enumerate(matches, start=1):
            lines.append(f"{number}. **{match.group.name}** – kontakt: {_contact_text(match.group)}")
            if match.reason:
                lines.append(f"   Minder om: «{match.reason}»")
        lines += ["", "Vælg den gruppe, der passer bedst, så husker jeg det til næste gang."]
        body = [c.heading("Mente du …?"), c.user_text(need, prefix="Dit behov: ", subtle=True)]
        body += [_group_block(m.group, m.reason) for m in matches]
        actions = [c.submit(_button_title(m.group.name), {"action": "route_pick", "group": m.group.id, "need": kept})
                   for m in matches]
        actions.append(c.submit("Ingen af dem", {"action": "route_pick", "group": "", "need": kept}))
        return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="route-ask", data=data,
                     summary=f"Mente du {_either(m.group.name for m in matches)}?")
    best = matches[0]
    # The name is said once: "Tal med **X**." and then what X does (no second **X** heading).
    lines = [f"Tal med **{best.group.name}**.", ""] + _group_lines(best.group)[1:]
    if best.reason:
        lines.append(f"Minder om: «{best.reason}»")
    body = [c.heading("Den rette temagruppe"), c.user_text(need, prefix="Dit behov: ", subtle=True),
            _group_block(best.group, best.reason)]
    actions = [c.submit("👍 Det passer", {"action": "route_feedback", "group": best.group.id, "need": kept, "rating": 1}),
               c.submit("👎 Passer ikke", {"action": "route_feedback", "group": best.group.id, "need": kept, "rating": -1})]
    return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="route", data=data,
                 summary=f"Tal med {best.group.name}.")


def _joined(items: Iterable[str], last: str) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def _either(names: Iterable[str]) -> str:
    """«A», «B» eller «C»: names with commas and "og" of their own stay readable."""
    return _joined((f"«{name}»" for name in names), "eller")


def and_list(items: Iterable[str]) -> str:
    return _joined(items, "og")


def _button_title(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def route_pick_reply(group: ThemeGroup | None, fallback: Fallback | None) -> Reply:
    """The confirmation of a "Mente du …?" pick: whom to contact."""
    if group is None:
        lines = ["Så kender jeg ikke den rette gruppe.", ""] + fallback_lines(fallback)
        return Reply("\n".join(lines), kind="route-picked", data={"group": None})
    lines = [f"Kontakt **{group.name}**: {_contact_text(group)}."]
    if group.channel:
        lines.append(f"Teams-kanal: {group.channel}")
    lines += ["", "Tak – jeg husker valget, så lignende behov finder vej hertil næste gang."]
    body = [c.heading(f"Kontakt {group.name}"), _group_block(group)]
    return Reply("\n".join(lines), c.card(body, fallback="\n".join(lines)), kind="route-picked",
                 data={"group": group.id}, summary=f"Kontakt {group.name}.")
