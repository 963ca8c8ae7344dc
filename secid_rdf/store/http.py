"""HTTP to stores and endpoints: each request bounded in time and size, no secret in a message.

A store URL comes from the user, but what answers it does not: it may redirect anywhere,
trickle, never stop sending, or echo what it was sent. So every request made here

- ends within its ``timeout`` in all (connecting, redirects, authentication round trips,
  headers and body): a timer shuts the request's sockets down when the time is up, since a
  socket timeout bounds only each read;
- follows a redirect only to the same origin (scheme, host and port), and to another origin
  only when asked to (``follow_redirects``); never to a scheme other than http(s);
- reads at most ``max_bytes`` of an answer;
- fails with one :class:`StoreError` line, in which the URL's user info is ``***`` and the
  password, wherever the server put it, is ``***`` too.

User info in the URL (``http://user:password@host/store``) is taken as the credentials and
taken out of the URL. HTTP goes through :mod:`urllib.request`, whose handlers give basic
and digest authentication.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

from secid_rdf.findings import StoreError

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_ANSWER_BYTES",
    "Answer",
    "Credentials",
    "HttpClient",
    "one_line",
    "redact_url",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds one request may take in all, unless the caller says otherwise."""

MAX_ANSWER_BYTES = 256 * 1024 * 1024
"""Largest answer read (256 MiB); the whole May 2026 export as N-Triples is about 15 MB."""

_ERROR_BODY_BYTES = 64 * 1024
"""Most bytes of an error answer read for its message."""

_SERVER_MESSAGE_LIMIT = 300
_USER_INFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@")


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a store that asks for basic or digest authentication."""

    user: str
    password: str


@dataclass(frozen=True)
class Answer:
    """A successful answer: the HTTP status, the media type and the body."""

    status: int
    media_type: str
    body: bytes


def redact_url(text: str) -> str:
    """``text`` with the user info of every URL in it shown as ``***``.

    >>> redact_url("http://alice:pw@host:7878/store?graph=x")
    'http://***@host:7878/store?graph=x'
    """
    return _USER_INFO.sub(r"\1***@", text)


def one_line(text: str) -> str:
    """Server text made safe for one terminal line: no control characters, bounded length."""
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(line) > _SERVER_MESSAGE_LIMIT:
        line = line[: _SERVER_MESSAGE_LIMIT - 1] + "…"
    return line


class HttpClient:
    """Requests to one store or endpoint, with its credentials and limits.

    :param url: the store's URL; user info in it becomes the credentials.
    :param credentials: used when the URL has no user info.
    :param timeout: seconds each request may take in all.
    :param follow_redirects: follow redirects to other origins too.
    :param max_bytes: largest answer read.
    :raises StoreError: the URL is not an absolute http(s) URL, or has credentials both in
        the URL and given.
    """

    def __init__(
        self,
        url: str,
        credentials: Credentials | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        follow_redirects: bool = False,
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.url, in_url = self._split_user_info(url)
        self.shown_url = redact_url(url)
        """The URL as messages show it: its user info, if any, as ``***``."""
        if in_url is not None:
            if credentials is not None:
                raise StoreError(self.url, "give the credentials in the URL or as --user, not both")
            credentials = in_url
        self.secrets = (credentials.password,) if credentials and credentials.password else ()
        self.credentials = credentials
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._deadline: _Deadline | None = None
        handlers: list[urllib.request.BaseHandler] = [
            _DeadlineHandler(self._current_deadline),
            _RedirectPolicy(follow_redirects),
        ]
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
            passwords.add_password(None, self.url, credentials.user, credentials.password)
            handlers += [_BasicAuthHandler(passwords), _DigestAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def _split_user_info(self, url: str) -> tuple[str, Credentials | None]:
        """The URL without user info, and the credentials it held."""
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018  (a port that is no number raises here, before any request)
        except ValueError as error:
            raise StoreError(redact_url(url), f"not a valid URL: {error}") from error
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(redact_url(url), "not an http:// or https:// URL")
        user_info, at, host = parts.netloc.rpartition("@")
        if not at:
            return url, None
        clean = urllib.parse.urlunsplit(parts._replace(netloc=host))
        user, _, password = user_info.partition(":")
        return clean, Credentials(urllib.parse.unquote(user), urllib.parse.unquote(password))

    def shown(self, text: str) -> str:
        """``text`` as it may be shown: no user info in URLs, no password anywhere."""
        text = redact_url(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def error(self, url: str, reason: str, *, answered: bool = False) -> StoreError:
        """A :class:`StoreError` whose URL and reason hold no secret.

        A URL under :attr:`url` is shown under :attr:`shown_url`, so that the message says
        credentials were given without showing them.
        """
        if url.startswith(self.url):
            url = self.shown_url + url[len(self.url) :]
        return StoreError(self.shown(url), self.shown(reason), answered=answered)

    def _current_deadline(self) -> _Deadline | None:
        return self._deadline

    def send(self, request: urllib.request.Request) -> Answer:
        """Send one request and read its answer, within :attr:`timeout` in all.

        :raises StoreError: no connection, an HTTP error status (``answered``), a refused
            redirect, no complete answer in time, or too large an answer.
        """
        url = request.full_url
        deadline = _Deadline(self.timeout)
        self._deadline = deadline
        try:
            with deadline:
                answer = self._exchange(request)
        except StoreError as error:
            if deadline.expired:
                raise self.error(url, f"no complete answer within {self.timeout:g} s") from error
            raise
        finally:
            self._deadline = None
        if deadline.expired:  # a body cut short by the timer may look complete
            raise self.error(url, f"no complete answer within {self.timeout:g} s")
        return answer

    def _exchange(self, request: urllib.request.Request) -> Answer:
        """The request and its answer, every failure as a :class:`StoreError`."""
        url = request.full_url
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Answer(
                    response.status, response.headers.get_content_type(), self._read(url, response)
                )
        except _RedirectRefusedError as refused:
            raise self.error(url, str(refused), answered=True) from None
        except urllib.error.HTTPError as error:
            raise self.error(url, self._http_error_reason(error), answered=True) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self.error(url, f"no answer within {self.timeout:g} s") from None
            raise self.error(url, f"cannot connect: {error.reason}") from None
        except TimeoutError:
            raise self.error(url, f"no answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise self.error(url, f"connection failed: {error}") from None

    def _read(self, url: str, response: IO[bytes]) -> bytes:
        """The body, refused when it is larger than :attr:`max_bytes`."""
        body = response.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise self.error(url, f"the answer is larger than {self.max_bytes:,} bytes; not read")
        return body

    def _http_error_reason(self, error: urllib.error.HTTPError) -> str:
        """``HTTP 400 Bad Request: <the server's message>``, on one line."""
        reason = f"HTTP {error.code} {one_line(str(error.reason))}"
        if error.code in (401, 403):
            reason += " (authentication refused: check --user and --password)"
        try:
            body = error.read(_ERROR_BODY_BYTES) if error.fp is not None else b""
        except (OSError, http.client.HTTPException):
            body = b""
        message = one_line(body.decode("utf-8", errors="replace"))
        return f"{reason}: {message}" if message else reason


class _Deadline:
    """Shuts the sockets of one request down once its time is up.

    A blocked read then returns at once; :meth:`HttpClient.send` sees :attr:`expired` and
    reports the time-out.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._ends = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left, at least a small positive number (socket timeouts must be > 0)."""
        return max(self._ends - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (at once when it is up already)."""
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """End every transfer on ``sock`` now (blocked reads return); closing is left to its owner."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected


class _DeadlineConnectionMixin:
    """An HTTP(S) connection whose socket is watched by the request's :class:`_Deadline`."""

    deadline: _Deadline | None
    timeout: float | None
    sock: Any

    def connect(self) -> None:
        """Connect within the time left, then hand the socket to the deadline."""
        if self.deadline is not None:
            self.timeout = min(self.timeout or self.deadline.seconds, self.deadline.remaining())
        super().connect()  # type: ignore[misc]
        if self.deadline is not None:
            self.deadline.watch(self.sock)


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, http.client.HTTPConnection):
    def __init__(self, host: str, *, deadline: _Deadline | None, **options: Any) -> None:
        super().__init__(host, **options)
        self.deadline = deadline


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, http.client.HTTPSConnection):
    def __init__(self, host: str, *, deadline: _Deadline | None, **options: Any) -> None:
        super().__init__(host, **options)
        self.deadline = deadline


class _DeadlineHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Opens http:// and https:// requests on connections watched by the current deadline.

    Being both handlers, it replaces both of urllib's defaults in the opener.
    """

    def __init__(self, deadline: Callable[[], _Deadline | None]) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open an http:// request (urllib's handler hook)."""
        return self.do_open(_HTTP, req, deadline=self._deadline())

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open an https:// request (urllib's handler hook)."""
        return self.do_open(_HTTPS, req, deadline=self._deadline())


_HTTP = cast(Any, _DeadlineHTTPConnection)
_HTTPS = cast(Any, _DeadlineHTTPSConnection)
"""The connection classes as ``do_open`` takes them (typeshed's protocol has no ``**options``)."""


class _RedirectRefusedError(Exception):
    """A redirect this client does not follow; the message says where it led and why."""


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: what must stay the same for a redirect to be followed."""
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class _RedirectPolicy(urllib.request.HTTPRedirectHandler):
    """Follows redirects to the same origin; to other origins only when allowed."""

    def __init__(self, follow_other_origins: bool) -> None:
        super().__init__()
        self.follow_other_origins = follow_other_origins

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Refuse, or let urllib build the redirected request."""
        target = one_line(redact_url(newurl))
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise _RedirectRefusedError(f"redirected to {target}: not http(s); not followed")
        if not self.follow_other_origins and _origin(newurl) != _origin(req.full_url):
            raise _RedirectRefusedError(
                f"HTTP {code}: redirected to another origin, {target}; not followed"
                " (give --follow-redirects to follow it)"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _BasicAuthHandler(urllib.request.HTTPBasicAuthHandler):
    """Basic authentication that, once asked for, sends the credentials from the start.

    Every later request carries them without waiting for a challenge (see
    :class:`_DigestAuthHandler` for why).
    """

    passwd: urllib.request.HTTPPasswordMgrWithPriorAuth

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> object:
        """Answer as urllib does, and remember that this store wants basic credentials."""
        response = super().retry_http_basic_auth(host, req, realm)
        self.passwd.update_authenticated(req.full_url, True)
        return response


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers the last challenge before being asked again.

    urllib sends every request without credentials first. A store that then answers 401 and
    closes the connection before reading the body (Virtuoso 7.2 does) breaks every ``PUT``
    whose body outgrows the socket buffers ("Broken pipe"). Once a challenge is known, each
    request carries a fresh answer to it (next nonce count) from the start.
    """

    challenge: dict[str, str] | None = None

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        """Add ``Authorization`` from the known challenge (urllib's request hook)."""
        if self.challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> object:
        """Remember the challenge, then answer it as urllib does."""
        _, _, challenge = auth.partition(" ")
        items = urllib.request.parse_http_list(challenge)
        self.challenge = urllib.request.parse_keqv_list([item for item in items if item])
        return super().retry_http_digest_auth(req, auth)
