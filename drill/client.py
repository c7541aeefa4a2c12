"""HTTP clients the load uses: keep-alive over loopback, or a Flask test client in the tests."""

from __future__ import annotations

import http.client
import json
from typing import Protocol
from urllib.parse import urlsplit

NO_ANSWER = 0  # status recorded when the request got no HTTP answer at all (refused, reset, timed out)
CUT_OFF = 1  # status recorded when the answer started but its body was cut off (a streamed export)


class Client(Protocol):
    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        """Send one request; (status, body), with status NO_ANSWER if nothing came back."""
        ...


class HttpClient:
    """One keep-alive connection per client (clients are not shared between threads)."""

    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"drills only target loopback, not {parts.hostname}")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        while True:
            reused = self._conn is not None
            conn = self._conn or http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._conn = conn
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.close()
                return response.status, data
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                self.close()
                if not reused:
                    return NO_ANSWER, b""
                # The server had closed this idle keep-alive connection: send again on a new one.
            except http.client.IncompleteRead:
                self.close()
                return CUT_OFF, b""
            except (OSError, http.client.HTTPException):  # refused, timed out, garbled
                self.close()
                return NO_ANSWER, b""

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class FlaskClient:
    """The app in-process (tests): same interface, each thread with its own test client."""

    def __init__(self, app):
        self._client = app.test_client()

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        response = self._client.open(path, method=method, json=body)
        return response.status_code, response.get_data()  # drains a streamed export too
