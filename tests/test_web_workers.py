"""Admin sessions with several server processes: `progleton serve --workers N` shares
sessions, their messages and the login limiter between workers through one private file."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from progleton.web.auth import (
    SHARED_STATE_ENV,
    SharedLoginLimiter,
    SharedSessions,
    hash_password,
    prepare_shared_state,
    shared_admin_state,
)
from test_web_support import empty_store

PASSWORD = "correct horse battery staple"


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    path = tmp_path / "admin.db"
    prepare_shared_state(path)
    return path


def test_sessions_are_shared_between_processes(shared: Path) -> None:
    # Two instances on one file stand for two workers: neither keeps a session in memory.
    a, b = SharedSessions(shared), SharedSessions(shared)
    assert a.login_token("nonce") == b.login_token("nonce")  # one form-signing secret
    token, session = a.create()
    seen = b.get(token)
    assert seen is not None and seen.csrf == session.csrf
    seen.flash("ok", "Paused Example.")  # posted to worker b ...
    again = a.get(token)  # ... shown by worker a
    assert again is not None and again.take_flashes() == [("ok", "Paused Example.")]
    assert (b.get(token) or session).flashes == []  # shown once
    a.end(token)  # logging out on one worker ends the session on all
    assert b.get(token) is None and a.get("not-a-token") is None and a.get(None) is None
    assert oct(shared.stat().st_mode & 0o777) == "0o600"


def test_shared_sessions_expire(shared: Path) -> None:
    now = [1000.0]
    sessions = SharedSessions(shared, ttl=60, clock=lambda: now[0])
    token, _ = sessions.create()
    now[0] += 59
    assert sessions.get(token) is not None
    now[0] += 2
    assert sessions.get(token) is None


def test_login_limit_holds_across_workers(shared: Path) -> None:
    a, b = SharedLoginLimiter(shared, attempts=3), SharedLoginLimiter(shared, attempts=3)
    assert a.begin("1.2.3.4") is None and b.begin("1.2.3.4") is None
    assert a.begin("1.2.3.4") is None
    wait = b.begin("1.2.3.4")
    assert wait is not None and wait > 0  # the fourth try, on the other worker
    assert a.begin("5.6.7.8") is None
    b.succeeded("1.2.3.4")
    assert a.begin("1.2.3.4") is None


def test_shared_state_comes_from_the_environment(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SHARED_STATE_ENV, raising=False)
    assert shared_admin_state() is None
    monkeypatch.setenv(SHARED_STATE_ENV, str(shared))
    state = shared_admin_state()
    assert state is not None and isinstance(state[0], SharedSessions)
    with pytest.raises(FileExistsError):  # never reuses (or follows) an existing file
        prepare_shared_state(shared)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_serve_with_two_workers_keeps_admin_sessions(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    url = store.url
    store.close()
    port = _free_port()
    env = {
        **os.environ,
        "PROGLETON_ADMIN_PASSWORD_HASH": hash_password(PASSWORD),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TMPDIR": str(tmp_path),
    }
    env.pop(SHARED_STATE_ENV, None)
    cmd = [sys.executable, "-m", "progleton", "--db", url, "serve", "--port", str(port)]
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([*cmd, "--workers", "2"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts Python slowly
        while True:
            try:
                if httpx.get(f"{base}/static/style.css", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(proc.pid)) >= 2  # two worker processes
        log.flush()
        banner = (tmp_path / "serve.log").read_text()
        assert banner.count(f"at http://127.0.0.1:{port}/ with 2 workers") == 1  # once, when ready
        shared_files = list(tmp_path.glob("progleton-serve-*/admin.db"))
        assert len(shared_files) == 1

        with httpx.Client(base_url=base, follow_redirects=False) as browser:
            login = browser.get("/admin/login")
            r = browser.post("/admin/login", data={"csrf": _csrf(login.text), "password": PASSWORD})
            assert r.status_code == 303 and r.headers["location"] == "/admin"
            cookie = browser.cookies.get("progleton_admin")
            assert cookie
        # Fresh connections land on either worker; the session works on every one.
        csrf = ""
        for _ in range(16):
            with httpx.Client(base_url=base, cookies={"progleton_admin": cookie}) as c:
                page = c.get("/admin", headers={"Connection": "close"})
                assert page.status_code == 200, page.status_code
                csrf = _csrf(page.text)
        with httpx.Client(base_url=base, cookies={"progleton_admin": cookie}) as c:
            r = c.post("/admin/logout", data={"csrf": csrf}, headers={"Connection": "close"})
            assert r.status_code == 303
        for _ in range(8):  # ended on every worker
            with httpx.Client(base_url=base, cookies={"progleton_admin": cookie}) as c:
                assert c.get("/admin", headers={"Connection": "close"}).status_code == 303
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert not list(tmp_path.glob("progleton-serve-*")), "the shared file outlived the server"
