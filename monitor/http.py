"""One small, careful HTTP GET shared by the feed pollers and the article fetch.

What every fetch of an untrusted URL needs and aiohttp does not give in one call: a total timeout,
a cap on the (decompressed) body size enforced while streaming, capped redirects, gzip/deflate,
and failures turned into one ``FetchError`` with a short, log-friendly message. Any HTTP status is
returned as a ``Response`` (the caller decides what a 304, 429 or 500 means); only transport
problems raise.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

import aiohttp

from monitor.config import PollConfig

FailureKind = Literal["timeout", "too_large", "too_many_redirects", "network"]


class FetchError(Exception):
    """The request did not produce a usable response: timeout, oversize body, redirect loop, network."""

    def __init__(self, kind: FailureKind, message: str):
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class Response:
    """A complete HTTP response as plain data (headers with lower-case names)."""

    status: int
    url: str  # after redirects
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8 (never raises)."""
        charset = "utf-8"
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"' ")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def open_session(poll: PollConfig) -> aiohttp.ClientSession:
    """A client session with our User-Agent; call from inside the running event loop."""
    return aiohttp.ClientSession(
        headers={"User-Agent": poll.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=aiohttp.ClientTimeout(total=poll.timeout),
    )


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    poll: PollConfig,
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """GET ``url`` within ``poll.timeout`` seconds, at most ``poll.max_redirects`` redirects and
    ``poll.max_bytes`` of decompressed body; raises FetchError otherwise."""
    try:
        async with session.get(
            url,
            headers=headers or {},
            allow_redirects=True,
            max_redirects=poll.max_redirects,
            timeout=aiohttp.ClientTimeout(total=poll.timeout),
        ) as resp:
            declared = resp.content_length
            encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
            if declared is not None and not encoded and declared > poll.max_bytes:
                raise FetchError("too_large", f"body of {declared} bytes is over the {poll.max_bytes}-byte cap")
            body = bytearray()
            async for chunk in resp.content.iter_chunked(64 * 1024):
                body += chunk
                if len(body) > poll.max_bytes:
                    raise FetchError("too_large", f"body is over the {poll.max_bytes}-byte cap")
            return Response(
                status=resp.status,
                url=str(resp.url),
                headers={k.lower(): v for k, v in resp.headers.items()},
                body=bytes(body),
            )
    except FetchError:
        raise
    except aiohttp.TooManyRedirects:
        raise FetchError("too_many_redirects", f"more than {poll.max_redirects} redirects") from None
    except (TimeoutError, asyncio.TimeoutError):
        raise FetchError("timeout", f"no complete response within {poll.timeout:g}s") from None
    except aiohttp.ClientResponseError as exc:  # e.g. a malformed response or a decompression error
        raise FetchError("network", f"bad response: {exc.message or type(exc).__name__}") from None
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        raise FetchError("network", f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
