"""Subscribing with and without a cursor: the snapshot, the replayed events, pruned history."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from jobs import event_log, ws_reads
from jobs.events import Stage
from jobs.models import Job, JobEvent
from jobs.services import job_events_prune
from tests.servers import active, completed, emit_one, pipeline, queued

pytestmark = pytest.mark.django_db(transaction=True)


async def emit_all(emit_event, job_id, drafts):
    return [(await emit_event(job_id, draft)).to_wire() for draft in drafts]


async def api_get(async_client, token, path):
    response = await async_client.get(path, headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    return response.json()


async def test_a_cursor_replays_exactly_the_later_events_in_order(open_ws, emit_event, token, job):
    emitted = await emit_all(emit_event, job.id, pipeline(6))
    client = await open_ws(token=token)
    subscribed, replayed = await client.subscribe(f"job:{job.id}", after=2)
    assert (subscribed["replayed"], subscribed["recovered"]) == (4, True)
    assert replayed == emitted[2:]


async def test_live_events_follow_the_replayed_ones(open_ws, emit_event, token, job):
    await emit_all(emit_event, job.id, [queued(), active(Stage.INITIALIZING, 5)])
    client = await open_ws(token=token)
    _, replayed = await client.subscribe(f"job:{job.id}", after=0)
    await emit_event(job.id, active(Stage.DOWNLOADING, 10))
    [live] = await client.receive_events(1)
    assert [event["seq"] for event in [*replayed, live]] == [1, 2, 3]


async def test_the_user_room_replays_every_job_after_a_user_cursor_in_user_seq_order(
    open_ws, emit_event, create_job, token, user
):
    first, second = await create_job(user), await create_job(user)
    emitted = []
    for draft in pipeline(4):
        emitted += await emit_all(emit_event, first.id, [draft])
        emitted += await emit_all(emit_event, second.id, [draft])
    client = await open_ws(token=token)
    subscribed, replayed = await client.subscribe("user:me", after=3)
    assert subscribed["replayed"] == 5
    assert replayed == emitted[3:]
    assert [event["user_seq"] for event in replayed] == [4, 5, 6, 7, 8]


async def test_without_a_cursor_nothing_is_replayed_and_the_snapshot_is_the_api_job(
    open_ws, emit_event, async_client, token, job
):
    await emit_all(emit_event, job.id, pipeline(5)[:3])
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(f"job:{job.id}")
    assert (subscribed["replayed"], subscribed["recovered"]) == (0, True)
    assert subscribed["snapshot"] == await api_get(async_client, token, f"/api/jobs/{job.id}/")
    assert subscribed["snapshot"]["last_seq"] == 3
    await emit_event(job.id, active(Stage.SAVING, 90))
    [live] = await client.receive_events(1)
    assert live["seq"] == 4


async def test_a_completed_job_snapshot_carries_its_result(
    open_ws, emit_event, async_client, token, job
):
    [*_, done] = await emit_all(emit_event, job.id, [queued(), completed()])
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(f"job:{job.id}")
    assert subscribed["snapshot"]["result"] == done["result"]
    assert subscribed["snapshot"] == await api_get(async_client, token, f"/api/jobs/{job.id}/")


async def test_the_user_room_snapshot_lists_unfinished_and_recently_finished_jobs(
    open_ws, emit_event, create_job, async_client, token, user
):
    running, finished, long_ago = [await create_job(user) for _ in range(3)]
    await emit_all(emit_event, running.id, [queued()])
    await emit_all(emit_event, finished.id, [queued(), completed()])
    await emit_all(emit_event, long_ago.id, [queued(), completed()])
    two_days_ago = timezone.now() - timedelta(days=2)
    await Job.objects.filter(id=long_ago.id).aupdate(finished_at=two_days_ago)
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe("user:me")
    snapshot = {job["id"]: job for job in subscribed["snapshot"]}
    assert set(snapshot) == {str(running.id), str(finished.id)}
    for job_id, job in snapshot.items():
        assert job == await api_get(async_client, token, f"/api/jobs/{job_id}/")


async def test_a_cursor_at_the_head_recovers_with_nothing_to_replay(
    open_ws, emit_event, token, job
):
    await emit_all(emit_event, job.id, pipeline(3))
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(f"job:{job.id}", after=3)
    assert (subscribed["replayed"], subscribed["recovered"]) == (0, True)


async def test_a_cursor_beyond_the_head_replays_nothing_and_live_events_still_arrive(
    open_ws, emit_event, token, job
):
    await emit_all(emit_event, job.id, [queued()])
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(f"job:{job.id}", after=40)
    assert (subscribed["replayed"], subscribed["recovered"]) == (0, True)
    await emit_event(job.id, active(Stage.INITIALIZING, 5))
    [live] = await client.receive_events(1)
    assert live["seq"] == 2


@database_sync_to_async
def prune_events_up_to(job, seq):
    """Age the job's events up to `seq` past the retention period, then prune."""
    long_ago = timezone.now() - timedelta(days=365)
    JobEvent.objects.filter(job=job, seq__lte=seq).update(created_at=long_ago)
    return job_events_prune()


@pytest.mark.parametrize("room_kind", ["job", "user"])
async def test_a_cursor_into_pruned_history_gets_recovered_false_and_the_current_snapshot(
    open_ws, emit_event, token, job, room_kind
):
    await emit_all(emit_event, job.id, pipeline(6)[:5])
    assert await prune_events_up_to(job, 3) == 3
    room = f"job:{job.id}" if room_kind == "job" else "user:me"
    client = await open_ws(token=token)
    subscribed, _ = await client.subscribe(room, after=1)
    assert (subscribed["replayed"], subscribed["recovered"]) == (0, False)
    snapshot = subscribed["snapshot"] if room_kind == "job" else subscribed["snapshot"][0]
    assert snapshot["last_seq"] == 5
    await emit_event(job.id, active(Stage.CACHING, 95))
    [live] = await client.receive_events(1)
    assert live["seq"] == 6


@database_sync_to_async
def write_log(job, count):
    """`count` events straight into the log (as the emitter would have numbered them)."""
    now = timezone.now()
    JobEvent.objects.bulk_create(
        JobEvent(
            job=job,
            user=job.owner,
            document_id=job.document_id,
            seq=seq,
            user_seq=seq,
            attempt=1,
            status="active",
            stage="extracting_text",
            progress=50,
            message="Extracting text",
            created_at=now,
        )
        for seq in range(1, count + 1)
    )
    Job.objects.filter(id=job.id).update(status="active", stage="extracting_text", last_seq=count)


@pytest.mark.parametrize("room_kind", ["job", "user"])
async def test_a_replay_longer_than_one_page_of_the_log_is_complete(open_ws, token, job, room_kind):
    await write_log(job, 1234)
    await database_sync_to_async(_set_stream_head)(job.owner, 1234)
    room = f"job:{job.id}" if room_kind == "job" else "user:me"
    client = await open_ws(token=token)
    subscribed, replayed = await client.subscribe(room, after=7)
    assert subscribed["replayed"] == 1227
    assert [event["seq"] for event in replayed] == list(range(8, 1235))


def _set_stream_head(user, head):
    from jobs.models import UserEventStream

    UserEventStream.objects.update_or_create(user=user, defaults={"last_user_seq": head})


@pytest.mark.parametrize("after", [None, 1])
async def test_an_event_committed_while_subscribing_arrives_exactly_once(
    open_ws, emit_event, monkeypatch, token, job, after
):
    """Join-then-read: the event lands between joining the group and reading the log."""
    await emit_all(emit_event, job.id, [queued()])
    read_job_replay = ws_reads.job_replay

    async def job_replay_after_a_commit(*args):
        await emit_event(job.id, active(Stage.INITIALIZING, 5))
        return await read_job_replay(*args)

    monkeypatch.setattr(ws_reads, "job_replay", job_replay_after_a_commit)
    client = await open_ws(token=token)
    subscribed, replayed = await client.subscribe(f"job:{job.id}", after=after)
    assert subscribed["snapshot"]["last_seq"] == 2
    assert [event["seq"] for event in replayed] == ([] if after is None else [2])
    await emit_event(job.id, active(Stage.DOWNLOADING, 10))
    [live] = await client.receive_events(1)
    assert live["seq"] == 3


@pytest.mark.parametrize("after", [None, 1])
async def test_an_event_committed_while_subscribing_to_the_user_room_arrives_exactly_once(
    open_ws, emit_event, monkeypatch, token, job, after
):
    await emit_all(emit_event, job.id, [queued()])
    read_user_replay = ws_reads.user_replay

    async def user_replay_after_a_commit(*args):
        await emit_event(job.id, active(Stage.INITIALIZING, 5))
        return await read_user_replay(*args)

    monkeypatch.setattr(ws_reads, "user_replay", user_replay_after_a_commit)
    client = await open_ws(token=token)
    _, replayed = await client.subscribe("user:me", after=after)
    assert [event["user_seq"] for event in replayed] == ([] if after is None else [2])
    await emit_event(job.id, active(Stage.DOWNLOADING, 10))
    [live] = await client.receive_events(1)
    assert live["user_seq"] == 3


JOB_ROOM_READS = [
    (ws_reads, "get_job_for_user"),
    (ws_reads, "job_snapshot"),
    (event_log, "job_events_after"),
]
USER_ROOM_READS = [
    (event_log, "user_stream_head"),
    (event_log, "user_jobs_snapshot"),
    (event_log, "user_events_after"),
]


def racing_cases():
    for room_kind, reads in (("job", JOB_ROOM_READS), ("user", USER_ROOM_READS)):
        for module, name in reads:
            for after in (None, 1):
                if name.endswith("_events_after") and after is None:
                    continue  # without a cursor the log is not read
                for when in ("before", "after"):
                    yield pytest.param(
                        room_kind, (module, name), when, after, id=f"{name}-{when}-{after}"
                    )


@pytest.mark.parametrize(("room_kind", "read", "when", "after"), list(racing_cases()))
async def test_an_event_committed_at_any_point_of_subscribing_is_seen_exactly_once(
    open_ws, emit_event, monkeypatch, token, job, room_kind, read, when, after
):
    """The event commits (and is published) just before or after each read of the subscription."""
    module, name = read
    await emit_event(job.id, queued())
    real_read = getattr(module, name)
    racing: list[object] = []

    def read_with_a_commit_beside_it(*args, **kwargs):
        if when == "before" and not racing:
            racing.append(emit_one(job.id, active(Stage.INITIALIZING, 5)))
        result = real_read(*args, **kwargs)
        if when == "after" and not racing:
            racing.append(emit_one(job.id, active(Stage.INITIALIZING, 5)))
        return result

    monkeypatch.setattr(module, name, read_with_a_commit_beside_it)
    client = await open_ws(token=token)
    subscribed, replayed = await client.subscribe(
        f"job:{job.id}" if room_kind == "job" else "user:me", after=after
    )
    monkeypatch.setattr(module, name, real_read)
    await emit_event(job.id, active(Stage.DOWNLOADING, 10))
    delivered = replayed + await _events_until_seq(client, 3)
    snapshot = subscribed["snapshot"] if room_kind == "job" else subscribed["snapshot"][0]
    seqs = [event["seq"] for event in delivered]
    assert len(racing) == 1
    assert seqs == sorted(set(seqs))
    assert 2 in seqs or snapshot["last_seq"] >= 2


async def _events_until_seq(client, seq):
    events: list[dict[str, object]] = []
    while not events or events[-1]["seq"] < seq:
        events += await client.receive_events(1)
    return events
