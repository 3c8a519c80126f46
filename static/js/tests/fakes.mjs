// Fakes for the client's injected dependencies: a clock, WebSockets and fetch.

export const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

/** Timers that run only when the test moves the clock. */
export class FakeClock {
  now = 0;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (callback, ms = 0) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Move the clock by `ms`, running every timer that falls due, in order. */
  async advance(ms) {
    const end = this.now + ms;
    for (;;) {
      await flushMicrotasks();
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort(([idA, a], [idB, b]) => a.at - b.at || idA - idB)[0];
      if (!due) break;
      const [id, timer] = due;
      this.#timers.delete(id);
      this.now = timer.at;
      timer.callback();
    }
    this.now = end;
    await flushMicrotasks();
  }
}

/** A WebSocket class whose instances the test plays the server for. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    readyState = 0;
    sent = [];
    closedByClient = false;

    constructor(url) {
      this.url = url;
      sockets.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error("send on a socket that is not open");
      this.sent.push(JSON.parse(text));
    }

    close() {
      this.closedByClient = true;
      this.readyState = 3;
    }

    // The server's side.
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    deliver(message) {
      this.onmessage?.({ data: JSON.stringify(message) });
    }

    drop(code = 1006) {
      this.readyState = 3;
      this.onclose?.({ code });
    }

    sentOfType(type) {
      return this.sent.filter((message) => message.type === type);
    }
  }
  return { FakeWebSocket, sockets };
}

/** `fetch` answering from `answer(url)`; every URL asked is kept in `urls`. */
export function fakeFetch(answer) {
  const urls = [];
  const fetch = async (url) => {
    urls.push(url);
    const body = answer(url);
    return { ok: true, status: 200, json: async () => structuredClone(body) };
  };
  return { fetch, urls };
}

export function snapshot(overrides = {}) {
  return {
    id: "job-1",
    document_id: "doc-1",
    file_name: "lecture.pdf",
    status: "active",
    stage: "extracting_text",
    progress: 20,
    message: "Extracting text",
    attempt: 1,
    last_seq: 3,
    error: null,
    result: null,
    created_at: "2026-11-23T10:00:00.000Z",
    started_at: "2026-11-23T10:00:01.000Z",
    finished_at: null,
    ...overrides,
  };
}

export function event(seq, overrides = {}) {
  return {
    job_id: "job-1",
    user_id: "42",
    document_id: "doc-1",
    seq,
    user_seq: 100 + seq,
    attempt: 1,
    status: "active",
    stage: "extracting_text",
    progress: Math.min(10 + seq, 99),
    message: `step ${seq}`,
    metadata: {},
    result: null,
    error: null,
    timestamp: "2026-11-23T10:00:02.000Z",
    ...overrides,
  };
}

/** A client on fakes, with helpers to play the server and record what the client emits. */
export async function harness({ token = null, answer = () => ({}), random = () => 1 } = {}) {
  const { JobsClient } = await import("../jobs-client.js");
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const { fetch, urls } = fakeFetch(answer);
  const client = new JobsClient({
    url: "ws://testserver/ws/jobs/",
    token,
    WebSocket: FakeWebSocket,
    fetch,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random,
  });
  const states = [];
  const applied = [];
  client.addEventListener("state", ({ detail }) => states.push(detail));
  client.addEventListener("job", ({ detail }) => {
    if (detail.event) applied.push([detail.event.job_id, detail.event.seq]);
  });
  const socket = () => sockets.at(-1);
  /** Open the newest socket and sign it in, as the server does for a session. */
  const connect = () => {
    socket().open();
    socket().deliver({ type: "auth_ok", user_id: "42" });
  };
  return { client, clock, sockets, socket, connect, urls, states, applied };
}
