"""Question cards in their states (facilitator / participant / answered / closed), updates in place, anonymous mode."""
from bot import dialogue as engine
from bot.model import Turn


def turn(text="", user="anna", name="Anna", value=None, invoke=False, is_group=True, message_id="", reply_to_id=""):
    return Turn(text, "c1", user, name, value, is_group=is_group, message_id=message_id, invoke=invoke,
                reply_to_id=reply_to_id)


def actions(card):
    """Every action of a card: the card's own and those of its ActionSets."""
    found = list(card.get("actions", []))
    for block in card["body"]:
        if block.get("type") == "ActionSet":
            found += block["actions"]
    return found


def titles(card):
    return [a["title"] for a in actions(card)]


def send_svar(card):
    return next(a for a in actions(card) if a["title"] == "Send svar")


async def start(assistant, text="dialog 1", is_group=True):
    [reply] = await assistant.handle(turn(text, is_group=is_group))
    await assistant.remember("c1", reply.track, "msg-q1")   # the id Teams returned for the card
    return reply


async def test_group_question_card_everyone_view_and_refresh_for_facilitator(assistant):
    reply = await start(assistant)
    card = reply.card
    assert titles(card) == ["Send svar"]                       # participants: no steering buttons
    [answer_input] = [b for b in card["body"] if b.get("type") == "Input.Text"]
    assert answer_input["isMultiline"] and answer_input["id"] == "answer"
    action = send_svar(card)
    assert action["type"] == "Action.Execute" and action["verb"] == "answer"
    assert card["refresh"]["userIds"] == ["anna"] and card["refresh"]["action"]["type"] == "Action.Execute"
    assert reply.summary.startswith("Spørgsmål 1 af 3") and reply.track
    # The facilitator's Teams asks for its own view: the steering buttons.
    refresh = card["refresh"]["action"]["data"]
    [mine] = await assistant.handle(turn(value=refresh, invoke=True))
    assert mine.replaces_clicked and {"Send svar", "Næste"} <= set(titles(mine.card))
    assert "Afslut" in titles(mine.card) and "Tilbage" not in titles(mine.card)
    # Anybody else asking gets the participant view.
    [other] = await assistant.handle(turn(value=refresh, user="bo", name="Bo", invoke=True))
    assert titles(other.card) == ["Send svar"]


async def test_personal_chat_card_shows_buttons_directly(assistant):
    reply = await start(assistant, is_group=False)
    assert "Næste" in titles(reply.card) and "Send svar" in titles(reply.card)


async def test_answer_through_card_updates_in_place_and_can_be_corrected(assistant):
    reply = await start(assistant)
    data = dict(send_svar(reply.card)["data"], answer="Vi er mest drift")
    mine, update = await assistant.handle(turn(value=data, user="bo", name="Bo", invoke=True))
    # Bo sees the answered view with his text in the input; everybody's card says 1 har svaret.
    assert mine.replaces_clicked and "Dit svar er gemt – du kan rette det" in str(mine.card)
    assert next(b for b in mine.card["body"] if b.get("type") == "Input.Text")["value"] == "Vi er mest drift"
    assert update.update_id == "msg-q1" and "1 har svaret." in str(update.card)
    assert update.card["refresh"]["userIds"] == ["anna", "bo"]
    assert "Dit svar er gemt" not in str(update.card)           # the shared card shows nobody's answer
    # Correcting replaces the card answer instead of adding one.
    await assistant.handle(turn(value=dict(data, answer="Mest udvikling"), user="bo", name="Bo", invoke=True))
    [status] = await assistant.handle(turn("status"))
    assert status.data["answers_here"] == 1 and "Bo" in status.text
    # Another participant answers too: 2 har svaret.
    _, update = await assistant.handle(turn(value=dict(data, answer="Begge dele"), user="cy", name="Cy", invoke=True))
    assert "2 har svaret." in str(update.card)
    *_, summary, markdown = await assistant.handle(turn("afslut"))
    assert "**Bo:** Mest udvikling" in markdown.text and "**Cy:** Begge dele" in markdown.text
    assert "Vi er mest drift" not in markdown.text


async def test_action_submit_answer_updates_the_shared_card_and_acks(assistant):
    reply = await start(assistant)
    data = dict(send_svar(reply.card)["data"], answer="Via Submit")
    update, ack = await assistant.handle(turn(value=data, user="bo", name="Bo", reply_to_id="msg-q1"))
    assert update.update_id == "msg-q1" and "Dit svar er gemt" not in str(update.card)
    assert ack.kind == "dialogue-ack" and "Bo" in ack.text


async def test_empty_card_answer_is_refused(assistant):
    reply = await start(assistant)
    # Action.Execute: the clicked card says so, for that person only (no message to the whole channel).
    [card] = await assistant.handle(turn(value=dict(send_svar(reply.card)["data"], answer="  "), invoke=True))
    assert card.replaces_clicked and "Skriv dit svar i feltet" in str(card.card) and send_svar(card.card)
    # Action.Submit (older clients): a message, as the card cannot be changed for one person.
    [refused] = await assistant.handle(turn(value=dict(send_svar(reply.card)["data"], answer="  ")))
    assert refused.kind == "dialogue-refused" and "tomt" in refused.text
    [status] = await assistant.handle(turn("status"))
    assert status.data["answers_here"] == 0


async def test_next_closes_the_old_card_and_posts_a_new_one(assistant):
    await start(assistant)
    closed, clicked, new = await assistant.handle(turn(value={"command": "næste"}, invoke=True))
    assert closed.update_id == "msg-q1" and clicked.replaces_clicked
    for card in (closed.card, clicked.card):
        assert not actions(card) and "refresh" not in card and "gået videre" in str(card)
        assert not [b for b in card["body"] if b.get("type") == "Input.Text"]
    assert new.kind == "dialogue" and new.data["position"] == 2
    await assistant.remember("c1", new.track, "msg-q2")
    # A typed command (no click) only updates the old card.
    closed, new = await assistant.handle(turn("tilbage"))
    assert closed.update_id == "msg-q2" and "tilbage" in str(closed.card) and new.data["position"] == 1


async def test_finished_dialogue_card_is_closed_and_old_clicks_get_closed_card(assistant):
    reply = await start(assistant)
    data = dict(send_svar(reply.card)["data"], answer="For sent")
    closed, summary, markdown = await assistant.handle(turn("afslut"))
    assert closed.update_id == "msg-q1" and "Dialogen er afsluttet" in str(closed.card) and not actions(closed.card)
    [late] = await assistant.handle(turn(value=data, user="bo", name="Bo", invoke=True))
    assert late.replaces_clicked and "Dialogen er afsluttet" in str(late.card) and not actions(late.card)
    assert "Ingen har svaret" not in str(late.card)   # the ended dialogue's count is not known: none is claimed
    [refresh] = await assistant.handle(turn(value=reply.card["refresh"]["action"]["data"], invoke=True))
    assert "Dialogen er afsluttet" in str(refresh.card)


async def test_mentioned_message_still_counts_and_updates_the_card(assistant):
    await start(assistant)
    ack, update = await assistant.handle(turn("Vi er drift", user="bo", name="Bo", message_id="m-bo"))
    assert ack.kind == "dialogue-ack" and update.update_id == "msg-q1" and "1 har svaret." in str(update.card)
    # The message is deleted in Teams: the answer goes.
    await assistant.forget_message("c1", "m-bo")
    [status] = await assistant.handle(turn("status"))
    assert status.data["answers_here"] == 0


async def test_anonymous_mode_hides_names_everywhere(assistant):
    reply = await start(assistant, "dialog 1 anonym")
    assert "anonyme" in str(reply.card) and "uden navne" in str(reply.card)
    data = send_svar(reply.card)["data"]
    await assistant.handle(turn(value=dict(data, answer="Hemmeligt svar"), user="bo", name="Bo", invoke=True))
    ack, *_ = await assistant.handle(turn("Også hemmeligt", user="cy", name="Cy"))
    assert ack.text.startswith("Tak – dit svar er noteret") and "Cy" not in ack.text
    [status] = await assistant.handle(turn("status"))
    assert "2 har svaret" in status.text and "Bo" not in status.text and "Cy" not in status.text
    running = await assistant.dialogue.running(turn())
    assert [a["name"] for a in running["answers"]["0"]] == ["", ""]     # names are not even stored
    *_, summary, markdown = await assistant.handle(turn("afslut"))
    for reply in (summary, markdown):
        shown = f"{reply.card} {reply.text} {reply.data}".replace("Bolder", "")
        assert "Bo" not in shown and "Cy" not in shown, shown
    assert "- Hemmeligt svar" in markdown.text and "Anonym dialog" in markdown.text


async def test_summary_marks_skipped_and_never_reached(assistant):
    await start(assistant)
    await assistant.handle(turn("spring over"))
    *_, summary, markdown = await assistant.handle(turn("afslut"))
    statuses = [item["status"] for item in summary.data["summary"]]
    assert statuses == ["skipped", "unanswered", "not_reached"]
    assert "_Sprunget over._" in markdown.text and "_Nåede I ikke til._" in markdown.text
    assert "Nåede I ikke til." in summary.card["fallbackText"]
    assert all(len(line) <= engine.MARKDOWN_WIDTH + 4 for line in markdown.data["markdown"].splitlines())


async def test_status_names_who_answered(assistant):
    await start(assistant)
    await assistant.handle(turn("Svar", user="bo", name="Bo"))
    [status] = await assistant.handle(turn("status"))
    assert "1 har svaret: Bo" in status.text


async def test_feedback_click_replaces_buttons_with_thanks(assistant):
    [answer] = await assistant.handle(turn("Hvordan deler Sorø og Ringsted lønudgiften?", message_id="q-1"))
    feedback = next(a for a in actions(answer.card) if a["title"].startswith("👍"))
    assert feedback["type"] == "Action.Execute" and feedback["data"]["message_id"] == "q-1"
    [rated] = await assistant.handle(turn(value=feedback["data"], invoke=True))
    assert rated.replaces_clicked and "Tak – du svarede 👍" in str(rated.card)
    assert not [a for a in actions(rated.card) if a["title"].startswith(("👍", "👎"))]
    assert rated.card["body"][1] == answer.card["body"][1]      # the short answer stays
    # The question is deleted in Teams: its text leaves the feedback log.
    await assistant.forget_message("c1", "q-1")
    assert "lønudgiften" not in str(assistant.feedback.report(10)).lower()


async def test_unknown_verb_is_not_a_question(assistant):
    [reply] = await assistant.handle(turn(value={"unknown_verb": "food"}, invoke=True))
    assert "Den knap kender jeg ikke" in reply.text


async def test_answer_on_the_card_of_a_question_left_behind(assistant):
    reply = await start(assistant)
    data = dict(send_svar(reply.card)["data"], answer="Sent svar")
    await assistant.handle(turn("næste"))
    [closed] = await assistant.handle(turn(value=data, user="bo", name="Bo", invoke=True))
    assert closed.replaces_clicked and "gået videre" in str(closed.card) and not actions(closed.card)
    [refused] = await assistant.handle(turn(value=data, user="bo", name="Bo"))
    assert refused.kind == "dialogue-refused"
    [status] = await assistant.handle(turn("status"))
    assert status.data["answers_total"] == 0


async def test_a_big_workshops_summary_comes_in_parts_teams_accepts(assistant):
    import json
    from bot.dialogue_views import MESSAGE_BUDGET
    await start(assistant)
    written = []
    for question in range(3):
        for person in range(40):   # the fixture reads 500 characters of a message
            text = f"Svar {question}-{person}: " + "vi skal prioritere fælles drift og data " * 11
            written.append(text)
            await assistant.handle(turn(text, user=f"u{person}", name=f"Deltager {person}"))
        await assistant.handle(turn("næste"))
    replies = await assistant.handle(turn("afslut"))
    cards = [r for r in replies if r.kind == "summary"]
    copies = [r for r in replies if r.kind == "summary-markdown"]
    assert len(cards) > 1 and len(copies) > 1
    assert all(len(json.dumps(r.card, ensure_ascii=False).encode()) <= MESSAGE_BUDGET + 2_000 for r in cards)
    assert all(len(r.text.encode()) <= MESSAGE_BUDGET + 200 for r in copies)
    shown = " ".join(json.dumps(r.card, ensure_ascii=False) for r in cards)
    missing = [t[:12] for t in written if t.strip() not in shown]   # every answer, in some part
    assert not missing
    assert "".join(r.text for r in copies).count("Svar ") >= len(written)


def test_a_cut_answer_says_how_much_was_kept():
    from bot.dialogue_views import answer_ack_reply
    assert f"de første {engine.MAX_ANSWER_CHARS} tegn" in answer_ack_reply("", 0, 1, cut=True).text
