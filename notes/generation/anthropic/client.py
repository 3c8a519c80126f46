"""One forced tool call through the official SDK, streamed, checked and retried.

`anthropic` takes about 1.5 s to import, so it is imported here, inside the functions that
talk to the API, and never when the package is imported.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from notes.generation.anthropic.errors import (
    REFUSED,
    TOO_LONG,
    Retry,
    bad_response,
    classify_api_error,
    unavailable,
)
from notes.generation.anthropic.prompts import Prompt
from notes.generation.anthropic.retry import call_with_retries
from notes.generation.anthropic.schemas import AnswerT, Tool
from notes.generation.anthropic.settings import AnthropicSettings

if TYPE_CHECKING:
    import anthropic
    import httpx2
    from anthropic.types import Message

log = logging.getLogger(__name__)


class ToolCaller:
    def __init__(
        self,
        settings: AnthropicSettings,
        *,
        http_client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._http_client = http_client
        self._sleep = sleep
        # Backoff jitter needs spread, not secrecy.
        self._rng = rng or random.Random()  # noqa: S311
        self._sdk: anthropic.Anthropic | None = None

    def call(self, prompt: Prompt, tool: Tool[AnswerT]) -> AnswerT:
        """The tool's validated input, or a `JobError` once retries are spent."""
        return call_with_retries(
            lambda: self._attempt(prompt, tool),
            max_retries=self._settings.max_retries,
            sleep=self._sleep,
            rng=self._rng,
        )

    def _client(self) -> anthropic.Anthropic:
        if self._sdk is None:
            import anthropic

            self._sdk = anthropic.Anthropic(
                api_key=self._settings.api_key,
                base_url=self._settings.base_url,
                timeout=self._settings.timeout_seconds,
                max_retries=0,  # we retry ourselves, with our backoff and error mapping
                http_client=self._http_client,
            )
        return self._sdk

    def _attempt(self, prompt: Prompt, tool: Tool[AnswerT]) -> AnswerT:
        import anthropic
        import httpx2

        try:
            # Streaming keeps a long generation from tripping idle-connection timeouts.
            with self._client().messages.stream(
                model=self._settings.model,
                max_tokens=self._settings.max_tokens,
                system=prompt.system,
                messages=[{"role": "user", "content": prompt.user}],
                tools=[tool.param()],
                tool_choice={"type": "tool", "name": tool.name, "disable_parallel_tool_use": True},
            ) as stream:
                finished = False
                for event in stream:
                    finished = finished or event.type == "message_stop"
                # A stream cut off before `message_stop` holds half an answer: the connection
                # failed, not the model.
                if not finished:
                    raise unavailable()
                message = stream.get_final_message()
        except anthropic.APIError as exc:
            raise classify_api_error(exc) from exc
        except httpx2.TransportError as exc:  # the connection broke while reading the stream
            raise unavailable() from exc
        except ValueError as exc:  # the SDK could not parse the streamed tool input as JSON
            raise bad_response() from exc
        return _tool_input(message, tool)


def _tool_input(message: Message, tool: Tool[AnswerT]) -> AnswerT:
    if message.stop_reason == "max_tokens":
        raise bad_response(TOO_LONG)
    if message.stop_reason == "refusal":
        raise bad_response(REFUSED, retry=Retry.NEVER)
    if message.stop_reason != "tool_use":
        log.warning("anthropic answer stopped with %r instead of a tool call", message.stop_reason)
        raise bad_response()
    for block in message.content:
        if block.type == "tool_use" and block.name == tool.name:
            try:
                return tool.answer.model_validate(block.input)
            except ValidationError as exc:
                # Only the count: the error text would quote the document's content into logs.
                log.warning(
                    "anthropic %s answer failed %d schema checks", tool.name, exc.error_count()
                )
                raise bad_response() from exc
    raise bad_response()
