"""The admin login: scrypt password hashes, in-memory sessions, CSRF tokens, a login limiter.

Reading the site needs no account; only /admin does. There is one admin password, stored as
a salted scrypt hash (never the password). Sessions live on the server: a restart logs
everyone out, and logging out really ends a session (nothing a stolen cookie could replay).
One server process keeps them in memory (`Sessions`, `LoginLimiter`); with several worker
processes (`progleton serve --workers N`) the parent makes a private SQLite file that every
worker shares (`SharedSessions`, `SharedLoginLimiter`), so a login, its CSRF token, its
messages and the failed-login count are the same whichever worker answers; the file is
removed when the server stops.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from progleton.config import Settings, default_data_dir

MIN_PASSWORD_LENGTH = 10
# scrypt cost: 16 MiB and ~50 ms per check on a small server; enough to make offline
# guessing of a stolen hash slow while a login stays quick.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_KEY_BYTES = 32
_MAXMEM = 256 * 1024 * 1024
PASSWORD_FILE_NAME = "admin-password"  # noqa: S105 (a file name, not a password)

SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 1000
LOGIN_ATTEMPTS = 5  # failed logins allowed per client address ...
LOGIN_WINDOW = 15 * 60.0  # ... in this many seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _password_bytes(password: str) -> bytes:
    # NFC: the same password typed on two keyboards (composed or decomposed accents) matches.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$key` for `password`, with a fresh random 16-byte salt."""
    if not password:
        raise ValueError("empty password")
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(
        _password_bytes(password),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=_KEY_BYTES,
        maxmem=_MAXMEM,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True if `password` matches the `hash_password` string `stored`; False for bad hashes."""
    try:
        scheme, n_s, r_s, p_s, salt_s, key_s = stored.strip().split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt, key = _unb64(salt_s), _unb64(key_s)
    except (ValueError, binascii.Error):
        return False
    # Bounds keep a mistyped hash from asking for gigabytes of memory on every login.
    if scheme != "scrypt" or not (2 <= n <= 2**20 and n & (n - 1) == 0) or not 1 <= r <= 32:
        return False
    if not 1 <= p <= 16 or not 16 <= len(key) <= 64 or not salt:
        return False
    try:
        got = hashlib.scrypt(
            _password_bytes(password), salt=salt, n=n, r=r, p=p, dklen=len(key), maxmem=_MAXMEM
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, key)


def password_file(settings: Settings) -> Path:
    """Where `progleton admin-password` keeps the hash."""
    if settings.admin_password_file:
        return Path(settings.admin_password_file).expanduser()
    return default_data_dir() / PASSWORD_FILE_NAME


def admin_hash(settings: Settings) -> str | None:
    """The admin password's hash (setting first, then the file); None when admin is off.

    Read at each login, so `progleton admin-password` takes effect without a restart.
    """
    if settings.admin_password_hash.strip():
        return settings.admin_password_hash.strip()
    try:
        text = password_file(settings).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def write_password_file(path: Path, hashed: str) -> None:
    """Write the hash readable by its owner only, replacing any earlier one atomically."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(hashed + "\n")
    os.replace(tmp, path)


@dataclass
class Session:
    """One logged-in browser."""

    csrf: str
    expires: float
    flashes: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    # Shared sessions write their messages back (the next page may be another worker's).
    on_change: Callable[[Session], None] | None = field(default=None, repr=False, compare=False)
    key: str = ""  # the token's digest, for on_change

    def flash(self, kind: str, message: str) -> None:
        """Queue a message for the next admin page."""
        self.flashes.append((kind, message))
        del self.flashes[:-20]
        if self.on_change is not None:
            self.on_change(self)

    def take_flashes(self) -> list[tuple[str, str]]:
        """The queued messages, once."""
        out, self.flashes = self.flashes, []
        if out and self.on_change is not None:
            self.on_change(self)
        return out


def _digest(token: str) -> str:
    # Sessions are keyed by the token's hash: the table never holds usable cookies.
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Sessions:
    """Admin sessions in memory, keyed by the hash of the random cookie token."""

    def __init__(
        self, ttl: float = SESSION_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        #: Signs login-form tokens; per process, like the sessions.
        self.secret = secrets.token_bytes(32)

    def create(self) -> tuple[str, Session]:
        """A new session and its cookie token (a fresh one at every login: no fixation)."""
        token = secrets.token_urlsafe(32)
        session = Session(csrf=secrets.token_urlsafe(32), expires=self.clock() + self.ttl)
        with self._lock:
            self._prune()
            if len(self._sessions) >= MAX_SESSIONS:  # oldest out
                oldest = min(self._sessions, key=lambda k: self._sessions[k].expires)
                del self._sessions[oldest]
            self._sessions[_digest(token)] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie token, if any."""
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(_digest(token))
            if session is not None and session.expires <= self.clock():
                del self._sessions[_digest(token)]
                return None
            return session

    def end(self, token: str | None) -> None:
        """Forget a session (logout)."""
        if token:
            with self._lock:
                self._sessions.pop(_digest(token), None)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, s in self._sessions.items() if s.expires <= now]:
            del self._sessions[key]

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token for the nonce in the browser's login cookie."""
        mac = hmac.new(self.secret, b"login:" + nonce.encode("utf-8", "replace"), "sha256")
        return _b64(mac.digest())


def tokens_match(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


class LoginLimiter:
    """At most `attempts` login attempts per client address in any `window` seconds; a
    successful login forgives its address's attempts.

    While an address is over the limit its attempts are refused before the password is
    checked, so guessing costs the same whether a guess would have been right or wrong.
    """

    def __init__(
        self,
        attempts: int = LOGIN_ATTEMPTS,
        window: float = LOGIN_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def begin(self, client: str) -> int | None:
        """Start a login attempt: None to go ahead, or seconds until `client` may try again.

        The attempt counts as failed until `succeeded` forgives it, so parallel guesses
        cannot all pass the check before any of them is counted.
        """
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                for key in [k for k in self._failures if not self._recent(k, now)]:
                    del self._failures[key]
            failures = self._recent(client, now)
            if len(failures) >= self.attempts:
                return max(1, int(failures[0] + self.window - now + 0.999))
            failures.append(now)
            return None

    def succeeded(self, client: str) -> None:
        """Forgive a client's attempts after a successful login."""
        with self._lock:
            self._failures.pop(client, None)

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures


# -- shared between worker processes ---------------------------------------------------------

#: Names the shared-state file in a worker's environment (set by `progleton serve`).
SHARED_STATE_ENV = "PROGLETON_SERVE_SHARED_STATE"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, csrf TEXT NOT NULL, "
    "expires REAL NOT NULL, flashes TEXT NOT NULL DEFAULT '[]')",
    "CREATE TABLE IF NOT EXISTS login_failures (client TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS login_failures_client ON login_failures (client, at)",
)


def _connect(path: Path) -> sqlite3.Connection:
    # A connection per operation: admin traffic is rare, and workers never share one.
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def prepare_shared_state(path: Path) -> None:
    """Create the shared-state file for worker processes: tables and the form-signing secret.

    The caller (the parent process) creates it before starting workers, so they all read one
    secret, and removes it when the server stops.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner only, never reused
    os.close(fd)
    conn = _connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO meta (name, value) VALUES ('secret', ?)",
            (secrets.token_bytes(32),),
        )
    finally:
        conn.close()


class SharedSessions(Sessions):
    """`Sessions` kept in a SQLite file shared by the worker processes of one server."""

    def __init__(
        self, path: Path, ttl: float = SESSION_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        # Wall-clock time: the expiry is compared across processes.
        super().__init__(ttl, clock)
        self.path = path
        conn = _connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE name = 'secret'").fetchone()
        finally:
            conn.close()
        if row is None:
            raise RuntimeError(f"{path} is not a prepared shared-state file")
        self.secret = bytes(row[0])

    def create(self) -> tuple[str, Session]:
        """A new session and its cookie token (a fresh one at every login: no fixation)."""
        token = secrets.token_urlsafe(32)
        key = _digest(token)
        session = Session(
            csrf=secrets.token_urlsafe(32),
            expires=self.clock() + self.ttl,
            on_change=self._save,
            key=key,
        )
        conn = _connect(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM sessions WHERE expires <= ?", (self.clock(),))
            (count,) = conn.execute("SELECT count(*) FROM sessions").fetchone()
            if count >= MAX_SESSIONS:  # oldest out
                conn.execute(
                    "DELETE FROM sessions WHERE key = "
                    "(SELECT key FROM sessions ORDER BY expires LIMIT 1)"
                )
            conn.execute(
                "INSERT INTO sessions (key, csrf, expires, flashes) VALUES (?, ?, ?, '[]')",
                (key, session.csrf, session.expires),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie token, if any."""
        if not token:
            return None
        key = _digest(token)
        conn = _connect(self.path)
        try:
            row = conn.execute(
                "SELECT csrf, expires, flashes FROM sessions WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            if row[1] <= self.clock():
                conn.execute("DELETE FROM sessions WHERE key = ?", (key,))
                return None
        finally:
            conn.close()
        flashes = [(str(k), str(m)) for k, m in json.loads(row[2])]
        return Session(csrf=row[0], expires=row[1], flashes=flashes, on_change=self._save, key=key)

    def end(self, token: str | None) -> None:
        """Forget a session (logout), in every worker."""
        if token:
            conn = _connect(self.path)
            try:
                conn.execute("DELETE FROM sessions WHERE key = ?", (_digest(token),))
            finally:
                conn.close()

    def _save(self, session: Session) -> None:
        conn = _connect(self.path)
        try:
            conn.execute(
                "UPDATE sessions SET flashes = ? WHERE key = ?",
                (json.dumps(session.flashes), session.key),
            )
        finally:
            conn.close()


class SharedLoginLimiter(LoginLimiter):
    """`LoginLimiter` counting failures in the shared file: the limit holds across workers."""

    def __init__(
        self,
        path: Path,
        attempts: int = LOGIN_ATTEMPTS,
        window: float = LOGIN_WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(attempts, window, clock)
        self.path = path

    def begin(self, client: str) -> int | None:
        """Start a login attempt: None to go ahead, or seconds until `client` may try again."""
        now = self.clock()
        conn = _connect(self.path)
        try:
            # One writer at a time: parallel guesses on two workers are counted in turn.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM login_failures WHERE at <= ?", (now - self.window,))
            rows = conn.execute(
                "SELECT at FROM login_failures WHERE client = ? ORDER BY at", (client,)
            ).fetchall()
            if len(rows) >= self.attempts:
                conn.execute("COMMIT")
                return max(1, int(rows[0][0] + self.window - now + 0.999))
            conn.execute("INSERT INTO login_failures (client, at) VALUES (?, ?)", (client, now))
            conn.execute("COMMIT")
            return None
        finally:
            conn.close()

    def succeeded(self, client: str) -> None:
        """Forgive a client's attempts after a successful login."""
        conn = _connect(self.path)
        try:
            conn.execute("DELETE FROM login_failures WHERE client = ?", (client,))
        finally:
            conn.close()


def shared_admin_state() -> tuple[Sessions, LoginLimiter] | None:
    """The shared sessions and limiter named by `SHARED_STATE_ENV`, if this is a worker."""
    raw = os.environ.get(SHARED_STATE_ENV)
    if not raw:
        return None
    path = Path(raw)
    return SharedSessions(path), SharedLoginLimiter(path)
