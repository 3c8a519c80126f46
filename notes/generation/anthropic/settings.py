"""The knobs of the Anthropic generator, filled from Django settings by the caller."""

from __future__ import annotations

from dataclasses import dataclass, field

# The newest Sonnet-class model in the installed SDK's model list (anthropic 2.10.0), and the
# one the SDK's own examples use: Sonnet balances note quality against cost and latency.
DEFAULT_MODEL = "claude-sonnet-5-5"


@dataclass(frozen=True)
class AnthropicSettings:
    # Kept out of repr so that the key never lands in a log line or a traceback.
    api_key: str = field(repr=False)
    model: str = DEFAULT_MODEL
    max_tokens: int = 4096
    timeout_seconds: float = 120.0
    # Our own retries for transient errors; the SDK's are switched off.
    max_retries: int = 4
    # Characters of document text sent per request.
    chunk_chars: int = 60_000
    base_url: str | None = None

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("an Anthropic API key is required")
        if self.max_tokens < 1 or self.chunk_chars < 1 or self.timeout_seconds <= 0:
            raise ValueError("max_tokens, chunk_chars and timeout_seconds must be positive")
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")
