"""Build the Teams app package (manifest.json, color.png, outline.png) for one deployment."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["TeamsPackageError", "build_teams_package", "main"]

#: Environment variable naming a directory with manifest.template.json,
#: color.png and outline.png (overrides the lookup of deploy/teams/).
ASSETS_ENV = "SPARRING_TEAMS_ASSETS_DIR"

TEMPLATE_NAME = "manifest.template.json"
ICON_NAMES = ("color.png", "outline.png")

# Placeholders in the template (the M365 Agents Toolkit's ${{NAME}} style).
_APP_ID = "${{TEAMS_APP_ID}}"
_BOT_ID = "${{BOT_ID}}"
_VERSION = "${{APP_VERSION}}"
_DOMAIN = "${{BOT_DOMAIN}}"
_PLACEHOLDER_RE = re.compile(r"\$\{\{[A-Za-z0-9_]+\}\}")

# The same patterns as the Teams manifest schema's "guid" and "semver".
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER_RE = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Fixed timestamp so that the same inputs give a byte-identical zip.
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


class TeamsPackageError(ValueError):
    """A value given for the Teams app package is malformed, or its assets are missing."""


def _check_app_id(app_id: object) -> str:
    if not isinstance(app_id, str) or not app_id.strip():
        raise TeamsPackageError(
            f"app id {app_id!r} is empty: expected the Application (client) ID of the bot's "
            "Entra ID app registration, a GUID like 12345678-90ab-cdef-1234-567890abcdef"
        )
    value = app_id.strip()
    if value.startswith("{") and value.endswith("}"):
        raise TeamsPackageError(
            f"app id {app_id!r} has braces: give the bare GUID, e.g. {value[1:-1]!r}"
        )
    if not _GUID_RE.match(value):
        raise TeamsPackageError(
            f"app id {app_id!r} is not a GUID: expected the Application (client) ID of the "
            "bot's Entra ID app registration, 8-4-4-4-12 hexadecimal digits like "
            "12345678-90ab-cdef-1234-567890abcdef"
        )
    if set(value) <= {"0", "-"}:
        raise TeamsPackageError(
            f"app id {app_id!r} is the all-zero placeholder GUID: use the Application "
            "(client) ID of the bot's Entra ID app registration"
        )
    return value.lower()


def _check_domain(domain: object) -> str:
    if not isinstance(domain, str):
        raise TeamsPackageError(f"domain {domain!r} is not a string: expected a host name like sparring.kommune.dk")
    value = domain.strip()
    if not value:
        raise TeamsPackageError(
            "domain is empty: give the bot's public host name like sparring.kommune.dk, or leave it out"
        )
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", value)
    if m:
        rest = value[m.end():].split("/", 1)[0]
        raise TeamsPackageError(
            f"domain {domain!r} has a scheme ({m.group(1)}://): drop the scheme and give only "
            f"the host name, e.g. {rest or 'sparring.kommune.dk'}"
        )
    if "/" in value or "?" in value or "#" in value:
        host = re.split(r"[/?#]", value, maxsplit=1)[0]
        raise TeamsPackageError(
            f"domain {domain!r} has a path: give only the host name, e.g. {host or 'sparring.kommune.dk'}"
        )
    if "@" in value:
        raise TeamsPackageError(f"domain {domain!r} contains '@': give only the host name, like sparring.kommune.dk")
    if ":" in value:
        host = value.split(":", 1)[0]
        raise TeamsPackageError(
            f"domain {domain!r} has a port (or is an IPv6 address): give only the host name, "
            f"e.g. {host or 'sparring.kommune.dk'} (validDomains take host names only)"
        )
    if "*" in value:
        raise TeamsPackageError(
            f"domain {domain!r} is a wildcard: give the one host name the bot is served on, like sparring.kommune.dk"
        )
    if any(c.isspace() for c in value):
        raise TeamsPackageError(
            f"domain {domain!r} contains white space: expected a host name like sparring.kommune.dk"
        )
    host = value[:-1] if value.endswith(".") else value
    try:
        # Internationalised names (e.g. "sorø.dk") become their xn-- form.
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise TeamsPackageError(
            f"domain {domain!r} is not a valid host name: expected dot-separated labels "
            "of letters, digits and hyphens, like sparring.kommune.dk"
        ) from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise TeamsPackageError(
            f"domain {domain!r} is not a valid host name: expected dot-separated labels "
            "of letters, digits and hyphens (1-63 characters each, not starting or ending "
            "with a hyphen), like sparring.kommune.dk"
        )
    if len(labels) < 2:
        raise TeamsPackageError(
            f"domain {domain!r} is not a fully qualified public host name: expected something "
            "like sparring.kommune.dk (Teams must reach the bot over the internet)"
        )
    if labels[-1].isdigit():
        raise TeamsPackageError(
            f"domain {domain!r} looks like an IP address: Teams needs a host name with a "
            "TLS certificate, like sparring.kommune.dk"
        )
    return ascii_host


def _check_version(version: object) -> str:
    if not isinstance(version, str) or not _SEMVER_RE.match(version.strip()):
        raise TeamsPackageError(
            f"version {version!r} is not a valid app version: expected MAJOR.MINOR.PATCH "
            "with plain numbers, like 1.0.0 (raise it for every new upload to Teams)"
        )
    return version.strip()


def _check_out(out: object) -> Path:
    if not isinstance(out, (str, os.PathLike)) or not os.fspath(out):
        raise TeamsPackageError(
            f"output path {out!r} is empty: expected a file name ending in .zip, like sparringsbot.zip"
        )
    path = Path(out)
    if path.suffix.lower() != ".zip":
        raise TeamsPackageError(
            f"output path {str(out)!r} does not end with .zip: Teams expects the app package "
            "as a zip file, e.g. sparringsbot.zip"
        )
    if path.is_dir():
        raise TeamsPackageError(f"output path {str(out)!r} is a directory: expected a file name ending in .zip")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TeamsPackageError(
            f"cannot create the folder {str(parent)!r} for output path {str(out)!r}: "
            f"{exc.strerror or exc}"
        ) from None
    if not parent.is_dir():
        raise TeamsPackageError(f"the parent of output path {str(out)!r} is not a folder: {str(parent)!r}")
    return path


def _assets_dir() -> Path:
    """Find the folder with the manifest template and icons."""
    candidates: list[Path] = []
    env = os.environ.get(ASSETS_ENV)
    if env:
        candidates.append(Path(env))
    else:
        # A source checkout (or editable install): <repo>/bot/ -> <repo>/deploy/teams.
        candidates.append(Path(__file__).resolve().parent.parent / "deploy" / "teams")
        # An installed package run from the project folder (e.g. /app in the image).
        candidates.append(Path.cwd() / "deploy" / "teams")
    for folder in candidates:
        if (folder / TEMPLATE_NAME).is_file():
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise TeamsPackageError(
        f"cannot find {TEMPLATE_NAME} (looked in: {tried}): run from the project folder "
        f"or set {ASSETS_ENV} to the folder with {TEMPLATE_NAME}, color.png and outline.png"
    )


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str):
        for placeholder, value in values.items():
            node = node.replace(placeholder, value)
    return node


def _manifest(template_path: Path, app_id: str, domain: str | None, version: str) -> dict[str, Any]:
    try:
        template = json.loads(template_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TeamsPackageError(f"cannot read the manifest template {str(template_path)!r}: {exc}") from None
    manifest = _fill(template, {_APP_ID: app_id, _BOT_ID: app_id, _VERSION: version})
    # validDomains: the bot's own host when given; the placeholder never survives.
    manifest["validDomains"] = [domain] if domain else []
    leftover = sorted(set(_PLACEHOLDER_RE.findall(json.dumps(manifest, ensure_ascii=False))))
    if leftover:
        raise TeamsPackageError(
            f"the manifest template {str(template_path)!r} has placeholders that cannot be "
            f"filled: {', '.join(leftover)}"
        )
    return manifest


def _icon_bytes(folder: Path, name: str) -> bytes:
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TeamsPackageError(
            f"cannot read the icon {str(path)!r}: {exc.strerror or exc} "
            "(regenerate it with: python deploy/teams/make_icons.py)"
        ) from None
    if not data.startswith(_PNG_SIGNATURE):
        raise TeamsPackageError(f"the icon {str(path)!r} is not a PNG file")
    return data


def build_teams_package(
    app_id: str,
    out: Path,
    domain: str | None = None,
    version: str = "1.0.0",
) -> Path:
    """Write the Teams app package for one deployment and return its path.

    ``app_id`` is the Application (client) ID of the bot's Entra ID app
    registration (a GUID); it becomes both the Teams app id and the bot id.
    ``domain`` is the bare host name the bot is served on (no scheme, path or
    port), listed in ``validDomains``. ``out`` must end with ``.zip``; missing
    parent folders are created. Raises :class:`TeamsPackageError` on any
    malformed value.
    """
    app_id = _check_app_id(app_id)
    domain = None if domain is None else _check_domain(domain)
    version = _check_version(version)
    out_path = _check_out(out)

    folder = _assets_dir()
    manifest = _manifest(folder / TEMPLATE_NAME, app_id, domain, version)
    files = {"manifest.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    for name in ICON_NAMES:
        files[name] = _icon_bytes(folder, name)

    # Write next to the target and rename, so a failure never leaves half a zip.
    fd, tmp_name = tempfile.mkstemp(prefix=".teams-package-", suffix=".zip", dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out_path)
    except OSError as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise TeamsPackageError(f"cannot write {str(out_path)!r}: {exc.strerror or exc}") from None
    return out_path


def main(argv: list[str] | None = None) -> int:
    """``python -m bot teams-package --app-id ID [--domain HOST] --out FILE.zip``."""
    parser = argparse.ArgumentParser(
        prog="python -m bot teams-package",
        description="Build the Teams app package (manifest.json, color.png, outline.png) "
        "to upload to Teams or the Teams admin center.",
    )
    parser.add_argument(
        "--app-id", required=True, metavar="ID",
        help="Application (client) ID of the bot's Entra ID app registration (MicrosoftAppId), a GUID",
    )
    parser.add_argument(
        "--domain", metavar="HOST",
        help="public host name the bot is served on, without https:// (e.g. sparring.kommune.dk)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.zip", help="where to write the package")
    parser.add_argument(
        "--app-version", default="1.0.0", metavar="X.Y.Z",
        help="app version in the manifest (default 1.0.0); raise it for every update uploaded to Teams",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error (argparse has printed it)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        path = build_teams_package(args.app_id, args.out, domain=args.domain, version=args.app_version)
    except TeamsPackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
