"""The operations of the notes app: which generator runs, saving notes once per job, the cache."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction

from jobs.models import Job
from notes.generation.anthropic import AnthropicGenerator, AnthropicSettings
from notes.generation.local import LocalGenerator
from notes.generation.types import Notes, NotesGenerator, Quiz
from notes.markdown import notes_markdown
from notes.models import Note, NotesCacheEntry


def notes_generator() -> NotesGenerator:
    """`auto` is Anthropic when an API key is configured, else the offline local generator."""
    choice = settings.NOTES_GENERATOR
    if choice == "anthropic" or (choice == "auto" and settings.ANTHROPIC_API_KEY):
        options = AnthropicSettings(
            api_key=settings.ANTHROPIC_API_KEY,
            max_tokens=settings.ANTHROPIC_MAX_TOKENS,
            timeout_seconds=settings.ANTHROPIC_TIMEOUT_SECONDS,
        )
        if settings.ANTHROPIC_MODEL:
            options = replace(options, model=settings.ANTHROPIC_MODEL)
        return AnthropicGenerator(options)
    return LocalGenerator()


def _content(notes: Notes) -> dict[str, object]:
    return notes.model_dump(mode="json", exclude={"title"})


def note_save(*, job: Job, notes: Notes, quiz: Quiz, generator: str, version: str) -> Note:
    """The job's note; a redelivered task finds the one already saved instead of a second."""
    existing = Note.objects.filter(job=job).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Note.objects.create(
                owner=job.owner,
                job=job,
                document=job.document,
                title=notes.title,
                content=_content(notes),
                quiz=quiz.model_dump(mode="json"),
                generator=generator,
                generator_version=version,
            )
    except IntegrityError:
        return Note.objects.get(job=job)


def note_save_from_cache(*, job: Job, entry: NotesCacheEntry) -> Note:
    notes, quiz = notes_from_cache(entry)
    return note_save(
        job=job, notes=notes, quiz=quiz, generator=entry.generator, version=entry.generator_version
    )


def notes_from_cache(entry: NotesCacheEntry) -> tuple[Notes, Quiz]:
    return Notes.model_validate({"title": entry.title, **entry.content}), Quiz.model_validate(
        entry.quiz
    )


def notes_cache_lookup(*, content_hash: str, generator: NotesGenerator) -> NotesCacheEntry | None:
    return NotesCacheEntry.objects.filter(
        content_hash=content_hash, generator=generator.name, generator_version=generator.version
    ).first()


def notes_cache_store(*, note: Note, content_hash: str, page_count: int) -> NotesCacheEntry:
    entry, _ = NotesCacheEntry.objects.get_or_create(
        content_hash=content_hash,
        generator=note.generator,
        generator_version=note.generator_version,
        defaults={
            "title": note.title,
            "content": note.content,
            "quiz": note.quiz,
            "page_count": page_count,
        },
    )
    return entry


def note_as_markdown(note: Note) -> str:
    notes = Notes.model_validate({"title": note.title, **note.content})
    return notes_markdown(notes, Quiz.model_validate(note.quiz))
