"""The load generator of registration_load.py: residents' browsers on one asyncio loop.

Each registration is what a browser does: GET the form (session cookie, CSRF token, timing
token), then POST it filled in. The generator shares the machine's cores with the server, so it
must cost little: one thread, raw HTTP/1.1 on keep-alive connections, only the headers it needs
(a thread per client with http.client costs several times more CPU per registration).
"""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import urlencode

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED_RE = re.compile(r'name="started" type="hidden" value="([^"]+)"')


class HTTPProblem(RuntimeError):
    pass


class Browser:
    """One resident's browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookie = ""

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        data = body.encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
        if self.cookie:
            head += f"Cookie: {self.cookie}\r\n"
        if body is not None:
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(data)}\r\n"
        message = (head + "\r\n").encode() + data
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.write(message)
            try:
                raw = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                # A keep-alive connection the server had already closed: nothing was handled.
                await self.close()
                if attempt:
                    raise
                continue
            return await self._response(raw)
        raise AssertionError("unreachable")

    async def _response(self, raw: bytes) -> tuple[int, str]:
        lines = raw.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", ""):
            raise HTTPProblem("chunked responses are not expected here")
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            body = await self.reader.read()
            await self.close()
        if "set-cookie" in headers:
            self.cookie = headers["set-cookie"].split(";", 1)[0]
        if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
            await self.close()
        return int(status), body.decode()

    async def register(self, short_code: str, code: str, answers: dict) -> tuple[int, float, float]:
        """GET the form, POST it; returns (POST status, GET seconds, POST seconds)."""
        self.cookie = ""  # a new resident each time
        started = time.perf_counter()
        status, page = await self.request("GET", f"/r/{short_code}?code={code}")
        got = time.perf_counter()
        if status != 200:
            return status, got - started, 0.0
        form = {"csrf_token": CSRF_RE.search(page).group(1), "started": STARTED_RE.search(page).group(1),
                "lang": "en", "code": code, **answers}
        status, _ = await self.request("POST", f"/r/{short_code}", urlencode(form, doseq=True))
        return status, got - started, time.perf_counter() - got


def run_load(port: int, short_code: str, letter_codes: list[str], answers, clients: int,
             request_timeout: float, deadline: float) -> dict:
    """Register letter_codes[i] with answers(i), by `clients` browsers at once; bounded in time."""
    results: list[tuple[int, float, float]] = []
    failures: list[str] = []
    queue = iter(range(len(letter_codes)))
    stop_at = time.monotonic() + deadline

    async def browser() -> None:
        client = Browser(port)
        for i in queue:
            if time.monotonic() > stop_at:
                return
            try:
                async with asyncio.timeout(request_timeout * 2):
                    results.append(await client.register(short_code, letter_codes[i], answers(i)))
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures.append(f"{type(exc).__name__}: {exc}")
                await client.close()
                client = Browser(port)
        await client.close()

    async def everyone() -> None:
        await asyncio.gather(*(browser() for _ in range(clients)))

    started = time.perf_counter()
    asyncio.run(everyone())
    return {"results": results, "failures": failures, "elapsed": time.perf_counter() - started}
