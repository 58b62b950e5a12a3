"""The GeoReport v2 error: a list of (code, description), sent with one HTTP status."""

from __future__ import annotations


class Open311Error(Exception):
    """Refuse a request: `status` is the HTTP status (400, 403, 404, 405, 429); each of
    `descriptions` becomes one error in the response, with the status as its code."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions) or ["Something went wrong"]


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(*descriptions: str) -> Open311Error:
    return Open311Error(403, *descriptions)


def not_found(*descriptions: str) -> Open311Error:
    return Open311Error(404, *descriptions)
