import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { event, harness, snapshot } from "./fakes.mjs";

describe("subscriptions and cursors", () => {
  test("every room is subscribed on connect, with its cursor as `after`", async () => {
    const { client, socket, connect } = await harness();
    client.followUser({ after: 117 });
    client.followJob(snapshot({ id: "job-1", last_seq: 3 }));
    client.start();
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), [
      { type: "subscribe", room: "user:me", after: 117 },
      { type: "subscribe", room: "job:job-1", after: 3 },
    ]);
  });

  test("a room followed while connected is subscribed at once", async () => {
    const { client, socket, connect } = await harness();
    client.start();
    connect();
    client.followJob(snapshot({ id: "job-9", last_seq: 1 }));
    assert.deepEqual(socket().sentOfType("subscribe"), [
      { type: "subscribe", room: "job:job-9", after: 1 },
    ]);
  });

  test("without a cursor `after` is left out", async () => {
    const { client, socket, connect } = await harness();
    client.followUser();
    client.start();
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), [{ type: "subscribe", room: "user:me" }]);
  });

  test("after a reconnect every room is subscribed again from what was applied", async () => {
    const { client, clock, socket, connect } = await harness();
    client.followUser({ after: 103 });
    client.followJob(snapshot({ id: "job-1", last_seq: 3 }));
    client.start();
    connect();
    socket().deliver({ type: "event", event: event(4) });
    socket().deliver({ type: "event", event: event(5) });
    socket().deliver({ type: "event", event: event(1, { job_id: "job-2", user_seq: 106 }) });
    socket().drop();
    await clock.advance(1000);
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), [
      { type: "subscribe", room: "user:me", after: 106 },
      { type: "subscribe", room: "job:job-1", after: 5 },
    ]);
  });

  test("unfollowing unsubscribes and the room is not subscribed again", async () => {
    const { client, clock, socket, connect } = await harness();
    client.followJob(snapshot());
    client.start();
    connect();
    client.unfollow("job:job-1");
    assert.deepEqual(socket().sentOfType("unsubscribe"), [
      { type: "unsubscribe", room: "job:job-1" },
    ]);
    socket().drop();
    await clock.advance(1000);
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), []);
  });

  test("a forbidden room is dropped and reported", async () => {
    const { client, clock, socket, connect } = await harness();
    const errors = [];
    client.addEventListener("servererror", ({ detail }) => errors.push(detail));
    client.followJob(snapshot({ id: "not-mine" }));
    client.start();
    connect();
    socket().deliver({ type: "error", code: "forbidden", message: "No.", room: "job:not-mine" });
    socket().drop();
    await clock.advance(1000);
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), []);
    assert.deepEqual(errors, [{ code: "forbidden", message: "No.", room: "job:not-mine" }]);
  });
});

describe("applying events", () => {
  test("an event seen twice (user room and job room) is applied once", async () => {
    const { client, socket, connect, applied } = await harness();
    client.followUser({ after: 100 });
    client.followJob(snapshot({ last_seq: 0 }));
    client.start();
    connect();
    for (const seq of [1, 1, 2, 1, 2, 3, 3]) socket().deliver({ type: "event", event: event(seq) });
    assert.deepEqual(applied, [["job-1", 1], ["job-1", 2], ["job-1", 3]]);
  });

  test("events at or below the cursor are ignored", async () => {
    const { client, socket, connect, applied } = await harness();
    client.followJob(snapshot({ last_seq: 5, progress: 30 }));
    client.start();
    connect();
    for (const seq of [3, 5, 6, 4]) socket().deliver({ type: "event", event: event(seq) });
    assert.deepEqual(applied, [["job-1", 6]]);
    assert.equal(client.job("job-1").last_seq, 6);
    assert.equal(client.cursor("job:job-1"), 6);
  });

  test("an event updates the job and carries its metadata", async () => {
    const { client, socket, connect } = await harness();
    client.followJob(snapshot({ last_seq: 3 }));
    client.start();
    connect();
    const metadata = { pages_done: 2, page_count: 4, estimated_time_remaining_ms: 1500 };
    socket().deliver({ type: "event", event: event(4, { progress: 25, message: "page 2", metadata }) });
    const job = client.job("job-1");
    assert.equal(job.progress, 25);
    assert.equal(job.message, "page 2");
    assert.deepEqual(job.metadata, metadata);
    assert.equal(job.file_name, "lecture.pdf");
  });

  test("a job first seen through the user room takes its name from the queued event", async () => {
    const { client, socket, connect } = await harness();
    client.followUser({ after: 100 });
    client.start();
    connect();
    const queued = event(1, {
      job_id: "new", status: "queued", stage: "queued", progress: 0, metadata: { file_name: "b.pdf" },
    });
    socket().deliver({ type: "event", event: queued });
    assert.equal(client.job("new").file_name, "b.pdf");
    assert.equal(client.job("new").status, "queued");
  });

  test("a snapshot older than what was applied does not take the job back", async () => {
    const { client } = await harness();
    client.track(snapshot({ last_seq: 8, progress: 60 }));
    client.track(snapshot({ last_seq: 5, progress: 30 }));
    assert.equal(client.job("job-1").progress, 60);
  });
});

describe("the subscribed snapshot", () => {
  test("without a cursor, the snapshot is the state", async () => {
    const { client, socket, connect } = await harness();
    client.followUser();
    client.start();
    connect();
    const jobs = [snapshot({ id: "a", last_seq: 4 }), snapshot({ id: "b", last_seq: 9, status: "completed" })];
    socket().deliver({ type: "subscribed", room: "user:me", snapshot: jobs, replayed: 0, recovered: true });
    assert.deepEqual(client.jobs.map((job) => [job.id, job.last_seq]), [["a", 4], ["b", 9]]);
  });

  test("with a cursor and recovered history, the replayed events bring the state up to date", async () => {
    const { client, socket, connect, applied } = await harness();
    client.followJob(snapshot({ last_seq: 3, progress: 20 }));
    client.start();
    connect();
    const ahead = snapshot({ last_seq: 6, progress: 50 });
    socket().deliver({ type: "subscribed", room: "job:job-1", snapshot: ahead, replayed: 3, recovered: true });
    assert.equal(client.job("job-1").last_seq, 3, "the snapshot does not skip the replay");
    for (const seq of [4, 5, 6]) socket().deliver({ type: "event", event: event(seq) });
    assert.deepEqual(applied.map(([, seq]) => seq), [4, 5, 6]);
  });

  test("recovered: false takes the snapshot as the truth and carries on from it", async () => {
    const { client, socket, connect, applied } = await harness();
    client.followJob(snapshot({ last_seq: 3, progress: 20 }));
    client.start();
    connect();
    const truth = snapshot({ last_seq: 40, progress: 90, stage: "caching", message: "Caching" });
    socket().deliver({ type: "subscribed", room: "job:job-1", snapshot: truth, replayed: 0, recovered: false });
    assert.equal(client.job("job-1").progress, 90);
    assert.equal(client.job("job-1").stage, "caching");
    assert.equal(client.cursor("job:job-1"), 40);
    socket().deliver({ type: "event", event: event(39) });
    socket().deliver({ type: "event", event: event(41, { status: "completed", stage: "completed", progress: 100 }) });
    assert.deepEqual(applied.map(([, seq]) => seq), [41]);
    assert.equal(client.job("job-1").status, "completed");
  });

  test("recovered: false on the user room adopts its jobs and forgets the stale cursor", async () => {
    const { client, clock, socket, connect } = await harness();
    client.followUser({ after: 5 });
    client.start();
    connect();
    const jobs = [snapshot({ id: "a", last_seq: 12, progress: 70 })];
    socket().deliver({ type: "subscribed", room: "user:me", snapshot: jobs, replayed: 0, recovered: false });
    assert.equal(client.job("a").progress, 70);
    socket().drop();
    await clock.advance(1000);
    connect();
    assert.deepEqual(socket().sentOfType("subscribe"), [{ type: "subscribe", room: "user:me" }]);
  });
});
