"""Input checks for the API: ids from the path and JSON bodies, each failure a clear ApiError."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from library.api.errors import ApiError

MAX_ID = 2**63 - 1  # BIGINT
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")

# The patterns the OpenAPI description publishes are the ones checked here, so that the app and its
# description cannot disagree. They mean the same in Python's re and in ECMA 262 regexes (JSON Schema):
# character sets are spelled out because the two dialects' \s differ (NEL, BOM), and `$(?!\n)` because
# Python's `$` also matches before a final newline.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # control characters but tab, LF and CR
BLANK = r"\t\n\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"


def _anchored(body: str) -> str:
    return f"^(?:{body})$(?!\\n)"


TEXT_PATTERN = _anchored(f"[^{CONTROL}]*")
NON_BLANK_TEXT_PATTERN = _anchored(f"[^{CONTROL}]*[^{CONTROL}{BLANK}][^{CONTROL}]*")
EMAIL_PATTERN = _anchored(rf"[^@{CONTROL}{BLANK}]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")
ISBN_PATTERN = _anchored(r"(?:[0-9]-?){9}[0-9Xx]|(?:[0-9]-?){12}[0-9]")
_TEXT, _NON_BLANK_TEXT, _EMAIL, _ISBN = map(re.compile, (TEXT_PATTERN, NON_BLANK_TEXT_PATTERN, EMAIL_PATTERN,
                                                         ISBN_PATTERN))


def parse_id(raw: str, what: str) -> int:
    """A positive BIGINT written in ASCII digits; anything else cannot name a row, so 404."""
    if not _ASCII_DIGITS.fullmatch(raw) or not 0 < int(raw) <= MAX_ID:
        raise ApiError(404, f"{what} {raw[:40]!r} not found")
    return int(raw)


def json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "request body must be JSON (Content-Type: application/json)")
    data = request.get_data(cache=False)
    limit = request.max_content_length
    # A chunked body has no Content-Length to refuse up front: Werkzeug cuts it at the limit without
    # a word, so whether it was longer is read from what is left of the input.
    if limit is not None and len(data) >= limit and request.environ["wsgi.input"].read(1):
        raise ApiError(413, f"request body must be at most {limit} bytes")
    try:
        body = json.loads(data)
    except RecursionError:  # the json module gives up on very deep nesting with this, not ValueError
        raise ApiError(400, "request body is nested too deeply") from None
    except ValueError as exc:  # also bytes that are not UTF-8
        raise ApiError(400, f"request body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    return body


def check_fields(body: dict[str, Any], required: set[str], optional: set[str]) -> None:
    unknown = sorted(set(body) - required - optional)
    if unknown:
        raise ApiError(400, f"unknown field(s): {', '.join(unknown)}")
    missing = sorted(required - set(body))
    if missing:
        raise ApiError(400, f"missing field(s): {', '.join(missing)}")


def text(body: dict[str, Any], name: str, max_length: int, *, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string")
    if len(value) > max_length:
        raise ApiError(400, f"{name} must be at most {max_length} characters")
    if not _TEXT.search(value):
        raise ApiError(400, f"{name} must not contain control characters")
    if required and not _NON_BLANK_TEXT.search(value):
        raise ApiError(400, f"{name} must not be empty")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (\ud800) parses as JSON but cannot be stored
            raise ApiError(400, f"{name} must be valid Unicode text") from None
    return value


def email(body: dict[str, Any], name: str = "email") -> str:
    value = text(body, name, 254)
    if not _EMAIL.search(value):
        raise ApiError(400, f"{name} is not a valid email address")
    return value


def isbn(body: dict[str, Any], name: str = "isbn") -> str:
    value = text(body, name, 17)
    if not _ISBN.search(value):
        raise ApiError(400, f"{name} must be an ISBN-10 or ISBN-13 (digits, optional hyphens)")
    return value


def integer(body: dict[str, Any], name: str, low: int, high: int) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ApiError(400, f"{name} must be an integer from {low} to {high}")
    return value
