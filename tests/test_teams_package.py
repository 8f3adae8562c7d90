"""Tests for the Teams app package: schema-valid manifest, icons, and refusal of bad input."""
from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from bot.teams_package import TeamsPackageError, build_teams_package, main

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEAMS_DIR = PROJECT_ROOT / "deploy" / "teams"
TOOLKIT_SCHEMAS = PROJECT_ROOT / "node_modules" / "@microsoft" / "m365agentstoolkit-cli" / "json-schemas" / "teams"

APP_ID = "0f8e5b1c-3d2a-4c6b-9e7f-1a2b3c4d5e6f"
DOMAIN = "sparring.kommune.dk"


def _manifest_version() -> str:
    return json.loads((TEAMS_DIR / "manifest.template.json").read_text(encoding="utf-8"))["manifestVersion"]


def _schema_path() -> Path:
    """The official schema of the template's manifestVersion, from the npm toolkit."""
    version = _manifest_version()
    bases = []
    if os.environ.get("SPARRING_TEAMS_SCHEMA_DIR"):
        bases.append(Path(os.environ["SPARRING_TEAMS_SCHEMA_DIR"]))
    bases.append(TOOLKIT_SCHEMAS)
    for base in bases:
        for candidate in (base / f"v{version}" / "MicrosoftTeams.schema.json", base / "MicrosoftTeams.schema.json"):
            if candidate.is_file():
                return candidate
    pytest.skip(
        f"Teams manifest schema v{version} not found (looked in {', '.join(map(str, bases))}); "
        "run `npm ci` in the project folder, or set SPARRING_TEAMS_SCHEMA_DIR"
    )


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_teams_package(APP_ID, tmp_path / "out" / "sparringsbot.zip", domain=DOMAIN)


def _read(package: Path, name: str) -> bytes:
    with zipfile.ZipFile(package) as zf:
        return zf.read(name)


def _manifest(package: Path) -> dict:
    return json.loads(_read(package, "manifest.json").decode("utf-8"))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _pixels(im) -> list[tuple[int, ...]]:
    """All pixels, row by row (without Image.getdata, deprecated in Pillow 12)."""
    width, height = im.size
    return [im.getpixel((x, y)) for y in range(height) for x in range(width)]


# --- the package --------------------------------------------------------------------------


def test_package_has_exactly_the_three_files_at_the_root(package: Path):
    assert package.is_file() and package.name == "sparringsbot.zip"
    with zipfile.ZipFile(package) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert zf.testzip() is None


def test_manifest_is_valid_against_the_official_schema(package: Path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(_schema_path().read_text(encoding="utf-8"))
    # The draft comes from the schema's own "$schema" (draft-04 for the Teams schemas).
    # No check_schema(): the official schema uses \p{L} in patterns, which the
    # metaschema's "regex" format (Python's re) rejects.
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_manifest(package)), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_manifest_is_valid_without_a_domain(tmp_path: Path):
    jsonschema = pytest.importorskip("jsonschema")
    out = build_teams_package(APP_ID, tmp_path / "p.zip")
    schema = json.loads(_schema_path().read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(_manifest(out))
    assert _manifest(out)["validDomains"] == []


def test_manifest_is_filled_for_this_deployment(package: Path):
    m = _manifest(package)
    assert m["id"] == APP_ID
    assert m["version"] == "1.0.0"
    (bot,) = m["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is False
    assert m["validDomains"] == [DOMAIN]
    assert m["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert m["name"]["short"] == "Sparringsbot"
    assert "${{" not in json.dumps(m)


def test_manifest_version_is_recorded_in_the_schema_url(package: Path):
    m = _manifest(package)
    assert f"/v{m['manifestVersion']}/MicrosoftTeams.schema.json" in m["$schema"]


def test_command_lists_cover_each_scope_within_teams_limits(package: Path):
    (bot,) = _manifest(package)["bots"]
    scopes = [scope for cl in bot["commandLists"] for scope in cl["scopes"]]
    assert sorted(scopes) == ["groupChat", "personal", "team"]
    known = {"hjælp", "temaer", "temagrupper", "hvem kan hjælpe med", "dialog", "næste",
             "tilbage", "spring over", "status", "afslut", "spørg"}
    for cl in bot["commandLists"]:
        titles = [c["title"] for c in cl["commands"]]
        # The limits Teams documents (and older schemas enforced): 10 commands,
        # title up to 32 characters, description up to 128.
        assert 1 <= len(titles) <= 10
        assert len(set(titles)) == len(titles)
        assert set(titles) <= known, set(titles) - known
        for command in cl["commands"]:
            assert len(command["title"]) <= 32
            assert 0 < len(command["description"]) <= 128
    team = next(cl for cl in bot["commandLists"] if "team" in cl["scopes"])
    assert {"dialog", "næste", "afslut", "spørg"} <= {c["title"] for c in team["commands"]}


def test_version_and_app_id_case_are_normalised(tmp_path: Path):
    out = build_teams_package(APP_ID.upper(), tmp_path / "p.zip", version="2.3.4")
    m = _manifest(out)
    assert m["id"] == APP_ID and m["bots"][0]["botId"] == APP_ID
    assert m["version"] == "2.3.4"


def test_same_input_gives_the_same_bytes(tmp_path: Path):
    a = build_teams_package(APP_ID, tmp_path / "a.zip", domain=DOMAIN)
    b = build_teams_package(APP_ID, tmp_path / "b.zip", domain=DOMAIN)
    assert a.read_bytes() == b.read_bytes()


def test_international_domain_is_written_in_ascii_form(tmp_path: Path):
    out = build_teams_package(APP_ID, tmp_path / "p.zip", domain="Sparring.Sorø.dk")
    assert _manifest(out)["validDomains"] == ["sparring.xn--sor-2na.dk"]


# --- the icons ----------------------------------------------------------------------------


def test_icon_sizes(package: Path):
    assert _png_size(_read(package, "color.png")) == (192, 192)
    assert _png_size(_read(package, "outline.png")) == (32, 32)


def test_packaged_icons_are_the_committed_ones(package: Path):
    for name in ("color.png", "outline.png"):
        assert _read(package, name) == (TEAMS_DIR / name).read_bytes()


def test_color_icon_is_opaque(package: Path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is needed to check icon pixels")
    import io

    with Image.open(io.BytesIO(_read(package, "color.png"))) as im:
        rgba = im.convert("RGBA")
    alphas = rgba.getchannel("A").getextrema()
    assert alphas == (255, 255), "color.png must be fully opaque"
    assert len(set(_pixels(rgba))) > 2, "color.png should be full colour"


def test_outline_icon_is_white_on_transparent(package: Path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is needed to check icon pixels")
    import io

    with Image.open(io.BytesIO(_read(package, "outline.png"))) as im:
        assert im.mode == "RGBA", "outline.png needs an alpha channel"
        pixels = _pixels(im)
    transparent = [p for p in pixels if p[3] == 0]
    visible = [p for p in pixels if p[3] > 0]
    assert transparent, "outline.png must have a transparent background"
    assert visible, "outline.png must show something"
    assert len(transparent) > len(pixels) // 4
    not_white = {p[:3] for p in visible if p[:3] != (255, 255, 255)}
    assert not not_white, f"outline.png may only use white, found {sorted(not_white)[:5]}"
    # The four corners are background.
    size = 32
    for x, y in ((0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)):
        assert pixels[y * size + x][3] == 0


# --- refusing malformed values ------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "   ",
        "not-a-guid",
        "12345678-1234-1234-1234-12345678901",  # one digit short
        "12345678-1234-1234-1234-1234567890123",  # one digit long
        "1234567812341234123412345678901z",
        "g2345678-1234-1234-1234-123456789012",
        "{12345678-1234-1234-1234-123456789012}",
        "00000000-0000-0000-0000-000000000000",
        "28:12345678-1234-1234-1234-123456789012",  # a Teams bot MRI, not the app id
    ],
)
def test_refuses_bad_app_id(tmp_path: Path, bad_id: str):
    out = tmp_path / "p.zip"
    with pytest.raises(TeamsPackageError) as info:
        build_teams_package(bad_id, out)
    message = str(info.value)
    assert "app id" in message
    assert repr(bad_id) in message, "the message names the bad value"
    assert "GUID" in message or "guid" in message.lower()
    assert not out.exists()


def test_refuses_domain_with_scheme(tmp_path: Path):
    with pytest.raises(TeamsPackageError) as info:
        build_teams_package(APP_ID, tmp_path / "p.zip", domain="https://sparring.kommune.dk")
    message = str(info.value)
    assert "'https://sparring.kommune.dk'" in message
    assert "scheme" in message and "drop" in message
    assert "sparring.kommune.dk" in message.split("drop", 1)[1], "the message suggests the bare host"


@pytest.mark.parametrize(
    ("bad_domain", "hint"),
    [
        ("sparring.kommune.dk/api/messages", "path"),
        ("sparring.kommune.dk:443", "port"),
        ("", "empty"),
        ("*.kommune.dk", "wildcard"),
        ("localhost", "fully qualified"),
        ("10.0.0.4", "IP address"),
        ("-bad-.kommune.dk", "host name"),
        ("sparring kommune.dk", "white space"),
        ("sparring..kommune.dk", "host name"),
    ],
)
def test_refuses_malformed_domain(tmp_path: Path, bad_domain: str, hint: str):
    with pytest.raises(TeamsPackageError) as info:
        build_teams_package(APP_ID, tmp_path / "p.zip", domain=bad_domain)
    message = str(info.value)
    assert hint in message
    if bad_domain:
        assert repr(bad_domain) in message
    assert "sparring.kommune.dk" in message, "the message shows what is expected"


@pytest.mark.parametrize("name", ["sparringsbot", "sparringsbot.json", "sparringsbot.zip.txt", "manifest"])
def test_refuses_out_path_without_zip_suffix(tmp_path: Path, name: str):
    out = tmp_path / name
    with pytest.raises(TeamsPackageError) as info:
        build_teams_package(APP_ID, out)
    message = str(info.value)
    assert ".zip" in message and name in message
    assert not out.exists()


def test_refuses_out_path_under_a_file(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(TeamsPackageError) as info:
        build_teams_package(APP_ID, blocker / "p.zip")
    assert "a-file" in str(info.value)


def test_refuses_out_path_that_is_a_directory(tmp_path: Path):
    (tmp_path / "pkg.zip").mkdir()
    with pytest.raises(TeamsPackageError, match="directory"):
        build_teams_package(APP_ID, tmp_path / "pkg.zip")


@pytest.mark.parametrize("bad_version", ["1.0", "v1.0.0", "01.0.0", "1.0.0-beta", ""])
def test_refuses_bad_version(tmp_path: Path, bad_version: str):
    with pytest.raises(TeamsPackageError, match="MAJOR.MINOR.PATCH"):
        build_teams_package(APP_ID, tmp_path / "p.zip", version=bad_version)


def test_error_is_a_value_error():
    assert issubclass(TeamsPackageError, ValueError)


def test_missing_assets_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SPARRING_TEAMS_ASSETS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(TeamsPackageError, match="manifest.template.json"):
        build_teams_package(APP_ID, tmp_path / "p.zip")


# --- the CLI ------------------------------------------------------------------------------


def test_cli_writes_the_package_and_prints_its_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "cli" / "sparringsbot.zip"
    code = main(["--app-id", APP_ID, "--domain", DOMAIN, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == str(out)
    assert captured.err == ""
    assert _manifest(out)["validDomains"] == [DOMAIN]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--app-id", "nope", "--out", "p.zip"], "app id 'nope'"),
        (["--app-id", APP_ID, "--domain", "https://sparring.kommune.dk", "--out", "p.zip"], "drop the scheme"),
        (["--app-id", APP_ID, "--out", "p.txt"], ".zip"),
    ],
)
def test_cli_returns_2_and_prints_error_on_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
):
    monkeypatch.chdir(tmp_path)
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert fragment in captured.err
    assert list(tmp_path.iterdir()) == []


def test_cli_usage_error_returns_2(capsys: pytest.CaptureFixture[str]):
    assert main(["--out", "p.zip"]) == 2
    assert "--app-id" in capsys.readouterr().err
