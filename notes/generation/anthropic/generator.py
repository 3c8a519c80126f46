"""Notes and quiz from Claude: one call per chunk of the document, then one to combine."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from jobs.errors import JobError
from jobs.events import ErrorCode
from notes.generation.anthropic.chunking import leading_excerpt, split_into_chunks
from notes.generation.anthropic.client import ToolCaller
from notes.generation.anthropic.prompts import (
    PROMPT_VERSION,
    chunk_prompt,
    combine_prompt,
    notes_prompt,
    quiz_prompt,
    render_json,
)
from notes.generation.anthropic.schemas import CHUNK_NOTES_TOOL, NOTES_TOOL, QUIZ_TOOL
from notes.generation.anthropic.settings import AnthropicSettings
from notes.generation.types import Notes, ProgressCallback, Quiz, SourceDocument

if TYPE_CHECKING:
    import httpx2


class AnthropicGenerator:
    name = "anthropic"

    def __init__(
        self,
        settings: AnthropicSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        http_client: httpx2.Client | None = None,
        rng: random.Random | None = None,
    ) -> None:
        # The version keys the notes cache: a new model or new prompts mean new notes.
        self.version = f"{settings.model}-{PROMPT_VERSION}"
        self._settings = settings
        self._caller = ToolCaller(settings, http_client=http_client, sleep=sleep, rng=rng)

    def generate_notes(self, document: SourceDocument, *, on_progress: ProgressCallback) -> Notes:
        """Reports (chunks done, chunks total); the final combine call follows the last chunk."""
        chunks = split_into_chunks(document.pages, max_chars=self._settings.chunk_chars)
        if not chunks:
            raise JobError(ErrorCode.PDF_NO_TEXT, "The document has no text to write notes from.")
        total = len(chunks)
        on_progress(0, total)
        if total == 1:
            notes = self._caller.call(
                notes_prompt(file_name=document.file_name, chunk=chunks[0]), NOTES_TOOL
            )
            on_progress(1, 1)
            return notes
        parts = []
        for done, chunk in enumerate(chunks, start=1):
            prompt = chunk_prompt(file_name=document.file_name, chunk=chunk, part=done, parts=total)
            parts.append((chunk, self._caller.call(prompt, CHUNK_NOTES_TOOL)))
            on_progress(done, total)
        return self._caller.call(
            combine_prompt(file_name=document.file_name, parts=parts), NOTES_TOOL
        )

    def generate_quiz(
        self, document: SourceDocument, notes: Notes, *, on_progress: ProgressCallback
    ) -> Quiz:
        on_progress(0, 1)
        # The notes come first; what is left of one request's budget shows the source wording.
        budget = self._settings.chunk_chars - len(render_json(notes))
        excerpt = leading_excerpt(document.pages, max_chars=budget)
        prompt = quiz_prompt(file_name=document.file_name, notes=notes, excerpt=excerpt)
        quiz = self._caller.call(prompt, QUIZ_TOOL)
        on_progress(1, 1)
        return quiz
