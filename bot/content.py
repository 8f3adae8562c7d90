"""Theme groups and dialogue question sets from YAML, validated with errors naming file and key."""
from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EXAMPLE_CHARS = 300
GROUP_KEYS = ("id", "name", "description", "examples", "contact", "channel")
log = logging.getLogger(__name__)


class ContentError(ValueError):
    """A content file is unusable; the message names the file and the key."""


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""


@dataclass(frozen=True)
class ThemeGroup:
    id: str
    name: str
    description: str
    examples: tuple[str, ...]
    contact: Contact
    channel: str = ""


@dataclass(frozen=True)
class Fallback:
    name: str
    contact: Contact | None = None
    channel: str = ""


@dataclass(frozen=True)
class ThemeGroups:
    groups: tuple[ThemeGroup, ...]
    fallback: Fallback | None
    source: Path
    ignored: tuple[str, ...] = ()   # keys the file has that nothing reads ("theme_groups[0].contact.channel")


@dataclass(frozen=True)
class DialogueQuestion:
    text: str
    context: str = ""
    case: str = ""


@dataclass(frozen=True)
class DialogueSet:
    id: str
    title: str
    description: str
    source: str
    questions: tuple[DialogueQuestion, ...]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A key written twice in one mapping is an error: YAML would silently keep only the last value."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue   # "<<: *defaults" merges; a complex key is refused by the base class
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is written twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Reader:
    """Typed access to parsed YAML that reports 'file: key.path: problem'."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.item = ""   # which list item is read, as a person counts it: "group 2, id 'drift'"
        self.ignored: list[str] = []

    def fail(self, key: str, problem: str) -> ContentError:
        return ContentError(f"{self.path}: {key}: {problem}{f' [{self.item}]' if self.item else ''}")

    def load(self) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError(f"{self.path}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ContentError(f"{self.path}: cannot read ({exc})") from None
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 1})" if where else ""
            problem = str(getattr(exc, "problem", exc))
            hint = "; indent with spaces, not tabs" if "\\t" in problem or "\t" in problem else ""
            raise ContentError(f"{self.path}: not valid YAML{line}: {problem}{hint}") from None
        if data is None:
            raise ContentError(f"{self.path}: the file is empty")
        return data

    def keys(self, data: dict, known: tuple[str, ...], key: str) -> None:
        """A misspelt key ("exampels") is an error, as its value would be lost; other extra keys are noted."""
        for name in data:
            if name in known:
                continue
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.75)
            where = f"{key}.{name}" if key else str(name)
            if close:
                raise self.fail(where, f"unknown key; did you mean {close[0]!r}?")
            log.warning("%s: %s: unknown key, ignored (known: %s)", self.path, where, ", ".join(known))
            self.ignored.append(f"{where}{f' [{self.item}]' if self.item else ''}")

    def mapping(self, value: Any, key: str) -> dict:
        if value is None:
            raise self.fail(key, "is missing or empty")
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping (got {type(value).__name__})")
        return value

    def items(self, value: Any, key: str, minimum: int = 1) -> list:
        if not isinstance(value, list) or len(value) < minimum:
            raise self.fail(key, f"must be a list with at least {minimum} item(s)")
        return value

    def text(self, data: dict, key: str, path: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(f"{path}.{key}" if path else key, "is missing or empty")
            return ""
        if not isinstance(value, (str, int, float)):
            raise self.fail(f"{path}.{key}" if path else key, "must be text")
        return " ".join(str(value).split())

    def contact(self, value: Any, path: str) -> Contact:
        data = self.mapping(value, path)
        self.keys(data, ("name", "email"), path)
        email = self.text(data, "email", path, required=False)
        if email and not _EMAIL_RE.match(email):
            raise self.fail(f"{path}.email", f"is not an e-mail address: {email!r}")
        return Contact(self.text(data, "name", path), email)


def load_theme_groups(path: Path) -> ThemeGroups:
    reader = _Reader(path)
    root = reader.mapping(reader.load(), "(top level)")
    reader.keys(root, ("theme_groups", "fallback"), "")
    if "theme_groups" not in root:
        raise reader.fail("theme_groups", f"is missing (the file has: {', '.join(map(str, root)) or 'nothing'})")
    groups: list[ThemeGroup] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(reader.items(root.get("theme_groups"), "theme_groups")):
        key = f"theme_groups[{i}]"
        named = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
        reader.item = f"group {i + 1}" + (f", id {named!r}" if named else "")
        data = reader.mapping(item, key)
        reader.keys(data, GROUP_KEYS, key)
        group_id = reader.text(data, "id", key)
        if not _ID_RE.match(group_id):
            raise reader.fail(f"{key}.id", f"must be letters, digits, '-', '_' or '.' (got {group_id!r})")
        if group_id in seen:
            raise reader.fail(f"{key}.id", f"{group_id!r} is already the id of group {seen[group_id] + 1}; "
                                           f"each group needs an id of its own")
        seen[group_id] = i
        examples = data.get("examples") or []
        if not isinstance(examples, list) or not all(isinstance(e, (str, int, float)) for e in examples):
            raise reader.fail(f"{key}.examples", "must be a list of short texts")
        for j, example in enumerate(examples):
            # Routing compares a need with each example: a pasted paragraph matches everything a little.
            if len(str(example)) > MAX_EXAMPLE_CHARS:
                raise reader.fail(f"{key}.examples[{j}]", f"is {len(str(example))} characters; write one short need "
                                                           f"(at most {MAX_EXAMPLE_CHARS}) per example")
        groups.append(ThemeGroup(
            id=group_id,
            name=reader.text(data, "name", key),
            description=reader.text(data, "description", key),
            examples=tuple(" ".join(str(e).split()) for e in examples if str(e).strip()),
            contact=reader.contact(data.get("contact"), f"{key}.contact"),
            channel=reader.text(data, "channel", key, required=False),
        ))
    reader.item = ""
    fallback = None
    if root.get("fallback") is not None:
        data = reader.mapping(root["fallback"], "fallback")
        reader.keys(data, ("name", "contact", "channel"), "fallback")
        fallback = Fallback(
            name=reader.text(data, "name", "fallback"),
            contact=reader.contact(data["contact"], "fallback.contact") if data.get("contact") else None,
            channel=reader.text(data, "channel", "fallback", required=False),
        )
    return ThemeGroups(tuple(groups), fallback, path, tuple(reader.ignored))


def load_dialogues(path: Path) -> tuple[DialogueSet, ...]:
    reader = _Reader(path)
    root = reader.mapping(reader.load(), "(top level)")
    reader.keys(root, ("dialogues",), "")
    sets: list[DialogueSet] = []
    seen: set[str] = set()
    for i, item in enumerate(reader.items(root.get("dialogues"), "dialogues")):
        key = f"dialogues[{i}]"
        data = reader.mapping(item, key)
        reader.keys(data, ("id", "title", "description", "source", "questions"), key)
        set_id = reader.text(data, "id", key)
        if set_id in seen:
            raise reader.fail(f"{key}.id", f"{set_id!r} is used twice")
        seen.add(set_id)
        questions = []
        for j, q in enumerate(reader.items(data.get("questions"), f"{key}.questions")):
            qkey = f"{key}.questions[{j}]"
            qdata = {"text": q} if isinstance(q, str) else reader.mapping(q, qkey)
            reader.keys(qdata, ("text", "context", "case"), qkey)
            questions.append(DialogueQuestion(reader.text(qdata, "text", qkey),
                                              reader.text(qdata, "context", qkey, required=False),
                                              reader.text(qdata, "case", qkey, required=False)))
        sets.append(DialogueSet(set_id, reader.text(data, "title", key),
                                reader.text(data, "description", key, required=False),
                                reader.text(data, "source", key, required=False), tuple(questions)))
    return tuple(sets)
