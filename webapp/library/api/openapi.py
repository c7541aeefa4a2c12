"""The OpenAPI 3 description of the API, served at /api/v1/openapi.json (the fuzz tests read it).

Limits here are the validators' limits (validation.py): the description is the contract the
property-based fuzzer holds the app to, so it must say what the app really accepts and answers.
"""

from __future__ import annotations

from flask import jsonify

from library.api import bp
from library.api.validation import EMAIL_PATTERN, ISBN_PATTERN, MAX_ID, NON_BLANK_TEXT_PATTERN, TEXT_PATTERN


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _text(max_length: int, min_length: int = 1) -> dict:
    """A text field: required ones need a non-blank character, none may hold control characters."""
    pattern = TEXT_PATTERN if min_length == 0 else NON_BLANK_TEXT_PATTERN
    return {"type": "string", "minLength": min_length, "maxLength": max_length, "pattern": pattern}


READER_ID = {
    "name": "pk",
    "in": "path",
    "required": True,
    "description": "reader id (1 to 2^63-1, ASCII digits)",
    "schema": {"type": "string"},
}
READER = {
    "description": "the reader with their books",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reader"}}},
}
WRITE_ERRORS = {
    "400": _error("invalid input"),
    "413": _error("body over 64 KiB"),
    "415": _error("body is not JSON"),
    "503": _error("read-only mode: the master is unreachable"),
}

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "Library service",
        "version": "1.0.0",
        "description": "Readers and the books they hold, served from a MariaDB master and replica.",
    },
    "paths": {
        "/api/v1/library/reader/{pk}/": {
            "parameters": [READER_ID],
            "get": {
                "summary": "a reader with their books",
                "responses": {"200": READER, "404": _error("no such reader"), "503": _error("no database reachable")},
            },
            "delete": {
                "summary": "delete a reader; their books go back to the shelves",
                "responses": {
                    "204": {"description": "deleted"},
                    "404": _error("no such reader"),
                    "503": _error("read-only mode"),
                },
            },
        },
        "/api/v1/library/reader/": {
            "post": {
                "summary": "register a reader",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewReader"}}},
                },
                "responses": {"201": READER, "409": _error("email already registered"), **WRITE_ERRORS},
            },
        },
        "/api/v1/library/reader/{pk}/books/": {
            "parameters": [READER_ID],
            "post": {
                "summary": "give a reader a book",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewBook"}}},
                },
                "responses": {"201": READER, "404": _error("no such reader"), **WRITE_ERRORS},
            },
        },
        "/api/v1/library/export/": {
            "get": {
                "summary": "every reader-book pair as CSV, streamed",
                "responses": {
                    "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "503": _error("no database reachable"),
                },
            },
        },
        "/api/v1/health": {
            "get": {
                "summary": "which database endpoints this process sees online",
                "responses": {
                    "200": {
                        "description": "reads can be served",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
                    },
                    "503": {
                        "description": "no database reachable",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
                    },
                },
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "this description",
                "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {}}}},
            },
        },
    },
    "components": {
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Book": {
                "type": "object",
                "required": ["id", "title", "author", "isbn", "publication_year"],
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "author": {"type": "string"},
                    "isbn": {"type": "string"},
                    "publication_year": {"type": "integer"},
                },
            },
            "Reader": {
                "type": "object",
                "required": ["id", "first_name", "last_name", "email", "phone", "address", "registered_at", "books"],
                "properties": {
                    "id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "first_name": {"type": "string"},
                    "last_name": {"type": "string"},
                    "email": {"type": "string"},
                    "phone": {"type": "string"},
                    "address": {"type": "string"},
                    "registered_at": {"type": "string"},
                    "books": {"type": "array", "items": {"$ref": "#/components/schemas/Book"}},
                },
            },
            "NewReader": {
                "type": "object",
                "additionalProperties": False,
                "required": ["first_name", "last_name", "email"],
                "properties": {
                    "first_name": _text(100),
                    "last_name": _text(100),
                    "email": {"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN},
                    "phone": _text(40, 0),
                    "address": _text(255, 0),
                },
            },
            "NewBook": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "author", "isbn", "publication_year"],
                "properties": {
                    "title": _text(255),
                    "author": _text(200),
                    "isbn": {
                        "type": "string",
                        "maxLength": 17,
                        "pattern": ISBN_PATTERN,
                    },
                    "publication_year": {"type": "integer", "minimum": 1, "maximum": 2100},
                },
            },
            "Health": {
                "type": "object",
                "required": ["status", "reads", "writes", "endpoints"],
                "properties": {
                    "status": {"type": "string", "enum": ["ok", "read-only", "unavailable"]},
                    "reads": {"type": "boolean"},
                    "writes": {"type": "boolean"},
                    "endpoints": {"type": "array", "items": {"$ref": "#/components/schemas/Endpoint"}},
                },
            },
            "Endpoint": {
                "type": "object",
                "description": "One database endpoint as this worker sees it (offline flags are shared by all).",
                "required": ["name", "role", "online"],
                "properties": {
                    "name": {"type": "string"},
                    "role": {"type": "string", "enum": ["writer", "reader"]},
                    "online": {"type": "boolean"},
                    "offline_for_s": {"type": "number", "description": "seconds until it is tried again"},
                    "offline_until": {"type": "string", "format": "date-time"},
                    "lag_s": {"type": "number", "nullable": True,
                              "description": "replica lag (readers); null when not measured or unreachable"},
                    "lagging": {"type": "boolean"},
                    "last_error": {"type": "string", "description": "why it was flagged offline"},
                },
            },
        }
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
