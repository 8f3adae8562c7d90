"""What the bot says: each reply as Markdown text and as an Adaptive Card, in Danish."""
from __future__ import annotations

from typing import Any, Sequence

from index.chunking import PATH_SEPARATOR

from . import cards as c
from .answering import Answer
from .content import Fallback
from .model import Reply
from .route_views import and_list, fallback_lines, groups_list_reply, route_pick_reply, route_reply

# The routing replies live in route_views; callers reach every reply through views.
__all__ = ["COMMANDS_HELP", "answer_reply", "chunk_reply", "decline_reply", "feedback_block",
           "feedback_thanks_reply", "groups_list_reply", "help_reply", "route_pick_reply", "route_reply",
           "text_reply", "themes_reply", "welcome_reply"]

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
        lines += ["", f"KL's materiale nævner {and_list(f'**{key}**' for key in answer.rows)}, men kun i tabellen «{where}» "
                      f"({hit.title}):", hit.text]
    if suggestions:
        lines += ["", "Måske kan en temagruppe hjælpe:"] + [f"- **{m.group.name}** – {m.group.contact.name}" for m in suggestions]
    else:
        lines += [""] + fallback_lines(fallback)
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
