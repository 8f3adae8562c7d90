"""What the bot says: each reply as Markdown text and as an Adaptive Card, in Danish."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from index.chunking import PATH_SEPARATOR

from . import cards as c
from .answering import Answer
from .content import Fallback, ThemeGroup
from .model import Reply

COMMANDS_HELP = [
    ("spørg …", "Stil et spørgsmål til KL's materiale (eller skriv bare spørgsmålet)"),
    ("hvem kan hjælpe med …", "Find den rette temagruppe til jeres behov"),
    ("temagrupper", "Se alle temagrupper med kontakt og kanal"),
    ("temaer", "Se hvilke temaer materialet dækker"),
    ("dialog", "Se spørgsmålssæt til en guidet dialog"),
    ("dialog N", "Start spørgsmålssæt nummer N (dialog N anonym: svar uden navne)"),
    ("næste · tilbage · spring over", "Styr dialogen (facilitatoren)"),
    ("status · afslut", "Se hvor I er, eller afslut og få en opsummering"),
]


def _source(hit) -> str:
    return PATH_SEPARATOR.join(p for p in (hit.title, hit.section) if p)


def help_reply(greeting: str = "") -> Reply:
    intro = greeting or "Her er, hvad jeg kan:"
    lines = [intro, ""] + [f"- **{cmd}** – {what}" for cmd, what in COMMANDS_HELP]
    body = [c.heading("Sparringsbot"), c.paragraph(intro), c.facts(COMMANDS_HELP)]
    actions = [c.submit("Vis temagrupper", {"command": "temagrupper"}),
               c.submit("Guidet dialog", {"command": "dialog"}),
               c.submit("Temaer i materialet", {"command": "temaer"})]
    return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="help")


def welcome_reply() -> Reply:
    return help_reply("Hej! Jeg er Sparringsbot. Jeg giver sparring om organisering, styring, udvikling og "
                      "finansiering af digitalisering ud fra KL's materiale, finder den rette temagruppe "
                      "og kan styre en guidet dialog i jeres team.")


def themes_reply(topics: Sequence[tuple[str, Sequence[str]]]) -> Reply:
    lines = ["Materialet dækker disse publikationer og temaer:", ""]
    body = [c.heading("Temaer i materialet")]
    for title, sections in topics:
        lines.append(f"**{title}**")
        lines.extend(f"- {s}" for s in sections)
        lines.append("")
        body.append(c.container([c.paragraph(f"**{title}**")] + [c.paragraph(f"- {s}") for s in sections], separator=True))
    body.append(c.paragraph("Skriv et spørgsmål med dine egne ord, fx *Hvordan finansierer andre kommuner innovation?*", subtle=True))
    return Reply("\n".join(lines).rstrip(), c.card(body, fallback="\n".join(lines)), kind="themes")


def _group_lines(group: ThemeGroup) -> list[str]:
    lines = [f"**{group.name}**", group.description]
    contact = group.contact.name + (f" ({group.contact.email})" if group.contact.email else "")
    lines.append(f"Kontakt: {contact}")
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


def _fallback_lines(fallback: Fallback | None) -> list[str]:
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
        lines = ["Jeg kan ikke se, at nogen af temagrupperne dækker det behov.", ""] + _fallback_lines(fallback)
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
    lines = [f"Tal med **{best.group.name}**.", ""] + _group_lines(best.group)
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


def _and(items: Iterable[str]) -> str:
    return _joined(items, "og")


def _button_title(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def route_pick_reply(group: ThemeGroup | None, fallback: Fallback | None) -> Reply:
    """The confirmation of a "Mente du …?" pick: whom to contact."""
    if group is None:
        lines = ["Så kender jeg ikke den rette gruppe.", ""] + _fallback_lines(fallback)
        return Reply("\n".join(lines), kind="route-picked", data={"group": None})
    lines = [f"Kontakt **{group.name}**: {_contact_text(group)}."]
    if group.channel:
        lines.append(f"Teams-kanal: {group.channel}")
    lines += ["", "Tak – jeg husker valget, så lignende behov finder vej hertil næste gang."]
    body = [c.heading(f"Kontakt {group.name}"), _group_block(group)]
    return Reply("\n".join(lines), c.card(body, fallback="\n".join(lines)), kind="route-picked",
                 data={"group": group.id}, summary=f"Kontakt {group.name}.")


def answer_reply(answer: Answer, rated: int = 0, message_id: str = "") -> Reply:
    best = answer.best
    assert best is not None
    source = _source(best)
    # A list, count or row question is answered from a table's rows: say so.
    quoted = "Fra tabellen" if ":table:" in best.chunk_id else "Fra materialet"
    lines = [f"**Kort svar:** {answer.short_answer}", "", f"**{quoted}:**", best.text, "", f"_Kilde: {source}_"]
    if answer.related:
        lines += ["", "Læs også:"] + [f"- {_source(h)}" for h in answer.related]
    body = [
        c.heading("Kort svar", "Default"),
        c.paragraph(answer.short_answer),
        c.container([c.paragraph(f"**{quoted}**"), c.paragraph(best.text)], style="emphasis", separator=True),
        c.paragraph(f"Kilde: {source}", subtle=True),
    ]
    question = answer.question[:500]
    chunk_ids = [h.chunk_id for h in answer.hits]
    actions = []
    if len(answer.hits) > 1:
        actions.append(c.show_card(f"Flere kilder ({len(answer.hits) - 1})", [
            c.container([c.paragraph(f"**{_source(h)}**"), c.paragraph(_excerpt(h.text))], separator=True)
            for h in answer.hits[1:]]))
    for hit in answer.related[:2]:
        actions.append(c.submit(f"Læs om: {_short(hit.section or hit.title)}", {"action": "show_chunk", "chunk_id": hit.chunk_id}))
    # The passage's section says what the question is about: routed together, they give one recommendation.
    actions.append(c.submit("Find en temagruppe", {"action": "route", "need": question, "section": best.section[:300]}))
    body.append(feedback_block(question, chunk_ids, rated, message_id))
    return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="answer", data=answer.to_json(),
                 summary=answer.short_answer)


def feedback_block(question: str, chunk_ids: list[str], rated: int = 0, message_id: str = "") -> dict:
    """👍/👎 as Action.Execute (the thank-you replaces the buttons in place), or the thank-you once rated."""
    if rated:
        return c.paragraph("Tak – du svarede 👍" if rated > 0 else "Tak – du svarede 👎", subtle=True)
    data = {"action": "feedback", "question": question, "chunk_ids": chunk_ids}
    if message_id:
        data["message_id"] = message_id   # lets a deleted question be removed from the feedback log
    return {"type": "ActionSet", "actions": [
        c.execute("👍 Brugbart", "feedback", {**data, "rating": 1}),
        c.execute("👎 Ikke brugbart", "feedback", {**data, "rating": -1}),
    ]}


def feedback_thanks_reply(rating: int) -> Reply:
    """When the answer card cannot be rebuilt (its passages left the material): a small card in its place."""
    text = "Tak – du svarede 👍" if rating > 0 else "Tak – du svarede 👎"
    return Reply(text, c.card([c.paragraph(text)], fallback=text), kind="feedback", summary=text, replaces_clicked=True)


def chunk_reply(hit) -> Reply:
    source = _source(hit)
    text = f"**{source}**\n\n{hit.text}"
    body = [c.heading(_short(hit.section or hit.title), "Default"), c.paragraph(hit.text), c.paragraph(f"Kilde: {source}", subtle=True)]
    return Reply(text, c.card(body, fallback=text), kind="source")


_DECLINE_SUMMARY = "Det kan jeg desværre ikke finde et godt svar på i KL's materiale."
_DECLINE_HINT = " Jeg vil hellere sige det ærligt end vise dig noget, der ikke passer."
_WRITE_SUMMARY = "Jeg kan ikke skrive eller lave dokumenter for jer."
_WRITE_HINT = " Jeg finder og citerer det, KL's materiale siger – spørg fx *Hvad skal en god business case indeholde?*"


# Declines that are a line of advice, not a search that found nothing: no card, no theme groups.
_ADVICE = {
    "empty": "Skriv dit spørgsmål som en besked, så finder jeg det, der passer i KL's materiale. Skriv **hjælp** for "
             "at se, hvad jeg kan.",
    "link": "Jeg kan ikke åbne links. Skriv dit spørgsmål med dine egne ord, så finder jeg det, der passer i KL's "
            "materiale – fx *Hvordan finansierer andre kommuner innovation?*",
}


def decline_reply(answer: Answer, suggestions: Sequence[Any], fallback: Fallback | None) -> Reply:
    if answer.reason in _ADVICE:
        return Reply(_ADVICE[answer.reason], kind="decline", data=answer.to_json())
    writing = answer.reason == "write-request"
    summary = _WRITE_SUMMARY if writing else _DECLINE_SUMMARY
    lines = [summary + (_WRITE_HINT if writing else _DECLINE_HINT)]
    if answer.reason == "listed" and answer.hits:
        # What the question names is only a table row: say so, and show the row, which is all KL says.
        hit = answer.hits[0]
        where = hit.section.split(PATH_SEPARATOR)[-1].strip() or hit.title
        lines += ["", f"KL's materiale nævner {_and(f'**{key}**' for key in answer.rows)}, men kun i tabellen «{where}» "
                      f"({hit.title}):", hit.text]
    if suggestions:
        lines += ["", "Måske kan en temagruppe hjælpe:"] + [f"- **{m.group.name}** – {m.group.contact.name}" for m in suggestions]
    else:
        lines += [""] + _fallback_lines(fallback)
    lines += ["", "Prøv også at formulere spørgsmålet anderledes, eller skriv **temaer** for at se, hvad materialet dækker."]
    body = [c.heading("Det skriver jeg ikke" if writing else "Intet godt svar i materialet", "Default"),
            c.paragraph("\n\n".join(line for line in lines if line))]
    actions = [c.submit("Se temagrupper", {"command": "temagrupper"}), c.submit("Temaer i materialet", {"command": "temaer"})]
    return Reply("\n".join(lines), c.card(body, actions, "\n".join(lines)), kind="decline", data=answer.to_json(),
                 summary=summary)


def text_reply(text: str, kind: str = "message") -> Reply:
    return Reply(text, kind=kind)


def _short(text: str, limit: int = 40) -> str:
    last = text.split(PATH_SEPARATOR)[-1]
    return last if len(last) <= limit else last[: limit - 1] + "…"


def _excerpt(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
