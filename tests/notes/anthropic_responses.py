"""Response shapes of the Anthropic Messages API, for tests at the HTTP transport.

Written by hand in the API's documented wire format (no live traffic is captured: tests never
reach the network). Streams follow `POST /v1/messages` with `"stream": true` and a forced tool:
message_start, content_block_start (tool_use), a ping, content_block_delta events carrying
`input_json_delta` pieces, content_block_stop, message_delta (stop_reason), message_stop.
"""

from __future__ import annotations

import json
from typing import Any

MODEL = "claude-sonnet-5-5"

NOTES_ANSWER: dict[str, Any] = {
    "title": "Photosynthesis",
    "summary": [
        "Photosynthesis turns light energy into chemical energy stored in glucose.",
        "It runs in two stages: the light reactions and the Calvin cycle.",
    ],
    "sections": [
        {
            "heading": "Light reactions",
            "points": [
                "Take place in the thylakoid membranes.",
                "Split water and release oxygen.",
                "Produce ATP and NADPH.",
            ],
        },
        {
            "heading": "Calvin cycle",
            "points": ["Takes place in the stroma.", "Fixes CO2 into sugars using ATP and NADPH."],
        },
    ],
    "key_terms": [
        {"term": "Chlorophyll", "definition": "The green pigment that absorbs light."},
        {"term": "RuBisCO", "definition": "The enzyme that fixes carbon dioxide."},
    ],
}

CHUNK_ANSWER: dict[str, Any] = {
    "summary": ["This part explains where the light reactions happen."],
    "sections": [{"heading": "Thylakoids", "points": ["Stacked membranes inside chloroplasts."]}],
    "key_terms": [{"term": "Thylakoid", "definition": "A membrane sac inside a chloroplast."}],
}

QUIZ_ANSWER: dict[str, Any] = {
    "questions": [
        {
            "question": "Where do the light reactions take place?",
            "choices": ["Stroma", "Thylakoid membranes", "Mitochondria", "Nucleus"],
            "answer_index": 1,
            "explanation": "The notes place the light reactions in the thylakoid membranes.",
        },
        {
            "question": "Which enzyme fixes carbon dioxide?",
            "choices": ["ATP synthase", "Amylase", "RuBisCO", "Helicase"],
            "answer_index": 2,
            "explanation": "RuBisCO fixes CO2 in the Calvin cycle.",
        },
    ]
}

# A notes answer spelled out event by event, as it comes over the wire: the tool input arrives
# as JSON text in pieces that split keys and strings at arbitrary points.
NOTES_STREAM = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL",'
    b'"type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[],'
    b'"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1482,'
    b'"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8}}}\n'
    b"\n"
    b"event: content_block_start\n"
    b'data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use",'
    b'"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"record_notes","input":{}}}\n'
    b"\n"
    b"event: ping\n"
    b'data: {"type": "ping"}\n'
    b"\n"
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
    b'"partial_json":""}}\n'
    b"\n"
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
    b'"partial_json":"{\\"title\\": \\"Photosyn"}}\n'
    b"\n"
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
    b'"partial_json":"thesis\\", \\"summary\\": [\\"Photosynthesis turns light energy into '
    b'chemical energy stored in glucose.\\", \\"It runs in two stages: the light reactions '
    b'and the Calvin cycle.\\"], \\"sec"}}\n'
    b"\n"
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
    b'"partial_json":"tions\\": [{\\"heading\\": \\"Light reactions\\", \\"points\\": '
    b'[\\"Take place in the thylakoid membranes.\\", \\"Split water and release oxygen.\\", '
    b'\\"Produce ATP and NADPH.\\"]}, {\\"heading\\": \\"Calvin cycle\\", \\"points\\": '
    b'[\\"Takes place in the stroma.\\", \\"Fixes CO2 into sugars using ATP and NADPH.\\"]}]"}}\n'
    b"\n"
    b"event: content_block_delta\n"
    b'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",'
    b'"partial_json":", \\"key_terms\\": [{\\"term\\": \\"Chlorophyll\\", \\"definition\\": '
    b'\\"The green pigment that absorbs light.\\"}, {\\"term\\": \\"RuBisCO\\", '
    b'\\"definition\\": \\"The enzyme that fixes carbon dioxide.\\"}]}"}}\n'
    b"\n"
    b"event: content_block_stop\n"
    b'data: {"type":"content_block_stop","index":0}\n'
    b"\n"
    b"event: message_delta\n"
    b'data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},'
    b'"usage":{"output_tokens":213}}\n'
    b"\n"
    b"event: message_stop\n"
    b'data: {"type":"message_stop"}\n'
    b"\n"
)


def _event(payload: dict[str, Any]) -> str:
    return f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n"


def _opening_events(tool_name: str) -> list[str]:
    return [
        _event(
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01HCR1sD2vzGsG1pBPmRv5aX",
                    "type": "message",
                    "role": "assistant",
                    "model": MODEL,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 2048, "output_tokens": 1},
                },
            }
        ),
        _event(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_01A09q90qw90lq917835lq9",
                    "name": tool_name,
                    "input": {},
                },
            }
        ),
        _event({"type": "ping"}),
    ]


def _json_deltas(input_json: str, pieces: int) -> list[str]:
    size = max(1, -(-len(input_json) // pieces))
    return [
        _event(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": input_json[i : i + size]},
            }
        )
        for i in range(0, len(input_json), size)
    ]


def tool_use_stream(
    tool_name: str, answer: dict[str, Any], *, stop_reason: str = "tool_use", pieces: int = 4
) -> bytes:
    """A complete streamed answer calling `tool_name` with `answer` as its input."""
    events = [
        *_opening_events(tool_name),
        *_json_deltas(json.dumps(answer), pieces),
        _event({"type": "content_block_stop", "index": 0}),
        _event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": 512},
            }
        ),
        _event({"type": "message_stop"}),
    ]
    return "".join(events).encode()


def overloaded_mid_stream(tool_name: str, answer: dict[str, Any]) -> bytes:
    """HTTP 200, a few deltas, then an `error` event: the API overloaded mid-answer."""
    deltas = _json_deltas(json.dumps(answer), 6)[:2]
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    return "".join([*_opening_events(tool_name), *deltas, _event(error)]).encode()


def cut_off_stream(tool_name: str, answer: dict[str, Any]) -> bytes:
    """HTTP 200 and a few deltas, then the body simply ends: a dropped connection."""
    return "".join([*_opening_events(tool_name), *_json_deltas(json.dumps(answer), 6)[:3]]).encode()


def error_body(error_type: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
    }


# (status, headers, JSON body) of an error answered before any stream starts.
ErrorReply = tuple[int, dict[str, str], dict[str, Any]]

RATE_LIMITED: ErrorReply = (
    429,
    {"retry-after": "7", "anthropic-ratelimit-requests-remaining": "0"},
    error_body(
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 input tokens "
        "per minute.",
    ),
)
OVERLOADED: ErrorReply = (529, {}, error_body("overloaded_error", "Overloaded"))
UNAUTHORIZED: ErrorReply = (401, {}, error_body("authentication_error", "invalid x-api-key"))
FORBIDDEN: ErrorReply = (
    403,
    {},
    error_body("permission_error", "Your API key does not have permission to use this model."),
)
INTERNAL: ErrorReply = (500, {}, error_body("api_error", "Internal server error"))
BAD_GATEWAY: ErrorReply = (502, {}, error_body("api_error", "Bad gateway"))
SERVICE_UNAVAILABLE: ErrorReply = (503, {}, error_body("api_error", "Service unavailable"))
PROMPT_TOO_LONG: ErrorReply = (
    400,
    {},
    error_body("invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum"),
)
MODEL_NOT_FOUND: ErrorReply = (404, {}, error_body("not_found_error", "model: claude-sonnet-9"))
