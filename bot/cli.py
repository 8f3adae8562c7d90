"""Command line: python -m bot serve | ask | route | groups-check | chat | report | forget | purge | teams-package."""
from __future__ import annotations

import argparse
import asyncio
import re
import json
import os
import sys
from pathlib import Path

from index.documents import CorpusError
from index.embedders import EmbedderError, make_embedder
from index.store import IndexUnavailable

from .config import ConfigError, load_config
from .content import ContentError, load_theme_groups
from .logs import configure_logging
from .state import StateUnavailable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Sparringsbot: sparring from KL's material in Teams.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot service (POST /api/messages, GET /healthz)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3978)
    ask = sub.add_parser("ask", help="what the bot would answer, without Teams")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--file", type=Path, help="one question per line; one JSON object per line")
    ask.add_argument("question", nargs="*")
    route = sub.add_parser("route", help="which theme group fits a need")
    route.add_argument("--groups", type=Path, help="theme groups YAML (default: SPARRING_THEME_GROUPS or knowledge/)")
    route.add_argument("--json", action="store_true")
    route.add_argument("--file", type=Path, help="one need per line; one JSON array per line")
    route.add_argument("need", nargs="*")
    check = sub.add_parser("groups-check", help="check the theme groups before go-live: confused pairs, thin groups")
    check.add_argument("--groups", type=Path, help="theme groups YAML (default: SPARRING_THEME_GROUPS or knowledge/)")
    sub.add_parser("chat", help="talk to the assistant in the terminal")
    report = sub.add_parser("report", help="lowest-rated and unanswered questions: the knowledge gaps")
    report.add_argument("--limit", type=int, default=10)
    forget = sub.add_parser("forget", help="delete everything kept about one conversation")
    forget.add_argument("--conversation", required=True, help="the conversation id")
    purge = sub.add_parser("purge", help="delete state and feedback older than the retention period")
    purge.add_argument("--days", type=int, help="override SPARRING_RETENTION_DAYS")
    sub.add_parser("teams-package", help="build the Teams app package (see --help)", add_help=False)
    return parser


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None


def run_ask(config, args) -> int:
    from .answering import Answerer
    from .services import load_or_build_index
    from .views import answer_reply, decline_reply

    if not args.file and not args.question:
        raise ConfigError("give a question, or --file with one question per line")
    answerer = Answerer(load_or_build_index(config, make_embedder(config.index.embedder)))
    questions = _lines(args.file) if args.file else [" ".join(args.question)]
    for question in questions:
        answer = answerer.ask(question)
        if args.json or args.file:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            reply = answer_reply(answer) if answer.answered else decline_reply(answer, [], None)
            print(reply.text + "\n")
    return 0


def run_route(config, args) -> int:
    from .services import make_feedback, make_router

    if not args.file and not args.need:
        raise ConfigError("give a need, or --file with one need per line")
    groups = load_theme_groups(args.groups or config.theme_groups_path)
    router = make_router(config, groups, make_embedder(config.index.embedder), make_feedback(config))
    needs = _lines(args.file) if args.file else [" ".join(args.need)]
    for need in needs:
        matches = router.route(need)
        if args.json or args.file:
            print(json.dumps([{"id": m.group.id, "name": m.group.name, "score": round(m.score, 4)} for m in matches],
                             ensure_ascii=False), flush=True)
        elif not matches:
            print("No theme group fits." + (f" Fallback: {groups.fallback.name}" if groups.fallback else ""))
        else:
            for m in matches:
                print(f"{m.score:.3f}  {m.group.id:<20} {m.group.name}  ({m.reason})")
    return 0


async def run_chat(config) -> int:
    from .model import Turn
    from .services import build_services

    services = build_services(config)
    print("Sparringsbot i terminalen. Skriv 'hjælp' for kommandoer, Ctrl-D for at stoppe.\n")
    for reply in services.assistant.welcome():
        print(reply.text + "\n")
    while True:
        try:
            text = await asyncio.to_thread(input, "> ")
        except EOFError:
            print()
            return 0
        text = re.sub(r"<at>[^<]*</at>", " ", text)   # pasted from Teams: the @mention is not the message
        for reply in await services.assistant.handle(Turn(text, "terminal", "terminal-user", "Du")):
            print("\n" + reply.text + "\n")


def run_groups_check(config, args) -> int:
    from .routing.check import check_groups, render_check, render_reach
    from .services import make_router

    groups = load_theme_groups(args.groups or config.theme_groups_path)
    result = check_groups(make_router(config, groups, make_embedder(config.index.embedder)))
    print(render_check(result) + render_reach(groups))
    return 1 if result.inseparable else 0


async def run_privacy(config, args) -> int:
    from .privacy import forget_conversation, purge_expired
    from .services import make_feedback, make_storage

    storage, feedback = make_storage(config), make_feedback(config)
    if args.command == "forget":
        counts = await forget_conversation(args.conversation, storage, feedback)
    else:
        days = args.days if args.days is not None else config.retention_days
        if days < 1:
            raise ConfigError(f"--days must be at least 1 (got {days})")
        counts = await purge_expired(days, storage, feedback)
    print(json.dumps(counts))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["teams-package"]:
        from .teams_package import main as package_main
        return package_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        config = load_config()
        # Terminal tools keep the screen for the conversation: only warnings, unless asked for more.
        level = config.log_level if args.command == "serve" or os.environ.get("SPARRING_LOG_LEVEL") else "WARNING"
        configure_logging(level, config.log_content)
        if args.command == "serve":
            from aiohttp import web

            from .app import create_app
            web.run_app(create_app(config), host=args.host, port=args.port, print=None, access_log=None)
            return 0
        if args.command == "ask":
            return run_ask(config, args)
        if args.command == "route":
            return run_route(config, args)
        if args.command == "chat":
            return asyncio.run(run_chat(config))
        if args.command == "groups-check":
            return run_groups_check(config, args)
        if args.command == "report":
            from .feedback import render_report
            from .routing.learning import render_learned
            from .services import make_feedback
            feedback = make_feedback(config)
            print(render_report(feedback.report(args.limit)) + "\n\n" + render_learned(feedback.learned()))
            return 0
        if args.command in ("forget", "purge"):
            return asyncio.run(run_privacy(config, args))
    except (ConfigError, ContentError, CorpusError, IndexUnavailable, EmbedderError, StateUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2
