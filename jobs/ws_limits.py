"""The limits of the WebSocket protocol (PROTOCOL.md section 3) and their close codes.

No Django here: `config.serve` hands the message size to daphne before Django loads.
"""

AUTH_TIMEOUT_SECONDS = 10
MAX_MESSAGE_BYTES = 64 * 1024
MAX_ROOMS = 200
MAX_MESSAGES_PER_SECOND = 50
CLOSE_UNAUTHENTICATED = 4401
CLOSE_RATE_LIMITED = 4429
CLOSE_TOO_BIG = 1009
