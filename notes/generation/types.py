"""The structured content a generator produces, validated before it is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Called with (done, total) after each page or chunk; it may raise `JobCancelled` to stop.
ProgressCallback = Callable[[int, int], None]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    heading: str = Field(min_length=1, max_length=200)
    points: list[str] = Field(min_length=1)


class KeyTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=120)
    definition: str = Field(min_length=1)


class Notes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    summary: list[str] = Field(min_length=1, description="Summary sentences, in order.")
    sections: list[Section] = Field(min_length=1)
    key_terms: list[KeyTerm] = Field(default_factory=list)


class QuizQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    choices: list[str] = Field(min_length=2, max_length=6)
    answer_index: int = Field(ge=0)
    explanation: str = Field(min_length=1)

    @model_validator(mode="after")
    def _answer_is_a_distinct_choice(self) -> Self:
        if self.answer_index >= len(self.choices):
            raise ValueError("answer_index must point at one of the choices")
        if len({choice.strip().casefold() for choice in self.choices}) != len(self.choices):
            raise ValueError("choices must be distinct")
        return self


class Quiz(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[QuizQuestion] = Field(default_factory=list)


class SourceDocument(BaseModel):
    """The extracted text a generator works from."""

    model_config = ConfigDict(frozen=True)

    file_name: str
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


class NotesGenerator(Protocol):
    """One interface, several implementations (local, anthropic), chosen by setting."""

    name: str
    version: str

    def generate_notes(
        self, document: SourceDocument, *, on_progress: ProgressCallback
    ) -> Notes: ...

    def generate_quiz(
        self, document: SourceDocument, notes: Notes, *, on_progress: ProgressCallback
    ) -> Quiz: ...
