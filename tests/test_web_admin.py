"""Admin pages: login (hashed password, CSRF, rate limit, cookie flags), logout, and the source
actions (add through the pipeline, pause, resume, remove, OPML import) on a real app."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from loopback import LOOPBACK, LoopbackServer
from progleton.cli import app as cli_app
from progleton.config import Settings
from progleton.models import Article, Source, utcnow
from progleton.store import Store
from progleton.web.app import create_app
from progleton.web.auth import (
    LoginLimiter,
    Sessions,
    admin_hash,
    hash_password,
    verify_password,
)
from publisher import Publisher
from test_web_support import HOSTILE, empty_store, parse

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)


@dataclass
class Admin:
    store: Store
    app: FastAPI
    client: TestClient
    quiet_id: int  # a source with an article
    other_id: int


def _app(store: Store, **settings: object) -> FastAPI:
    values: dict[str, object] = {
        "db_url": store.url,
        "admin_password_hash": HASH,
        "per_host_delay": 0.0,
        "allow_hosts": LOOPBACK,
    }
    values.update(settings)
    return create_app(Settings(**values), store)  # type: ignore[arg-type]


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Admin]:
    store = empty_store(tmp_path)
    quiet = store.add_source(
        Source(feed_url="https://quiet.example/feed", title=f"Quiet {HOSTILE}")
    )
    other = store.add_source(Source(feed_url="https://other.example/feed", title="Other"))
    assert quiet.id and other.id
    store.save_article(
        Article(url="https://quiet.example/a", title="Kept", paragraphs=["Kept text."]),
        source_id=quiet.id,
        guid="a",
    )
    app = _app(store)
    yield Admin(store, app, TestClient(app, follow_redirects=False), quiet.id, other.id)
    store.close()


def login_csrf(client: TestClient) -> str:
    r = client.get("/admin/login")
    assert r.status_code == 200
    (token,) = parse(r.text).xpath("//form[@action='/admin/login']//input[@name='csrf']/@value")
    return str(token)


def login(client: TestClient, password: str = PASSWORD) -> httpx.Response:
    token = login_csrf(client)
    response: httpx.Response = client.post(
        "/admin/login", data={"csrf": token, "password": password}
    )
    return response


def page_csrf(client: TestClient) -> str:
    r = client.get("/admin")
    assert r.status_code == 200, r.status_code
    tokens = set(parse(r.text).xpath("//form[@method='post']//input[@name='csrf']/@value"))
    assert len(tokens) == 1  # one token for every form of the session
    return str(tokens.pop())


def logged_in(client: TestClient) -> str:
    assert login(client).status_code == 303
    return page_csrf(client)


# -- passwords ---------------------------------------------------------------------------


def test_password_hashes_are_salted_scrypt() -> None:
    first, second = hash_password("s3cret pass"), hash_password("s3cret pass")
    assert first.startswith("scrypt$16384$8$1$") and first != second  # random salt
    assert "s3cret" not in first
    assert verify_password("s3cret pass", first) and verify_password("s3cret pass", second)
    assert not verify_password("s3cret pasS", first)
    assert not verify_password("", first)
    for broken in ["", "plain", "scrypt$16384$8$1$$", "md5$1$2$3$abc$def", "scrypt$3$8$1$YQ$YQ"]:
        assert not verify_password("s3cret pass", broken)
    # A hash asking for absurd memory is refused, not computed.
    assert not verify_password("x", "scrypt$1073741824$8$1$c2FsdHNhbHQ$" + "A" * 43)


def test_cli_writes_the_hash_to_the_data_folder(tmp_path: Path) -> None:
    target = tmp_path / "data" / "admin-password"
    env = {"PROGLETON_ADMIN_PASSWORD_FILE": str(target)}
    runner = CliRunner()
    result = runner.invoke(cli_app, ["admin-password"], input="long enough pw\n" * 2, env=env)
    assert result.exit_code == 0, result.output
    stored = target.read_text().strip()
    assert verify_password("long enough pw", stored)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert admin_hash(Settings(admin_password_file=str(target))) == stored
    # --print-hash prints it for PROGLETON_ADMIN_PASSWORD_HASH instead.
    printed = runner.invoke(cli_app, ["admin-password", "--print-hash"], input="another pw 1\n" * 2)
    assert printed.exit_code == 0
    assert verify_password("another pw 1", printed.stdout.strip().splitlines()[-1])
    short = runner.invoke(cli_app, ["admin-password"], input="short\nshort\n", env=env)
    assert short.exit_code == 1 and verify_password("long enough pw", target.read_text())


def test_admin_is_off_without_a_password(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    try:
        missing = str(tmp_path / "no-such-file")
        client = TestClient(
            _app(store, admin_password_hash="", admin_password_file=missing),
            follow_redirects=False,
        )
        r = client.get("/admin/login")
        assert "progleton admin-password" in r.text
        assert not parse(r.text).xpath("//input[@type='password']")
        r = client.post("/admin/login", data={"csrf": "x", "password": ""})
        assert r.status_code == 403 and "progleton_admin" not in r.headers.get("set-cookie", "")
        # The file written by `progleton admin-password` turns it on, without a restart.
        Path(missing).write_text(HASH + "\n")
        assert login(client).status_code == 303
    finally:
        store.close()


# -- login -------------------------------------------------------------------------------


def test_reading_needs_no_account_and_admin_needs_a_login(admin: Admin) -> None:
    assert admin.client.get("/").status_code == 200
    r = admin.client.get("/admin")
    assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    login_page = admin.client.get("/admin/login")
    assert login_page.headers["cache-control"] == "no-store"
    (field,) = parse(login_page.text).xpath("//input[@type='password']")
    assert field.get("autocomplete") == "current-password"
    assert parse(login_page.text).xpath(f"//label[@for='{field.get('id')}']")


def test_login_sets_a_strict_http_only_session_cookie(admin: Admin) -> None:
    r = login(admin.client)
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("progleton_admin="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite"} <= flags and "secure" not in flags  # plain http
    assert "samesite=strict" in cookie.lower() and "path=/admin" in cookie.lower()
    assert admin.client.get("/admin").status_code == 200
    # Over https the cookie is Secure as well.
    https = TestClient(admin.app, base_url="https://testserver", follow_redirects=False)
    secure = login(https).headers.get_list("set-cookie")
    assert any(c.startswith("progleton_admin=") and "secure" in c.lower() for c in secure)


def test_wrong_password_is_refused(admin: Admin) -> None:
    r = login(admin.client, "Correct horse battery staple")
    assert r.status_code == 401
    assert "Wrong password" in r.text
    assert "progleton_admin=" not in " ".join(r.headers.get_list("set-cookie"))
    assert admin.client.get("/admin").status_code == 303


def test_login_without_the_form_token_is_refused(admin: Admin) -> None:
    login_csrf(admin.client)  # has the login cookie, but sends no or a forged token
    for data in ({"password": PASSWORD}, {"password": PASSWORD, "csrf": "forged"}):
        r = admin.client.post("/admin/login", data=data)
        assert r.status_code == 403
    # A token without the cookie it belongs to is refused too.
    token = login_csrf(admin.client)
    fresh = TestClient(admin.app, follow_redirects=False)
    assert fresh.post("/admin/login", data={"csrf": token, "password": PASSWORD}).status_code == 403
    assert admin.client.get("/admin").status_code == 303


def test_login_is_rate_limited_per_client_address(admin: Admin) -> None:
    for _ in range(5):
        assert login(admin.client, "guess").status_code == 401
    # The sixth try is refused before the password is even checked: the right one fails too.
    r = login(admin.client)
    assert r.status_code == 429
    assert 800 < int(r.headers["retry-after"]) <= 900
    assert "Too many failed logins" in r.text
    assert admin.client.get("/admin").status_code == 303
    # Another address is not affected.
    elsewhere = TestClient(admin.app, client=("203.0.113.9", 4000), follow_redirects=False)
    assert login(elsewhere).status_code == 303


def test_login_limiter_window_and_forgiveness() -> None:
    now = [1000.0]
    limiter = LoginLimiter(attempts=3, window=60, clock=lambda: now[0])
    assert [limiter.begin("a") for _ in range(3)] == [None, None, None]
    assert limiter.begin("a") == 60
    now[0] += 30
    assert limiter.begin("a") == 30
    assert limiter.begin("b") is None
    now[0] += 31  # the first attempts have left the window
    assert limiter.begin("a") is None
    limiter.succeeded("a")  # a success forgives the address
    assert [limiter.begin("a") for _ in range(3)] == [None, None, None]


def test_logout_ends_the_session_on_the_server(admin: Admin) -> None:
    token = logged_in(admin.client)
    stolen = admin.client.cookies.get("progleton_admin")
    r = admin.client.post("/admin/logout", data={"csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert admin.client.get("/admin").status_code == 303
    # Replaying the old cookie does not bring the session back.
    replay = TestClient(admin.app, follow_redirects=False, cookies={"progleton_admin": stolen})
    assert replay.get("/admin").status_code == 303


def test_sessions_expire() -> None:
    now = [0.0]
    sessions = Sessions(ttl=100, clock=lambda: now[0])
    token, session = sessions.create()
    assert sessions.get(token) is session
    now[0] = 101
    assert sessions.get(token) is None
    assert sessions.get("made-up") is None and sessions.get(None) is None


# -- source actions ----------------------------------------------------------------------


def test_pause_actually_pauses_and_resume_resumes(admin: Admin) -> None:
    token = logged_in(admin.client)
    source = admin.store.get_source(admin.other_id)
    assert source is not None
    source.error_count = 4
    source.next_check_at = utcnow() + timedelta(hours=6)
    admin.store.update_source(source)

    # A browser's Origin header naming this site is fine (the scheme may differ behind a proxy).
    r = admin.client.post(
        f"/admin/sources/{admin.other_id}/pause",
        data={"csrf": token},
        headers={"origin": "https://testserver"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    paused = admin.store.get_source(admin.other_id)
    assert paused is not None and paused.paused
    due_ids = {s.id for s in admin.store.due_sources(utcnow() + timedelta(days=30))}
    assert admin.other_id not in due_ids and admin.quiet_id in due_ids
    page = admin.client.get("/admin").text
    assert "Paused Other." in page
    assert parse(page).xpath(f"//form[@action='/admin/sources/{admin.other_id}/resume']")

    admin.client.post(f"/admin/sources/{admin.other_id}/resume", data={"csrf": token})
    resumed = admin.store.get_source(admin.other_id)
    assert resumed is not None and not resumed.paused
    assert resumed.error_count == 0 and resumed.next_check_at is None  # checked at once
    assert admin.other_id in {s.id for s in admin.store.due_sources(utcnow())}


def test_every_action_needs_the_session_token(admin: Admin) -> None:
    actions = [
        ("/admin/sources/{id}/pause", {}),
        ("/admin/sources/{id}/remove", {}),
        ("/admin/sources", {"urls": "https://example.com/"}),
        ("/admin/opml", {"opml_text": "<opml/>"}),
        ("/admin/logout", {}),
    ]
    # Logged out: refused even with a plausible token.
    for path, data in actions:
        url = path.format(id=admin.other_id)
        assert admin.client.post(url, data={**data, "csrf": "x"}).status_code == 403
    token = logged_in(admin.client)
    for path, data in actions:
        url = path.format(id=admin.other_id)
        assert admin.client.post(url, data=data).status_code == 403, url  # no token
        assert admin.client.post(url, data={**data, "csrf": token[:-1]}).status_code == 403
        # The right token from another site's page: refused by the Origin check.
        other = {"origin": "https://evil.example"}
        assert (
            admin.client.post(url, data={**data, "csrf": token}, headers=other).status_code == 403
        )
    source = admin.store.get_source(admin.other_id)
    assert source is not None and not source.paused
    assert len(admin.store.list_sources()) == 2
    assert admin.client.get("/admin").status_code == 200  # still logged in


def test_remove_keeps_the_articles(admin: Admin) -> None:
    token = logged_in(admin.client)
    r = admin.client.post(f"/admin/sources/{admin.quiet_id}/remove", data={"csrf": token})
    assert r.status_code == 303
    assert admin.store.get_source(admin.quiet_id) is None
    assert [a.title for a in admin.store.latest_articles(10)] == ["Kept"]
    assert admin.client.post("/admin/sources/999/pause", data={"csrf": token}).status_code == 404


def test_add_follows_through_the_pipeline_with_one_fetch_per_address(admin: Admin) -> None:
    token = logged_in(admin.client)
    with LoopbackServer() as srv:
        Publisher(srv, count=2).install()
        home = srv.url("/")
        r = admin.client.post(
            "/admin/sources",
            data={"csrf": token, "urls": f"{home}\n{home}\n  not-a-url  "},
        )
        assert r.status_code == 303
        assert srv.count("/") == 1  # the repeated address is fetched once
    added = admin.store.get_source_by_url(srv.url("/feed.xml"))
    assert added is not None and added.title == "Harbour Gazette" and added.kind == "rss"
    page = admin.client.get("/admin").text
    assert f"Following Harbour Gazette (rss): {srv.url('/feed.xml')}" in page
    assert "Could not add not-a-url" in page
    # Flash messages are shown once.
    assert "Following Harbour Gazette" not in admin.client.get("/admin").text


def test_add_refuses_private_addresses_and_escapes_what_it_echoes(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    try:
        client = TestClient(_app(store, allow_hosts=""), follow_redirects=False)
        token = logged_in(client)
        hostile = "http://127.0.0.1/<script>alert(1)</script>"
        client.post("/admin/sources", data={"csrf": token, "urls": hostile})
        page = client.get("/admin").text
        assert store.list_sources() == []
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        too_many = " ".join(f"https://e{i}.example/" for i in range(21))
        client.post("/admin/sources", data={"csrf": token, "urls": too_many})
        assert "At most 20 addresses" in client.get("/admin").text
    finally:
        store.close()


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
<outline text="News">
  <outline type="rss" text="Alpha" xmlUrl="https://alpha.example/feed"/>
  <outline type="rss" text="Other" xmlUrl="https://other.example/feed"/>
</outline></body></opml>"""


def test_opml_upload_follows_every_feed(admin: Admin) -> None:
    token = logged_in(admin.client)
    r = admin.client.post(
        "/admin/opml",
        data={"csrf": token},
        files={"opml": ("subscriptions.opml", OPML, "text/x-opml")},
    )
    assert r.status_code == 303
    assert admin.store.get_source_by_url("https://alpha.example/feed") is not None
    assert len(admin.store.list_sources()) == 3
    assert "2 feeds in the file: 1 new, 1 already followed" in admin.client.get("/admin").text
    admin.client.post(
        "/admin/opml", data={"csrf": token}, files={"opml": ("x.opml", b"<html/>", "text/html")}
    )
    assert "Could not import the file" in admin.client.get("/admin").text


def test_admin_page_lists_sources_escaped(admin: Admin) -> None:
    logged_in(admin.client)
    r = admin.client.get("/admin")
    assert r.headers["cache-control"] == "no-store"
    assert HOSTILE not in r.text and "Quiet &lt;script&gt;" in r.text
    doc = parse(r.text)
    for form in doc.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@type='hidden'][@name='csrf']"), form.get("action")
        assert form.xpath(".//button[@type='submit']")
