"""The tools the model must call: their JSON schemas come from the pydantic models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from notes.generation.types import KeyTerm, Notes, Quiz, Section

if TYPE_CHECKING:
    from anthropic.types import ToolParam

AnswerT = TypeVar("AnswerT", bound=BaseModel)


class ChunkNotes(BaseModel):
    """Notes on one part of a long document, combined into `Notes` afterwards."""

    model_config = ConfigDict(extra="forbid")

    summary: list[str] = Field(min_length=1, description="Summary sentences for this part.")
    sections: list[Section] = Field(default_factory=list)
    key_terms: list[KeyTerm] = Field(default_factory=list)


@dataclass(frozen=True)
class Tool(Generic[AnswerT]):
    name: str
    description: str
    answer: type[AnswerT]

    def param(self) -> ToolParam:
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.answer.model_json_schema(),
        }


NOTES_TOOL = Tool(
    name="record_notes",
    description=(
        "Record the study notes for the whole document: a title, summary sentences in reading "
        "order, sections with a heading and bullet points, and key terms with definitions."
    ),
    answer=Notes,
)

CHUNK_NOTES_TOOL = Tool(
    name="record_partial_notes",
    description=(
        "Record notes on one part of a longer document: summary sentences, sections with a "
        "heading and bullet points, and key terms with definitions. They are merged later."
    ),
    answer=ChunkNotes,
)

QUIZ_TOOL = Tool(
    name="record_quiz",
    description=(
        "Record a multiple-choice quiz. Each question has 2 to 6 distinct choices, the 0-based "
        "index of the one correct choice, and an explanation of why it is correct."
    ),
    answer=Quiz,
)
