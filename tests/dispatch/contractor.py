"""Contractors' systems, stood up on a local port: an Open311 GeoReport v2 server (with the
FixMyStreet updates extension) and a JSON webhook receiver that checks Borough's signature.

Each records every request it is sent and answers from a queue of prepared answers (then
with success), so a test can make the contractor fail, time out or refuse, and count what
arrived.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    body: str = ""
    content_type: str = "application/json"


@dataclass
class Contractor:
    """What the server saw and will say. `url` is set once it listens."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: deque[Answer] = field(default_factory=deque)
    # Open311 updates served by servicerequestupdates.json, as the contractor would list them.
    updates: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    # Webhook: the shared secret, and whether each request's signature checked out.
    secret: str = ""
    signature_ok: list[bool] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posts(self) -> list[Received]:
        return [r for r in self.received if r.method == "POST"]

    def fail_next(self, *answers: Answer) -> None:
        self.answers.extend(answers)


def _signed_ok(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    expected = hmac.new(
        secret.encode(), parts.get("t", "").encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _handler(contractor: Contractor, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _record(self) -> Received:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            received = Received(
                method=self.command,
                path=parts.path,
                query={key: values[0] for key, values in parse_qs(parts.query).items()},
                headers={key.lower(): value for key, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            with contractor.lock:
                contractor.received.append(received)
            return received

        def _send(self, answer: Answer) -> None:
            body = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _prepared(self) -> Answer | None:
            with contractor.lock:
                return contractor.answers.popleft() if contractor.answers else None

        def do_POST(self) -> None:
            received = self._record()
            if kind == "webhook":
                contractor.signature_ok.append(
                    _signed_ok(
                        contractor.secret,
                        received.headers.get("x-borough-signature", ""),
                        received.body,
                    )
                )
            answer = self._prepared()
            if answer is not None:
                return self._send(answer)
            number = len(contractor.posts())
            if kind == "webhook":
                return self._send(Answer(200, json.dumps({"reference": f"JOB-{number}"})))
            if received.path.endswith("/requests.json"):
                return self._send(Answer(200, json.dumps([{"service_request_id": f"SR-{number}"}])))
            return self._send(Answer(404, "[]"))

        def do_GET(self) -> None:
            received = self._record()
            answer = self._prepared()
            if answer is not None:
                return self._send(answer)
            if received.path.endswith("/servicerequestupdates.json"):
                start = datetime.fromisoformat(received.query["start_date"])
                end = datetime.fromisoformat(received.query["end_date"])
                rows = [
                    row
                    for row in contractor.updates
                    if start <= datetime.fromisoformat(row["updated_datetime"]) <= end
                ]
                return self._send(Answer(200, json.dumps(rows)))
            if "/tokens/" in received.path:
                token = received.path.rsplit("/", 1)[-1].removesuffix(".json")
                if token in contractor.tokens:
                    row = {"token": token, "service_request_id": contractor.tokens[token]}
                    return self._send(Answer(200, json.dumps([row])))
            return self._send(Answer(404, "[]"))

    return Handler


@contextmanager
def contractor_server(kind: str, *, secret: str = "") -> Iterator[Contractor]:
    """`kind` is "open311" or "webhook"."""
    contractor = Contractor(secret=secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(contractor, kind))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    contractor.url = f"http://{host}:{port}" + ("/open311/v2" if kind == "open311" else "/hooks")
    try:
        yield contractor
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
