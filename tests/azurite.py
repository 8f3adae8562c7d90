"""Azurite's Blob service (npm, node_modules/azurite) on a free loopback port, for tests.

    with Azurite.start(tmp_path / "azurite") as azurite:
        azurite.connection_string   # the well-known devstoreaccount1 key, BlobEndpoint=http://127.0.0.1:<port>/...

`Azurite.missing()` names what is absent (node, the npm package) so tests can skip with a reason.
Telemetry is switched off (--disableTelemetry): Azurite 3.37 otherwise reports usage to an outside host.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAIN_JS = PROJECT_ROOT / "node_modules" / "azurite" / "dist" / "src" / "blob" / "main.js"

# Azurite's documented development account (public, emulator-only; not a secret).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


class Azurite:
    def __init__(self, location: Path, port: int | None = None) -> None:
        self.location = Path(location)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.location / "azurite.log"

    @staticmethod
    def missing() -> str | None:
        if shutil.which("node") is None:
            return "node is not installed"
        if not MAIN_JS.is_file():
            return f"npm package azurite is not installed ({MAIN_JS.relative_to(PROJECT_ROOT)} missing; run npm ci)"
        return None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
                f"BlobEndpoint={self.endpoint};")

    @classmethod
    def start(cls, location: Path, timeout: float = 30.0) -> "Azurite":
        azurite = cls(location)
        azurite._start(timeout)
        return azurite

    def _start(self, timeout: float) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        command = ["node", str(MAIN_JS), "--blobHost", "127.0.0.1", "--blobPort", str(self.port),
                   "--location", str(self.location), "--silent", "--skipApiVersionCheck", "--loose",
                   "--disableTelemetry"]
        log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if k != "AZURITE_DB"}  # metadata on disk, never an outside DB
        self.process = subprocess.Popen(command, cwd=self.location, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        log.close()
        try:
            wait_for_port(self.port, timeout, self.process)
        except Exception:
            self.stop()
            raise RuntimeError(f"Azurite did not start: {self.log_tail()}") from None

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> "Azurite":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
