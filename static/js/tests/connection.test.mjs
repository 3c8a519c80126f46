import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { backoffDelay } from "../jobs-client.js";
import { harness } from "./fakes.mjs";

describe("connection states", () => {
  test("go disconnected, connecting, connected, reconnecting, connected, disconnected in order", async () => {
    const { client, clock, socket, connect, states } = await harness();
    assert.equal(client.state, "disconnected");
    client.start();
    connect();
    socket().drop();
    await clock.advance(1000);
    connect();
    client.stop();
    assert.deepEqual(
      states.map(({ state }) => state),
      ["connecting", "connected", "reconnecting", "connected", "disconnected"],
    );
    assert.deepEqual(
      states.map(({ previous }) => previous),
      ["disconnected", "connecting", "connected", "reconnecting", "connected"],
    );
  });

  test("a first connection that fails goes from connecting to reconnecting", async () => {
    const { client, socket, states } = await harness();
    client.start();
    socket().drop();
    assert.deepEqual(states.map(({ state }) => state), ["connecting", "reconnecting"]);
  });

  test("are connected only once the server says auth_ok", async () => {
    const { client, socket } = await harness();
    client.start();
    socket().open();
    assert.equal(client.state, "connecting");
    socket().deliver({ type: "auth_ok", user_id: "42" });
    assert.equal(client.state, "connected");
    assert.equal(client.userId, "42");
  });
});

describe("authentication", () => {
  test("a token client sends auth first on every connection", async () => {
    const { client, clock, socket, sockets, connect } = await harness({ token: "secret" });
    client.followUser({ after: 7 });
    client.start();
    connect();
    socket().drop();
    await clock.advance(1000);
    connect();
    for (const each of sockets) {
      assert.deepEqual(each.sent[0], { type: "auth", token: "secret" });
      assert.deepEqual(each.sent[1], { type: "subscribe", room: "user:me", after: 7 });
    }
  });

  test("a session client sends no auth message", async () => {
    const { client, socket, connect } = await harness();
    client.start();
    connect();
    assert.deepEqual(socket().sentOfType("auth"), []);
  });
});

describe("reconnecting", () => {
  test("the delay doubles from 1 s to the 10 s cap", () => {
    const delays = [0, 1, 2, 3, 4, 5, 12].map((attempt) => backoffDelay(attempt, () => 1));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  test("jitter takes each delay down to at most half of it, never above the cap", () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const base = Math.min(10000, 1000 * 2 ** attempt);
      assert.equal(backoffDelay(attempt, () => 0), base / 2);
      const delay = backoffDelay(attempt, Math.random);
      assert.ok(delay >= base / 2 && delay <= base, `${delay} for attempt ${attempt}`);
    }
  });

  test("attempts come after 1, 2, 4, 8, 10, 10 s, forever", async () => {
    const { client, clock, socket, sockets } = await harness({ random: () => 1 });
    client.start();
    for (const delay of [1000, 2000, 4000, 8000, 10000, 10000, 10000]) {
      const before = sockets.length;
      socket().drop();
      await clock.advance(delay - 1);
      assert.equal(sockets.length, before, `no attempt before ${delay} ms`);
      await clock.advance(1);
      assert.equal(sockets.length, before + 1, `an attempt at ${delay} ms`);
    }
  });

  test("the jitter comes from the random source", async () => {
    const { client, clock, socket, sockets } = await harness({ random: () => 0.5 });
    client.start();
    socket().drop();
    await clock.advance(749);
    assert.equal(sockets.length, 1);
    await clock.advance(1);
    assert.equal(sockets.length, 2);
  });

  test("a successful connection starts the backoff again from 1 s", async () => {
    const { client, clock, socket, sockets, connect } = await harness();
    client.start();
    socket().drop();
    await clock.advance(1000);
    socket().drop();
    await clock.advance(2000);
    connect();
    socket().drop();
    await clock.advance(1000);
    assert.equal(sockets.length, 4);
  });

  test("stop ends reconnecting", async () => {
    const { client, clock, socket, sockets } = await harness();
    client.start();
    socket().drop();
    client.stop();
    await clock.advance(60000);
    assert.equal(sockets.length, 1);
    assert.equal(client.state, "disconnected");
  });
});

describe("heartbeat", () => {
  test("pings every 25 s and stays connected while pongs come back", async () => {
    const { client, clock, socket, connect } = await harness();
    client.start();
    connect();
    await clock.advance(25000);
    for (let beat = 1; beat <= 3; beat += 1) {
      assert.equal(socket().sentOfType("ping").length, beat, `ping ${beat} at ${clock.now} ms`);
      await clock.advance(9000);
      socket().deliver({ type: "pong" });
      await clock.advance(16000);
      assert.equal(client.state, "connected");
    }
  });

  test("no pong within 10 s means the connection is dead: it reconnects", async () => {
    const { client, clock, socket, sockets, connect, states } = await harness();
    client.start();
    connect();
    const first = socket();
    await clock.advance(25000);
    assert.equal(first.sentOfType("ping").length, 1);
    await clock.advance(9999);
    assert.equal(client.state, "connected");
    await clock.advance(1);
    assert.equal(client.state, "reconnecting");
    assert.ok(first.closedByClient, "the dead socket is closed");
    await clock.advance(1000);
    assert.equal(sockets.length, 2);
    connect();
    assert.deepEqual(states.map(({ state }) => state).slice(-2), ["reconnecting", "connected"]);
  });
});
