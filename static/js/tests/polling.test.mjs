import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { event, harness, snapshot } from "./fakes.mjs";

/** A server whose user stream holds `events`: each poll answers those after the cursor. */
function userStream(events) {
  return (url) => {
    const after = Number(new URL(url, "http://testserver").searchParams.get("after"));
    return { jobs: [], events: events.filter((each) => each.user_seq > after), recovered: true };
  };
}

describe("polling fallback", () => {
  test("starts once the socket has been down for 3 s, then polls every 2 s", async () => {
    const { client, clock, socket, connect, urls, states } = await harness({
      answer: userStream([]),
    });
    client.followUser({ after: 103 });
    client.track(snapshot());
    client.start();
    connect();
    socket().drop();
    await clock.advance(2999);
    assert.deepEqual(urls, []);
    assert.equal(client.polling, false);
    await clock.advance(1);
    assert.deepEqual(urls, ["/api/events/?after=103"]);
    assert.equal(client.polling, true);
    assert.deepEqual(states.at(-1), { state: "reconnecting", previous: "reconnecting", polling: true });
    await clock.advance(2000);
    assert.equal(urls.length, 2);
  });

  test("applies the polled events and moves the cursor on", async () => {
    const events = [event(4), event(5), event(6)];
    const { client, clock, socket, connect, urls, applied } = await harness({
      answer: userStream(events),
    });
    client.followUser({ after: 103 });
    client.track(snapshot({ last_seq: 3 }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(3000);
    assert.deepEqual(applied.map(([, seq]) => seq), [4, 5, 6]);
    await clock.advance(2000);
    assert.equal(urls.at(-1), "/api/events/?after=106");
  });

  test("stops when the socket is back, and the resubscription carries the polled cursor", async () => {
    const { client, clock, socket, sockets, connect, urls } = await harness({
      answer: userStream([event(4)]),
      random: () => 1,
    });
    client.followUser({ after: 103 });
    client.track(snapshot({ last_seq: 3 }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(1000); // attempt 1 fails
    socket().drop();
    await clock.advance(2000); // 3 s down: polling; attempt 2 starts
    assert.equal(client.polling, true);
    assert.equal(sockets.length, 3);
    connect();
    assert.equal(client.polling, false);
    const polls = urls.length;
    await clock.advance(10000);
    assert.equal(urls.length, polls, "no polling while connected");
    assert.deepEqual(socket().sentOfType("subscribe"), [
      { type: "subscribe", room: "user:me", after: 104 },
    ]);
  });

  test("does not poll when every job is terminal", async () => {
    const { client, clock, socket, connect, urls } = await harness({ answer: userStream([]) });
    client.followUser({ after: 103 });
    client.track(snapshot({ status: "completed", stage: "completed" }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(10000);
    assert.deepEqual(urls, []);
  });

  test("stops once the last job it waited for ends", async () => {
    const done = event(4, { status: "completed", stage: "completed", progress: 100 });
    const { client, clock, socket, connect, urls } = await harness({ answer: userStream([done]) });
    client.followUser({ after: 103 });
    client.track(snapshot({ last_seq: 3 }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(3000);
    assert.equal(client.job("job-1").status, "completed");
    assert.equal(client.polling, false);
    await clock.advance(10000);
    assert.equal(urls.length, 1);
  });

  test("starts polling when a job is followed while the socket has been down", async () => {
    const answer = () => ({ job: snapshot(), events: [], recovered: true });
    const { client, clock, urls } = await harness({ answer });
    client.start(); // never opens
    await clock.advance(5000);
    assert.deepEqual(urls, []);
    client.followJob(snapshot({ id: "job-7", last_seq: 2 }));
    await clock.advance(0);
    assert.deepEqual(urls, ["/api/jobs/job-7/events/?after=2"]);
  });

  test("without the user room, each unfinished followed job is polled by its seq", async () => {
    const answer = (url) => ({
      job: snapshot(),
      events: url.includes("job-1") ? [event(4)] : [],
      recovered: true,
    });
    const { client, clock, socket, connect, urls } = await harness({ answer });
    client.followJob(snapshot({ id: "job-1", last_seq: 3 }));
    client.followJob(snapshot({ id: "job-2", last_seq: 8 }));
    client.followJob(snapshot({ id: "job-3", status: "failed", stage: "failed" }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(3000);
    await clock.advance(2000);
    assert.deepEqual(urls, [
      "/api/jobs/job-1/events/?after=3",
      "/api/jobs/job-2/events/?after=8",
      "/api/jobs/job-1/events/?after=4",
      "/api/jobs/job-2/events/?after=8",
    ]);
  });

  test("a poll answer with recovered: false takes the jobs as the truth", async () => {
    const truth = snapshot({ last_seq: 30, progress: 80 });
    const { client, clock, socket, connect } = await harness({
      answer: () => ({ jobs: [truth], events: [], recovered: false }),
    });
    client.followUser({ after: 1 });
    client.track(snapshot({ last_seq: 3 }));
    client.start();
    connect();
    socket().drop();
    await clock.advance(3000);
    assert.equal(client.job("job-1").progress, 80);
    assert.equal(client.job("job-1").last_seq, 30);
  });
});
