"""Bot API calls over aiohttp instead of PTB's default httpx transport.

A flash crowd costs one answerCallbackQuery per press. Through httpx and httpcore (anyio streams,
h11, a pool that polls every idle socket on each request) one call cost ~0.9 ms of loop CPU on
the benchmark machine; aiohttp's C parser and connector do the same call in ~0.15 ms. aiohttp is
already a dependency (discord.py, Stripe, our web server). PTB keeps everything above the
transport: building the parameters, parsing the answer, mapping HTTP statuses to its errors.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from aiohttp.helpers import get_env_proxy_for_url, strip_auth_from_url
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

log = logging.getLogger(__name__)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_UNSET = type(BaseRequest.DEFAULT_NONE)  # PTB's "the caller set no timeout"
_TOKEN = re.compile(r"/bot[^/\s'\"]+")  # …/bot<token>/method and …/file/bot<token>/path
# What httpx escapes in a multipart file name (HTML5 form encoding): quotes and controls but ESC.
_HTML5_ESCAPES = str.maketrans({'"': "%22"} | {chr(c): f"%{c:02X}" for c in range(32) if c != 27})
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


def _env_proxy(target: URL) -> Proxy:
    """The environment's proxy for a URL and its credentials, as httpx read them: HTTP(S)_PROXY,
    else ALL_PROXY (aiohttp ignores it), unless NO_PROXY names the host."""
    try:
        return get_env_proxy_for_url(target)
    except LookupError:
        pass
    everything = getproxies().get("all")
    if not everything or (target.host and proxy_bypass(target.host)):
        return None, None
    proxy, auth = strip_auth_from_url(URL(everything))
    return (proxy, auth) if proxy.scheme == "http" else (None, None)  # as aiohttp reads the others


def _failure(error: Exception) -> TelegramError:
    """PTB's error for aiohttp's, its message without the token: aiohttp names the URL in some
    (a connection or pool timeout, too many redirects), and a log line with exc_info prints the
    whole chain, so the new error is raised without aiohttp's as its cause."""
    kind = f"{type(error).__module__.partition('.')[0]}.{type(error).__name__}"
    said = _TOKEN.sub("/bot<token>", f"{kind}: {error}" if str(error) else kind)
    return (
        TimedOut(f"Timed out ({said})") if isinstance(error, TimeoutError) else NetworkError(said)
    )


def _given(value: object, default: float | None) -> float | None:
    """The caller's timeout, or ours when it set none."""
    if isinstance(value, _UNSET):
        return default
    return None if value is None else float(value)  # type: ignore[arg-type]


def _form(data: RequestData) -> aiohttp.FormData:
    """A multipart body: the JSON-encoded parameters, then the files (uploads, media groups).
    File names go as httpx wrote them (UTF-8, HTML5's escapes): aiohttp's own quoting would
    percent-encode each non-ASCII letter and space ('été 1.csv' sent as '%C3%A9t%C3%A9%201.csv')."""
    form = aiohttp.FormData(quote_fields=False)  # then it only doubles backslashes, as httpx
    for name, value in data.json_parameters.items():
        form.add_field(name, value)
    for name, field in data.multipart_data.items():
        filename, content, mimetype = field[0], field[1], field[2] if len(field) > 2 else None
        named = filename.translate(_HTML5_ESCAPES) if filename else filename
        form.add_field(name, content, filename=named, content_type=mimetype)
    return form


class AiohttpRequest(BaseRequest):
    """PTB's BaseRequest on one aiohttp session (keep-alive pool of `connection_pool_size`)."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], Proxy] = {}  # (scheme, host) → the env's proxy

    def _proxy(self, url: str) -> Proxy:
        """HTTPS_PROXY / ALL_PROXY / NO_PROXY, as httpx honoured them: looked up once per host
        (aiohttp's trust_env would read the environment and .netrc again on every call)."""
        target = URL(url)
        where = (target.scheme, target.host or "")
        if where not in self._proxies:
            self._proxies[where] = _env_proxy(target)
        return self._proxies[where]

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (getUpdates adds its long-poll timeout to it)."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (again after a shutdown, as HTTPXRequest does), configured as PTB's
        httpx client was: the same certificate authorities (certifi, or SSL_CERT_FILE/DIR),
        idle connections closed after 5 s (and proxies from the environment: `_proxy`)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, ssl=httpx.create_ssl_context(), keepalive_timeout=5.0
            )
            headers = {"User-Agent": self.USER_AGENT}
            self._session = aiohttp.ClientSession(connector=connector, headers=headers)
            self._proxies.clear()

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _timeout(
        self, files: bool, read: object, write: object, connect: object, pool: object
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts from PTB's four: waiting for a pooled connection plus connecting,
        each read, and an overall bound that stands in for the write timeout aiohttp lacks."""
        sock_read = _given(read, self._read)
        sock_connect = _given(connect, self._connect)
        waited = _given(pool, self._pool)
        writing = _given(write, self._media_write if files else self._write)
        parts = (sock_read, sock_connect, waited, writing)
        total = None if any(part is None for part in parts) else sum(parts)  # type: ignore[arg-type]
        acquire = None if waited is None or sock_connect is None else waited + sock_connect
        return aiohttp.ClientTimeout(
            total=total, connect=acquire, sock_connect=sock_connect, sock_read=sock_read
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One call: the status and the body; PTB turns them into a result or its error."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(files, read_timeout, write_timeout, connect_timeout, pool_timeout)
        body: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if files:
                body = _form(request_data)
            else:
                body, headers = request_data.url_encoded_parameters(), FORM
        proxy, proxy_auth = self._proxy(url)
        failure: TelegramError | None = None
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
                allow_redirects=False,  # as httpx: a 3xx goes back to PTB, the body nowhere
            ) as response:
                payload = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as error:
            failure = _failure(error)
        if failure is not None:  # raised here, outside `except`, so aiohttp's is not its context
            raise failure
        if log.isEnabledFor(logging.DEBUG):  # the method only: the URL carries the token
            log.debug("HTTP Request: %s %s %s", method, url.rpartition("/")[2], status)
        return status, payload
