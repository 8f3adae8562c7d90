"""Browser end to end: the real bot behind the Microsoft 365 Agents Playground, driven by headless Chromium.

The bot (`python -m bot serve`, fixture content, real e5 index) and the Playground (npm) run as
subprocesses on loopback ports; tests/playground/drive.mjs (playwright-core) asks a question,
clicks the answer card's buttons (the rated card changes in place), runs a short guided dialogue,
and one in the group chat answered through the question card's input and "Send svar" without
@mention, which `status` counts and the `afslut` summary shows (each answer once). Everything stays on loopback:
the driver aborts every browser request to another host, and the Playground runs with its
telemetry switched off. Screenshots land in $SPARRING_TEST_ARTIFACTS/playground/ (or tmp_path).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PROJECT_ROOT

pytestmark = pytest.mark.browser

NODE_MODULES = PROJECT_ROOT / "node_modules"
PLAYGROUND_PACKAGE = NODE_MODULES / "@microsoft" / "m365agentsplayground"
DRIVER = Path(__file__).parent / "playground" / "drive.mjs"
BOT_START_TIMEOUT = 120
PLAYGROUND_START_TIMEOUT = 60
DRIVER_TIMEOUT = 240
LOOPBACK = "127.0.0.1"
# Settings the parent environment must not leak into the bot: it has to run anonymous, on the
# fixture content, with its own state.
BOT_ENV_DROP = ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId",
                "SPARRING_CONFIG", "SPARRING_THEME_GROUPS", "SPARRING_DIALOGUES", "SPARRING_STATE_STORE",
                "SPARRING_BLOB_CONNECTION_STRING", "SPARRING_EMBEDDER", "SPARRING_RATE_LIMIT")


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _playground_cli() -> Path | None:
    try:
        package = json.loads((PLAYGROUND_PACKAGE / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    bins = package.get("bin") or {}
    relative = bins.get("agentsplayground") if isinstance(bins, dict) else bins
    cli = PLAYGROUND_PACKAGE / (relative or "cli.js")
    return cli if cli.is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def _http_status(url: str) -> int | None:
    # a direct opener: never a proxy from the environment
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


class Service:
    """A subprocess in its own process group, output to files; stop() ends the whole group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, log_dir: Path) -> None:
        self.name = name
        self.stdout_path = log_dir / f"{name}.stdout.log"
        self.stderr_path = log_dir / f"{name}.stderr.log"
        self._stdout = open(self.stdout_path, "wb")
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._stdout,
                                        stderr=self._stderr, start_new_session=True)

    def wait_until(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with code {self.process.returncode} before {what}\n"
                                     f"{self.report()}")
            if ready():
                return
            time.sleep(0.25)
        raise AssertionError(f"{self.name}: {what} did not happen within {timeout:.0f} s\n{self.report()}")

    def report(self, lines: int = 30) -> str:
        return (f"--- {self.name} stderr (tail) ---\n{_tail(self.stderr_path, lines)}\n"
                f"--- {self.name} stdout (tail) ---\n{_tail(self.stdout_path, lines)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            # the leader is gone; make sure nothing it started outlives it
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._stdout.close()
        self._stderr.close()


@pytest.fixture
def tools() -> dict[str, str]:
    chromium = _chromium()
    if not chromium:
        pytest.skip("Chromium not found (/usr/bin/chromium or `chromium` on PATH); install it: apt-get install chromium")
    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js (`node`) not found on PATH")
    cli = _playground_cli()
    if not cli:
        pytest.skip(f"Agents Playground not installed ({PLAYGROUND_PACKAGE}); run `npm ci --ignore-scripts`")
    if not (NODE_MODULES / "playwright-core" / "package.json").is_file():
        pytest.skip(f"playwright-core not installed ({NODE_MODULES / 'playwright-core'}); run `npm ci --ignore-scripts`")
    return {"chromium": chromium, "node": node, "cli": str(cli)}


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    root = Path(os.environ["SPARRING_TEST_ARTIFACTS"]) if os.environ.get("SPARRING_TEST_ARTIFACTS") else tmp_path
    target = root / "playground"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.png"):
        old.unlink()
    return target


def test_playground_question_buttons_and_dialogue(tools, artifacts, tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    logs = tmp_path / "logs"
    logs.mkdir()
    base_env = {k: v for k, v in os.environ.items() if k not in BOT_ENV_DROP}
    base_env["NO_PROXY"] = base_env["no_proxy"] = "127.0.0.1,localhost,::1"

    bot_port, playground_port = _free_port(), _free_port()
    while playground_port == bot_port:
        playground_port = _free_port()
    bot_env = {**base_env, "SPARRING_DATA_DIR": str(tmp_path / "data"), "SPARRING_KNOWLEDGE_DIR": str(knowledge),
               "PYTHONUNBUFFERED": "1"}
    playground_env = {**base_env, "TEAMSAPPTESTER_BROWSER": "none", "APPLICATION_INSIGHTS_NO_STATSBEAT": "true"}
    playground_url = f"http://{LOOPBACK}:{playground_port}/"

    services: list[Service] = []
    timings: dict[str, float] = {}
    try:
        t0 = time.monotonic()
        bot = Service("bot", [sys.executable, "-m", "bot", "serve", "--host", LOOPBACK, "--port", str(bot_port)],
                      bot_env, PROJECT_ROOT, logs)
        services.append(bot)
        bot.wait_until(lambda: _http_status(f"http://{LOOPBACK}:{bot_port}/healthz") == 200,
                       BOT_START_TIMEOUT, "GET /healthz answered 200")
        timings["bot_start_s"] = round(time.monotonic() - t0, 1)

        t0 = time.monotonic()
        # cwd: the Playground writes devTools/m365agentsplayground.log into its working directory
        (tmp_path / "playground-cwd").mkdir()
        playground = Service("playground", [
            tools["node"], tools["cli"], "-e", f"http://{LOOPBACK}:{bot_port}/api/messages", "-c", "msteams",
            "-p", str(playground_port), "--service-url", f"http://{LOOPBACK}:{playground_port}/_connector",
            "--disable-telemetry"], playground_env, tmp_path / "playground-cwd", logs)
        services.append(playground)
        playground.wait_until(lambda: _http_status(playground_url) == 200, PLAYGROUND_START_TIMEOUT,
                              "the Playground served its page")
        timings["playground_start_s"] = round(time.monotonic() - t0, 1)

        t0 = time.monotonic()
        try:
            driver = subprocess.run([tools["node"], str(DRIVER), playground_url, str(artifacts)],
                                    env={**base_env, "CHROMIUM_PATH": tools["chromium"]}, cwd=PROJECT_ROOT,
                                    stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=DRIVER_TIMEOUT,
                                    start_new_session=True)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"drive.mjs did not finish within {DRIVER_TIMEOUT} s\n"
                                 f"--- driver stderr ---\n{error.stderr or ''}\n"
                                 + "\n".join(s.report() for s in services)) from None
        timings["driver_s"] = round(time.monotonic() - t0, 1)

        result: dict = {}
        lines = driver.stdout.strip().splitlines()
        if lines:
            try:
                result = json.loads(lines[-1])
            except ValueError:
                result = {}
        (artifacts / "result.json").write_text(json.dumps({**result, "timings": timings}, ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        if driver.returncode != 0 or not result.get("ok"):
            raise AssertionError(
                f"Playground driver failed (exit {driver.returncode}) at step {result.get('step', '?')!r}: "
                f"{result.get('error', '(no JSON result)')}\n"
                f"screenshots: {artifacts}\n"
                f"--- driver stderr ---\n{driver.stderr[-4000:]}\n"
                + "\n".join(s.report() for s in services))

        names = [s["name"] for s in result["steps"]]
        assert names == ["open", "ask", "feedback", "route", "dialog-start", "dialog-answer", "dialog-next",
                         "dialog-end", "group-start", "group-card-answer", "group-status", "group-end"], names
        shots = sorted(p.name for p in artifacts.glob("*.png"))
        assert len(shots) >= len(names), shots
        assert all((artifacts / s["screenshot"]).stat().st_size > 1000 for s in result["steps"])
        ask = result["steps"][1]
        assert "RISO" in ask["source"] or "Kilde" in ask["source"], ask
    finally:
        for service in reversed(services):
            service.stop()
