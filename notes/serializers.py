"""Note shapes for the REST API: a light list item, and the full notes with the quiz."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jobs.serializers import TimestampField
from notes.models import Note


class NoteListItemSerializer(serializers.ModelSerializer[Note]):
    document_id = serializers.UUIDField(read_only=True)
    job_id = serializers.UUIDField(read_only=True)
    file_name = serializers.CharField(source="document.original_name", read_only=True)
    created_at = TimestampField(read_only=True)

    class Meta:
        model = Note
        fields = ["id", "title", "document_id", "job_id", "file_name", "created_at", "generator"]
        read_only_fields = fields


class SectionSerializer(serializers.Serializer[Any]):
    heading = serializers.CharField()
    points = serializers.ListField(child=serializers.CharField())


class KeyTermSerializer(serializers.Serializer[Any]):
    term = serializers.CharField()
    definition = serializers.CharField()


class QuizQuestionSerializer(serializers.Serializer[Any]):
    question = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=6)
    answer_index = serializers.IntegerField(min_value=0, help_text="Index of the right choice.")
    explanation = serializers.CharField()


class QuizSerializer(serializers.Serializer[Any]):
    questions = QuizQuestionSerializer(many=True)


class NoteSerializer(NoteListItemSerializer):
    summary = serializers.ListField(
        child=serializers.CharField(), source="content.summary", help_text="Sentences, in order."
    )
    sections = SectionSerializer(many=True, source="content.sections")
    key_terms = KeyTermSerializer(many=True, source="content.key_terms")
    quiz = QuizSerializer()

    class Meta(NoteListItemSerializer.Meta):
        fields = [
            *NoteListItemSerializer.Meta.fields,
            "generator_version",
            "summary",
            "sections",
            "key_terms",
            "quiz",
        ]
        read_only_fields = fields
