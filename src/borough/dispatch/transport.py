"""What the Open311 and webhook clients share: the HTTP client and the one error they raise.

A contractor's answer is either a success, a failure worth trying again (no answer, a
timeout, a 5xx, 408 or 429) or a failure that trying again would only repeat (any other
4xx, or a success without the reference we need). `ContractorError.permanent` says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from borough.dispatch.models import ContractorEndpoint

USER_AGENT = "Borough"
# 4xx answers that mean "not now" rather than "never".
TRANSIENT_STATUS_CODES = frozenset({408, 425, 429})


class ContractorError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code


@dataclass(frozen=True)
class Sent:
    """A request the contractor accepted, with its id (or, from Open311, a token)."""

    external_id: str = ""
    token: str = ""
    status_code: int = 200


def http_client(endpoint: ContractorEndpoint) -> httpx.Client:
    timeout = float(endpoint.timeout_seconds or 10)
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def error_for_status(response: httpx.Response, detail: str = "") -> ContractorError:
    code = response.status_code
    permanent = 400 <= code < 500 and code not in TRANSIENT_STATUS_CODES
    message = f"The contractor answered {code} {response.reason_phrase}".strip()
    if detail:
        message += f": {detail}"
    return ContractorError(message[:2000], permanent=permanent, status_code=code)


def error_for_exception(error: httpx.HTTPError) -> ContractorError:
    if isinstance(error, httpx.TimeoutException):
        return ContractorError("The contractor did not answer in time")
    return ContractorError(
        f"Could not reach the contractor: {type(error).__name__}: {error}"[:2000]
    )
