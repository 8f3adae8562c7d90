"""groups-check: route every group's own examples and description sentences, and say in Danish what to fix."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .decision import group_probabilities
from ..content import ThemeGroups
from .router import Router

MIN_EXAMPLES = 3
NOWHERE = "(ingen bestemt gruppe)"
ATTRACTS_SHARE = 0.3     # a group that takes this share of the other groups' own text attracts everything


@dataclass(frozen=True)
class Stray:
    group_id: str
    text: str
    landed_in: str


@dataclass(frozen=True)
class CheckResult:
    ids: tuple[str, ...]
    names: tuple[str, ...]
    confusion: np.ndarray              # own text of row group -> first choice column group
    strays: tuple[Stray, ...]
    thin: tuple[str, ...]              # groups with fewer than MIN_EXAMPLES examples
    attractors: tuple[str, ...]        # groups that take many other groups' texts
    inseparable: tuple[str, ...]       # groups whose own text mostly lands elsewhere


def check_groups(router: Router) -> CheckResult:
    """Each piece is scored without itself (leave-one-out), so a group is judged on the rest of its text."""
    model = router.evidence_model
    n = len(router.groups)
    confusion = np.zeros((n, n), dtype=np.int64)
    strays: list[Stray] = []
    for j, piece in enumerate(model.pieces):
        if piece.kind == "name":
            continue
        ev = model.evidence(piece.text, model.vectors[j], exclude=j)
        _, p = group_probabilities(ev.features, router.calibration)
        first = int(np.argmax(p))
        if n > 1 and np.sort(p)[-1] - np.sort(p)[-2] < 1e-3:   # a tie: the text points nowhere in particular
            strays.append(Stray(router.groups[piece.group].id, piece.text, NOWHERE))
            continue
        confusion[piece.group, first] += 1
        if first != piece.group:
            strays.append(Stray(router.groups[piece.group].id, piece.text, router.groups[first].id))
    ids = tuple(g.id for g in router.groups)
    own = confusion.sum(axis=1) + np.array([sum(s.group_id == i and s.landed_in == NOWHERE for s in strays) for i in ids])
    inseparable = tuple(ids[i] for i in range(n) if own[i] and confusion[i, i] * 2 < own[i])
    taken = Counter(s.landed_in for s in strays if s.landed_in != NOWHERE)
    others = own.sum()
    attractors = tuple(g for g, k in taken.items() if n > 2 and k >= max(3, ATTRACTS_SHARE * (others - own[ids.index(g)])))
    thin = tuple(g.id for g in router.groups if len(g.examples) < MIN_EXAMPLES)
    return CheckResult(ids, tuple(g.name for g in router.groups), confusion, tuple(strays), thin, attractors, inseparable)


MAX_PAIRS = 8   # the pairs in the matrix; every stray text is listed below it anyway


def render_check(result: CheckResult) -> str:
    ids, confusion = result.ids, result.confusion
    lines = [f"Tjek af {len(ids)} temagrupper: hver gruppes egne eksempler og beskrivelsessætninger er sendt gennem routeren."]
    pairs = sorted(((confusion[a, b] + confusion[b, a], a, b) for a in range(len(ids)) for b in range(a + 1, len(ids))
                    if confusion[a, b] + confusion[b, a]), reverse=True)
    lines += ["", "Grupper, som routeren blander sammen:"]
    if not pairs:
        lines.append("  Ingen – alle tekster lander i deres egen gruppe.")
    else:
        width = max(len(i) for i in ids)
        top = pairs[:MAX_PAIRS]
        shown = sorted({x for _, a, b in top for x in (a, b)})
        # Whole ids as column heads ("brugeruddannelse", not "brugerudda"), each column as wide as its id.
        lines.append("  " + " " * width + "  → " + "  ".join(ids[c] for c in shown))
        for r in shown:
            lines.append(f"  {ids[r]:<{width}}    " + "  ".join(f"{confusion[r, c]:>{len(ids[c])}}" for c in shown))
        for total, a, b in top:
            texts = "1 tekst lander" if total == 1 else f"{total} tekster lander"
            lines.append(f"  • {ids[a]} og {ids[b]}: {texts} i den anden gruppe.")
        if len(pairs) > len(top):
            lines.append(f"  • … og {len(pairs) - len(top)} par mere, som listen nedenfor viser.")
    if result.strays:
        lines += ["", "Eksempler og sætninger, der lander i en anden gruppe:"]
        lines += [f"  • [{s.group_id}] «{s.text}» → {s.landed_in}" for s in result.strays]
    if result.thin:
        lines += ["", "Grupper med for få eksempler (under {}):".format(MIN_EXAMPLES)]
        lines += [f"  • {g}" for g in result.thin]
    if result.attractors:
        lines += ["", "Grupper, hvis tekst tiltrækker alt:"]
        lines += [f"  • {g}: beskrivelsen er så bred, at andre gruppers behov lander her." for g in result.attractors]
    lines += ["", "Råd:"]
    if result.strays or result.inseparable:
        lines.append("  • Tilføj eksempler med medarbejdernes egne ord – konkrete behov, som kun denne gruppe tager sig af.")
        lines.append("  • Skriv beskrivelsen om emnet, ikke som spørgsmål («Hvad må vi …?»), og undgå ord, som alle grupper deler.")
    if result.thin:
        lines.append(f"  • Giv hver gruppe mindst {MIN_EXAMPLES}–5 eksempler; grupper uden eksempler kendes kun på navn og beskrivelse.")
    if result.attractors:
        lines.append("  • Gør brede beskrivelser smallere, eller del gruppen op, så den ikke tager andres behov.")
    if not (result.strays or result.thin or result.attractors):
        lines.append("  • Intet at rette. Prøv også `python -m bot route` med et par rigtige behov fra kollegerne.")
    if result.inseparable:
        lines += ["", "FEJL: Disse grupper kan ikke skelnes fra de andre (det meste af deres egen tekst lander andetsteds): "
                  + ", ".join(result.inseparable)]
    else:
        lines += ["", "OK: Alle grupper kan skelnes."]
    return "\n".join(lines)


def render_reach(groups: ThemeGroups) -> str:
    """What a user would miss in a reply: no channel to post in, no e-mail to write to, keys nothing reads."""
    lines: list[str] = []
    no_channel = [g.id for g in groups.groups if not g.channel]
    no_email = [g.id for g in groups.groups if not g.contact.email]
    if no_channel:
        lines += ["Grupper uden Teams-kanal (svaret viser så kun kontaktpersonen):"] + [f"  • {g}" for g in no_channel]
    if no_email:
        lines += ["Kontaktpersoner uden e-mail (svaret viser så kun et navn):"] + [f"  • {g}" for g in no_email]
    if groups.fallback is None:
        lines.append("Ingen «fallback»: når ingen gruppe passer, kan botten ikke nævne en kontakt.")
    elif not (groups.fallback.channel or (groups.fallback.contact and groups.fallback.contact.email)):
        lines.append("«fallback» har hverken Teams-kanal eller en kontakt med e-mail: svaret kan ikke vise, hvor man skriver.")
    if groups.ignored:
        lines += ["Nøgler, som ikke bruges (står de under den rigtige nøgle?):"] + [f"  • {k}" for k in groups.ignored]
    return "\n".join(["", "", "Bemærk:", *lines]) if lines else ""
