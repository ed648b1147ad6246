"""Starting and stopping the real processes some tests need (Streamlit servers, Apache httpd)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APACHE_MODULES = Path("/usr/lib/apache2/modules")


def require_apache(needed: tuple[str, ...], packages: str, test: str) -> str:
    """The apache2 binary when it and the `needed` modules are installed; else fail in CI (.ci/run installs
    `packages`) and skip elsewhere."""
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    missing = [m for m in needed if not (APACHE_MODULES / f"{m}.so").exists()]
    if not Path(apache).exists() or missing:
        if os.environ.get("CI"):
            pytest.fail(f"{packages} fehlt in CI: .ci/run muss es installieren.")
        pytest.skip(f"{test} übersprungen: apt-get install {packages} ({missing})")
    return apache


def wait_http(url: str, proc: subprocess.Popen, log: Path, accept=(200,), timeout: float = 90) -> None:
    """Wait until `url` answers with a status in `accept`; fail with the end of `log` when `proc` exits first
    or nothing answers in time."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status in accept:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in accept:
                return
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-4000:]}")


@contextlib.contextmanager
def running(cmd: list[str], log: Path, env: dict, cwd: Path = ROOT, stop_timeout: float = 20):
    """`cmd` as a child process writing to `log`; terminated (killed when it does not stop) on exit."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
