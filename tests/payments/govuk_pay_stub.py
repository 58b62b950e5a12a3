"""A local stand-in for GOV.UK Pay's public API, a real HTTP server in a thread.

It speaks the parts of the API Borough uses, with GOV.UK Pay's JSON shapes, status codes and
error codes:

    POST /v1/payments                  201 (200 for a repeated Idempotency-Key, 409 if its
                                       body differs), 400 P0101 / 422 P0102 on bad input
    GET  /v1/payments/{id}             the payment, its state and refund_summary; 404 P0200
    POST /v1/payments/{id}/cancel      204; 400 P0501 once finished
    POST /v1/payments/{id}/refunds     202; 400 P0603 not refundable, 400 P0602 too much,
                                       412 P0604 refund_amount_available mismatch
    GET  /v1/payments/{id}/refunds     the refunds, under _embedded

Every API call needs `Authorization: Bearer <api_key>` (401 otherwise). Each payment's
`_links.next_url` is a hosted page here (/secure/{token}) with buttons to pay, to have the
card declined or to cancel, which then redirect (303) to the payment's return_url, as GOV.UK
Pay's own pages do. Tests drive it with `finish`, `expire`, `fail_next` and `send_webhook`
(webhooks signed like GOV.UK Pay's: Pay-Signature, hex HMAC-SHA256 of the body).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx

FINISHED = {"success", "failed", "cancelled", "error"}
OUTCOMES = {
    "success": {"status": "success", "finished": True},
    "declined": {
        "status": "failed",
        "finished": True,
        "message": "Payment method rejected",
        "code": "P0010",
    },
    "expired": {
        "status": "failed",
        "finished": True,
        "message": "Payment expired",
        "code": "P0020",
    },
    "cancel": {
        "status": "failed",
        "finished": True,
        "message": "Payment was cancelled by the user",
        "code": "P0030",
    },
    "cancelled_by_service": {
        "status": "cancelled",
        "finished": True,
        "message": "Payment was cancelled by your service",
        "code": "P0040",
    },
    "error": {
        "status": "error",
        "finished": True,
        "message": "Payment provider returned an error",
        "code": "P0050",
    },
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class GovukPayStub:
    def __init__(self) -> None:
        # Generated per stub: nothing secret is written down.
        self.api_key = "api_test_" + secrets.token_hex(16)
        self.webhook_secret = secrets.token_hex(16)
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, list[dict[str, Any]]] = {}
        self.tokens: dict[str, str] = {}
        self.idempotency: dict[str, tuple[str, str]] = {}
        self.calls: list[Call] = []
        self.refund_status = "success"
        self._fail: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # -- life ------------------------------------------------------------------------
    def start(self) -> GovukPayStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stub._handle(self, "GET")

            def do_POST(self) -> None:
                stub._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- what tests use ----------------------------------------------------------------
    def api_calls(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path == path]

    def fail_next(self, status: int = 500, times: int = 1) -> None:
        """Answer the next API calls with `status` (a GOV.UK Pay outage)."""
        self._fail.extend([status] * times)

    def finish(self, payment_id: str, outcome: str) -> None:
        """The resident finished on the hosted pages: success, declined, cancel, error."""
        with self._lock:
            self.payments[payment_id]["state"] = dict(OUTCOMES[outcome])

    def expire(self, payment_id: str) -> None:
        """GOV.UK Pay's own sweep: an unfinished payment expires after 90 minutes."""
        with self._lock:
            if self.payments[payment_id]["state"]["status"] not in FINISHED:
                self.payments[payment_id]["state"] = dict(OUTCOMES["expired"])

    def refund_settle(self, payment_id: str, refund_id: str, status: str = "success") -> None:
        with self._lock:
            for refund in self.refunds[payment_id]:
                if refund["refund_id"] == refund_id:
                    refund["status"] = status

    def refund_elsewhere(self, payment_id: str, amount: int) -> None:
        """A refund made in GOV.UK Pay's admin tool, not through Borough."""
        with self._lock:
            self.refunds[payment_id].append(self._refund(payment_id, amount, "success"))

    def webhook_body(self, *, event_type: str, payment_id: str, message_id: str = "") -> bytes:
        with self._lock:
            resource = self._payment_json(self.payments[payment_id])
        message = {
            "webhook_message_id": message_id or secrets.token_hex(13),
            "created_date": _now(),
            "resource_id": payment_id,
            "api_version": 1,
            "resource_type": "payment",
            "event_type": event_type,
            "resource": resource,
        }
        return json.dumps(message).encode()

    def sign(self, body: bytes, secret: str | None = None) -> str:
        key = (self.webhook_secret if secret is None else secret).encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()

    def send_webhook(
        self, url: str, body: bytes, *, signature: str | None = None
    ) -> httpx.Response:
        return httpx.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "Pay-Signature": self.sign(body) if signature is None else signature,
            },
            timeout=10,
        )

    # -- the API -----------------------------------------------------------------------
    def _available(self, payment_id: str) -> int:
        payment = self.payments[payment_id]
        if payment["state"]["status"] != "success":
            return 0
        taken = sum(r["amount"] for r in self.refunds[payment_id] if r["status"] != "error")
        return int(payment["amount"]) - taken

    def _payment_json(self, payment: dict[str, Any]) -> dict[str, Any]:
        payment_id = payment["payment_id"]
        base = f"{self.url}/v1/payments/{payment_id}"
        available = self._available(payment_id)
        if payment["state"]["status"] != "success":
            refund_status = "unavailable" if payment["state"]["status"] in FINISHED else "pending"
        else:
            refund_status = "available" if available > 0 else "full"
        links: dict[str, Any] = {
            "self": {"href": base, "method": "GET"},
            "events": {"href": f"{base}/events", "method": "GET"},
            "refunds": {"href": f"{base}/refunds", "method": "GET"},
        }
        if payment["state"]["status"] not in FINISHED:
            token = payment["_token"]
            links["next_url"] = {"href": f"{self.url}/secure/{token}", "method": "GET"}
            links["next_url_post"] = {
                "type": "application/x-www-form-urlencoded",
                "params": {"chargeTokenId": token},
                "href": f"{self.url}/secure",
                "method": "POST",
            }
            links["cancel"] = {"href": f"{base}/cancel", "method": "POST"}
        data = {k: v for k, v in payment.items() if not k.startswith("_")}
        data["refund_summary"] = {
            "status": refund_status,
            "amount_available": available,
            "amount_submitted": sum(
                r["amount"] for r in self.refunds[payment_id] if r["status"] != "error"
            ),
        }
        data["_links"] = links
        return data

    def _refund(self, payment_id: str, amount: int, status: str) -> dict[str, Any]:
        refund_id = secrets.token_hex(13)
        base = f"{self.url}/v1/payments/{payment_id}/refunds/{refund_id}"
        return {
            "refund_id": refund_id,
            "created_date": _now(),
            "amount": amount,
            "status": status,
            "settlement_summary": {},
            "_links": {
                "self": {"href": base, "method": "GET"},
                "payment": {"href": f"{self.url}/v1/payments/{payment_id}", "method": "GET"},
            },
        }

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        path = request.path.split("?", 1)[0]
        if path.startswith("/secure/"):
            self._hosted(request, method, path.removeprefix("/secure/"), raw)
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            self.calls.append(Call(method, path, dict(request.headers.items()), body))
            if self._fail:
                self._send(request, self._fail.pop(0), {"code": "P0999", "description": "Down"})
                return
            if request.headers.get("Authorization") != f"Bearer {self.api_key}":
                self._send(request, 401, None)
                return
            status, answer = self._api(method, path, body, request.headers.get("Idempotency-Key"))
        self._send(request, status, answer)

    def _api(self, method: str, path: str, body: Any, key: str | None) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if parts[:2] != ["v1", "payments"]:
            return 404, {"code": "P0200", "description": "Not found"}
        if len(parts) == 2 and method == "POST":
            return self._create(body, key)
        payment_id = parts[2] if len(parts) > 2 else ""
        if payment_id not in self.payments:
            return 404, {"code": "P0200", "description": f"paymentId not found: {payment_id}"}
        payment = self.payments[payment_id]
        if len(parts) == 3 and method == "GET":
            return 200, self._payment_json(payment)
        if parts[3:] == ["cancel"] and method == "POST":
            if payment["state"]["status"] in FINISHED:
                return 400, {"code": "P0501", "description": "Cancellation of payment failed"}
            payment["state"] = dict(OUTCOMES["cancelled_by_service"])
            return 204, None
        if parts[3:] == ["refunds"] and method == "GET":
            return 200, {
                "payment_id": payment_id,
                "_links": {"self": {"href": f"{self.url}{path}", "method": "GET"}},
                "_embedded": {"refunds": self.refunds[payment_id]},
            }
        if parts[3:] == ["refunds"] and method == "POST":
            return self._refund_create(payment_id, body)
        return 404, {"code": "P0200", "description": "Not found"}

    def _create(self, body: Any, key: str | None) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, {"code": "P0197", "description": "Unable to parse JSON"}
        for name in ("amount", "reference", "description", "return_url"):
            if name not in body:
                return 400, {
                    "field": name,
                    "code": "P0101",
                    "description": f"Missing mandatory attribute: {name}",
                }
        amount = body["amount"]
        if type(amount) is not int or not 1 <= amount <= 10_000_000:
            return 422, {
                "field": "amount",
                "code": "P0102",
                "description": "Invalid attribute value: amount. Must be less than or equal "
                "to 10000000",
            }
        fingerprint = json.dumps(body, sort_keys=True)
        if key and key in self.idempotency:
            seen, payment_id = self.idempotency[key]
            if seen != fingerprint:
                return 409, {
                    "code": "P0191",
                    "description": "The Idempotency-Key you sent in the request header has "
                    "already been used to create a payment.",
                }
            return 200, self._payment_json(self.payments[payment_id])
        payment_id = secrets.token_hex(13)
        token = secrets.token_hex(16)
        self.payments[payment_id] = {
            "amount": amount,
            "description": body["description"],
            "reference": body["reference"],
            "language": body.get("language", "en"),
            "metadata": body.get("metadata", {}),
            "state": {"status": "created", "finished": False},
            "payment_id": payment_id,
            "payment_provider": "sandbox",
            "created_date": _now(),
            "delayed_capture": False,
            "moto": bool(body.get("moto", False)),
            "return_url": body["return_url"],
            "authorisation_mode": "moto_api" if body.get("moto") else "web",
            "_token": token,
        }
        self.refunds[payment_id] = []
        self.tokens[token] = payment_id
        if key:
            self.idempotency[key] = (fingerprint, payment_id)
        return 201, self._payment_json(self.payments[payment_id])

    def _refund_create(self, payment_id: str, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or "amount" not in body:
            return 400, {"code": "P0601", "description": "Missing mandatory attribute: amount"}
        available = self._available(payment_id)
        if self.payments[payment_id]["state"]["status"] != "success" or available == 0:
            return 400, {
                "code": "P0603",
                "description": "The payment is not available for refund.",
            }
        if body.get("refund_amount_available") != available:
            return 412, {"code": "P0604", "description": "Refund amount available mismatch."}
        if body["amount"] > available:
            return 400, {
                "code": "P0602",
                "description": "Not sufficient amount available for refund",
            }
        refund = self._refund(payment_id, int(body["amount"]), self.refund_status)
        self.refunds[payment_id].append(refund)
        return 202, refund

    def _hosted(self, request: BaseHTTPRequestHandler, method: str, token: str, raw: bytes) -> None:
        with self._lock:
            payment_id = self.tokens.get(token.strip("/"))
            payment = self.payments.get(payment_id or "")
            if payment is None:
                self._send(request, 404, {"code": "P0200", "description": "Not found"})
                return
            if method == "POST":
                action = parse_qs(raw.decode()).get("action", [""])[0]
                if payment["state"]["status"] not in FINISHED and action in {
                    "success",
                    "declined",
                    "cancel",
                }:
                    payment["state"] = dict(OUTCOMES[action])
                request.send_response(303)
                request.send_header("Location", payment["return_url"])
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
            if payment["state"]["status"] == "created":
                payment["state"] = {"status": "started", "finished": False}
            page = (
                "<!DOCTYPE html><html lang='en'><head><title>Enter card details - GOV.UK Pay"
                " (stub)</title></head><body><main><h1>Enter card details</h1>"
                f"<p>{html.escape(payment['description'])}: {payment['amount']}p</p>"
                "<form method='post'><button name='action' value='success'>Pay</button>"
                "<button name='action' value='declined'>Decline</button>"
                "<button name='action' value='cancel'>Cancel payment</button></form>"
                "</main></body></html>"
            ).encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(page)))
        request.end_headers()
        request.wfile.write(page)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        request.send_response(status)
        if payload:
            request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        if payload:
            request.wfile.write(payload)
