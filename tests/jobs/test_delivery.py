"""The delivery bookkeeping of one connection (pure): dedup across rooms and naming gaps."""

from jobs.delivery import DeliveryTracker, Gap, Payload

USER = "42"
JOB = "job-a"
OTHER_JOB = "job-b"


def event(job_id: str, seq: int, user_seq: int, user_id: str = USER) -> Payload:
    return {"job_id": job_id, "seq": seq, "user_seq": user_seq, "user_id": user_id}


def in_gap(gap: Gap, log: list[Payload]) -> list[Payload]:
    if gap.job_id is None:
        return [e for e in log if gap.after < e["user_seq"] < gap.before]
    return [e for e in log if e["job_id"] == gap.job_id and gap.after < e["seq"] < gap.before]


def deliver(tracker: DeliveryTracker, live: Payload, log: list[Payload]) -> list[Payload]:
    """What the consumer sends for one live event: the gaps' events from `log`, then it."""
    sent = []
    while (gap := tracker.next_gap(live)) is not None:
        sent += [missing for missing in in_gap(gap, log) if tracker.accept(missing)]
        tracker.gap_filled(gap)
    if tracker.accept(live):
        sent.append(live)
    return sent


def test_a_job_room_delivers_each_event_once():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 0)
    first = event(JOB, 1, 1)
    assert [tracker.accept(first), tracker.accept(first)] == [True, False]


def test_an_event_seen_through_both_rooms_is_delivered_once():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_user(0)
    tracker.subscribe_job(JOB, 0)
    first = event(JOB, 1, 1)
    assert deliver(tracker, first, []) == [first]
    assert deliver(tracker, first, []) == []


def test_events_of_unsubscribed_jobs_are_not_delivered():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 0)
    assert tracker.accept(event(OTHER_JOB, 1, 1)) is False


def test_events_at_or_below_the_subscription_cursor_are_not_delivered():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 3)
    assert [tracker.accept(event(JOB, seq, seq)) for seq in (2, 3, 4)] == [False, False, True]


def test_a_skipped_seq_in_a_job_room_is_named_as_a_gap():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 1)
    assert tracker.next_gap(event(JOB, 4, 4)) == Gap(after=1, before=4, job_id=JOB)


def test_a_skipped_user_seq_in_the_user_room_is_named_as_a_gap():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_user(5)
    assert tracker.next_gap(event(OTHER_JOB, 1, 8)) == Gap(after=5, before=8)


def test_the_events_of_a_gap_are_delivered_before_the_live_event_that_revealed_it():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_user(0)
    log = [event(JOB, 1, 1), event(OTHER_JOB, 1, 2), event(JOB, 2, 3)]
    assert deliver(tracker, log[0], log) == [log[0]]
    assert deliver(tracker, log[2], log) == [log[1], log[2]]
    assert deliver(tracker, log[1], log) == []  # the lost message turns up late


def test_a_gap_the_log_no_longer_holds_is_not_asked_for_again():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 1)
    live = event(JOB, 4, 4)
    assert deliver(tracker, live, []) == [live]
    assert tracker.next_gap(event(JOB, 5, 5)) is None


def test_another_users_events_in_a_job_room_do_not_touch_the_user_stream():
    tracker = DeliveryTracker(user_id=USER)  # staff, watching someone else's job
    tracker.subscribe_user(10)
    tracker.subscribe_job(JOB, 0)
    theirs = event(JOB, 1, 500, user_id="7")
    assert tracker.next_gap(theirs) is None
    assert tracker.accept(theirs) is True
    assert tracker.user_cursor == 10


def test_after_unsubscribing_the_user_room_its_events_are_not_delivered():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_user(0)
    tracker.unsubscribe_user()
    assert tracker.next_gap(event(JOB, 1, 3)) is None
    assert tracker.accept(event(JOB, 1, 3)) is False


def test_resubscribing_a_job_room_with_an_older_cursor_does_not_repeat_events():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_job(JOB, 0)
    tracker.accept(event(JOB, 1, 1))
    tracker.subscribe_job(JOB, 0)
    assert tracker.accept(event(JOB, 1, 1)) is False


def test_events_past_the_cursors_up_to_the_log_heads_are_named_as_tail_gaps():
    tracker = DeliveryTracker(user_id=USER)
    tracker.subscribe_user(5)
    tracker.subscribe_job(JOB, 2)
    assert tracker.tail_gaps(user_head=7, job_heads={JOB: 4, OTHER_JOB: 9}) == [
        Gap(after=5, before=8),
        Gap(after=2, before=5, job_id=JOB),
    ]
    assert tracker.tail_gaps(user_head=5, job_heads={JOB: 2}) == []
