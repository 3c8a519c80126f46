"""The job and event shapes of PROTOCOL.md sections 2 and 4, for the API and its schema.

A job renders through `job_snapshot`, the one source of its shape; the declared fields only
describe that shape for the OpenAPI schema (a test keeps the two the same).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from jobs.events import ErrorCode, Stage, Status, format_timestamp
from jobs.models import Job
from jobs.snapshots import job_snapshot

STATUS_VALUES = [status.value for status in Status]
STAGE_VALUES = [stage.value for stage in Stage]
ERROR_CODE_VALUES = [code.value for code in ErrorCode]


class TimestampField(serializers.DateTimeField):
    """ISO 8601 UTC with milliseconds, as everywhere in the protocol."""

    def to_representation(self, value: datetime) -> str:
        return format_timestamp(value)


class JobErrorSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=ERROR_CODE_VALUES, help_text="New codes may appear.")
    message = serializers.CharField(help_text="Written for the user.")
    recoverable = serializers.BooleanField(help_text="True when a retry may succeed.")


class JobResultSerializer(serializers.Serializer[Any]):
    note_id = serializers.UUIDField()
    title = serializers.CharField()
    processing_time_ms = serializers.IntegerField(min_value=0)
    cache_hit = serializers.BooleanField()


class JobSerializer(serializers.Serializer[Job]):
    """The job snapshot, as `GET /api/jobs/<id>/` and the WebSocket `subscribed` give it."""

    id = serializers.UUIDField()
    document_id = serializers.UUIDField()
    file_name = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUS_VALUES)
    stage = serializers.ChoiceField(choices=STAGE_VALUES)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    message = serializers.CharField(allow_blank=True)
    attempt = serializers.IntegerField(min_value=1)
    last_seq = serializers.IntegerField(min_value=0, help_text="The `seq` of the last event.")
    error = JobErrorSerializer(allow_null=True, help_text="Set when the job failed.")
    result = JobResultSerializer(allow_null=True, help_text="Set when the job completed.")
    created_at = TimestampField()
    started_at = TimestampField(allow_null=True)
    finished_at = TimestampField(allow_null=True)

    def to_representation(self, instance: Job) -> dict[str, Any]:
        return job_snapshot(instance)


class JobListQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=STATUS_VALUES, required=False, help_text="Only jobs with this status."
    )


class EventMetadataSerializer(serializers.Serializer[Any]):
    """The documented metadata keys: all optional; clients ignore keys they do not know."""

    file_name = serializers.CharField(required=False)
    file_size = serializers.IntegerField(required=False, min_value=0)
    page_count = serializers.IntegerField(required=False, min_value=0)
    pages_done = serializers.IntegerField(required=False, min_value=0)
    chunks_total = serializers.IntegerField(required=False, min_value=0)
    chunks_done = serializers.IntegerField(required=False, min_value=0)
    cache_hit = serializers.BooleanField(required=False)
    estimated_time_remaining_ms = serializers.IntegerField(required=False, min_value=0)
    generator = serializers.CharField(required=False)


class EventSerializer(serializers.Serializer[Any]):
    """One job event (PROTOCOL.md section 2): the same shape on the WebSocket and here."""

    job_id = serializers.UUIDField()
    user_id = serializers.CharField()
    document_id = serializers.UUIDField()
    seq = serializers.IntegerField(min_value=1, help_text="Position in the job's stream.")
    user_seq = serializers.IntegerField(min_value=1, help_text="Position in the user's stream.")
    attempt = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=STATUS_VALUES)
    stage = serializers.ChoiceField(choices=STAGE_VALUES)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    message = serializers.CharField(allow_blank=True)
    metadata = EventMetadataSerializer()
    result = JobResultSerializer(allow_null=True, help_text="Carried by `completed` events.")
    error = JobErrorSerializer(allow_null=True, help_text="Carried by `failed` events.")
    timestamp = TimestampField()


class JobEventsQuerySerializer(serializers.Serializer[Any]):
    after = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text="The last `seq` the client applied."
    )
    wait = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=25,
        default=0,
        help_text="Long polling: hold the request up to this many seconds while no event is "
        "newer than `after`.",
    )


class UserEventsQuerySerializer(JobEventsQuerySerializer):
    after = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text="The last `user_seq` the client applied."
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, default=500, help_text="At most this many."
    )


class JobEventsPageSerializer(serializers.Serializer[Any]):
    job = JobSerializer()
    events = EventSerializer(many=True, help_text="The events after `after`, in `seq` order.")
    recovered = serializers.BooleanField(
        help_text="False when the events after `after` were pruned: take `job` as the truth."
    )


class UserEventsPageSerializer(serializers.Serializer[Any]):
    jobs = JobSerializer(
        many=True, help_text="The user's jobs that are not over, and those that ended in 24 h."
    )
    events = EventSerializer(
        many=True, help_text="The user's events after `after`, in `user_seq` order."
    )
    recovered = serializers.BooleanField(
        help_text="False when the events after `after` were pruned: take `jobs` as the truth."
    )
