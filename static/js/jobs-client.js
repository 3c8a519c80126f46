/**
 * The reference client of the job event protocol (docs: PROTOCOL.md, section 5).
 *
 * One WebSocket per page, shared by every component through `sharedJobsClient()`. It keeps
 * the state of every job it has seen, a cursor per room, and never applies an event twice:
 *
 *   - states: disconnected -> connecting -> connected -> reconnecting (-> connected ...);
 *   - reconnects forever, with exponential backoff and jitter (1 s doubling to a 10 s cap);
 *   - on every (re)connect: authenticates (token clients; a session page is signed in by its
 *     cookie and the server says `auth_ok` by itself), then resubscribes every room with its
 *     cursor as `after`, so the server replays exactly what was missed;
 *   - deduplicates by (job_id, seq): an event at or below the job's cursor is ignored, which
 *     makes every replay (and the overlap of user and job rooms) safe;
 *   - heartbeat: `ping` every 25 s; no `pong` within 10 s and the connection is dead;
 *   - while disconnected for more than 3 s with unfinished jobs, polls the REST fallback
 *     (section 4) every 2 s with the same cursors, and stops when the socket is back.
 *
 * Events (it is an EventTarget):
 *   "state" - detail {state, previous, polling}: the connection state or polling changed;
 *   "job"   - detail {job, event}: a job changed; `event` is null when a snapshot replaced it;
 *   "servererror" - detail {code, message, room}: the server refused a message.
 *
 * Nothing here touches the DOM; timers, WebSocket, fetch and randomness are injectable so that
 * the unit tests (static/js/tests/) drive it with fakes.
 */

export const ConnectionState = Object.freeze({
  DISCONNECTED: "disconnected",
  CONNECTING: "connecting",
  CONNECTED: "connected",
  RECONNECTING: "reconnecting",
});

export const USER_ROOM = "user:me";

/** Statuses after which a job changes only if it is retried (PROTOCOL.md section 2). */
export const TERMINAL_STATUSES = Object.freeze(["completed", "failed", "cancelled"]);

export const DEFAULT_TIMING = Object.freeze({
  backoffInitialMs: 1000,
  backoffMaxMs: 10000,
  pingIntervalMs: 25000,
  pongTimeoutMs: 10000,
  pollAfterMs: 3000,
  pollIntervalMs: 2000,
});

const OPEN = 1; // WebSocket.OPEN, without depending on the (injected) class's statics

export const isTerminal = (job) => TERMINAL_STATUSES.includes(job.status);

export const jobRoom = (jobId) => `job:${jobId}`;

/**
 * The wait before reconnect attempt `attempt` (0 for the first): 1 s doubling to the cap,
 * times a random factor in [0.5, 1] so that clients dropped together do not return together.
 */
export function backoffDelay(attempt, random = Math.random, timing = DEFAULT_TIMING) {
  const base = Math.min(timing.backoffMaxMs, timing.backoffInitialMs * 2 ** attempt);
  return Math.round(base * (0.5 + 0.5 * random()));
}

function defaultSocketUrl() {
  const url = new URL("/ws/jobs/", globalThis.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

export class JobsClient extends EventTarget {
  #url;
  #apiBase;
  #token;
  #WebSocket;
  #fetch;
  #setTimeout;
  #clearTimeout;
  #random;
  #timing;

  #state = ConnectionState.DISCONNECTED;
  #socket = null;
  #attempt = 0;
  #userId = null;
  /** room name -> {cursor, sentAfter}: `seq` for job rooms, `user_seq` for the user room. */
  #rooms = new Map();
  /** job id -> the job as the snapshot shape, plus the latest event's `metadata`. */
  #jobs = new Map();

  #timers = { reconnect: null, ping: null, pong: null, offline: null, poll: null };
  #offlineLongEnough = false;
  #polling = false;
  #pollRound = 0; // bumped when polling stops, so that a late answer does not carry on a loop

  constructor({
    url = null,
    apiBase = "/api",
    token = null,
    WebSocket = globalThis.WebSocket,
    fetch = globalThis.fetch?.bind(globalThis),
    setTimeout = globalThis.setTimeout.bind(globalThis),
    clearTimeout = globalThis.clearTimeout.bind(globalThis),
    random = Math.random,
    timing = {},
  } = {}) {
    super();
    this.#url = url ?? defaultSocketUrl();
    this.#apiBase = apiBase.replace(/\/$/, "");
    this.#token = token;
    this.#WebSocket = WebSocket;
    this.#fetch = fetch;
    this.#setTimeout = setTimeout;
    this.#clearTimeout = clearTimeout;
    this.#random = random;
    this.#timing = { ...DEFAULT_TIMING, ...timing };
  }

  get state() {
    return this.#state;
  }

  get polling() {
    return this.#polling;
  }

  get userId() {
    return this.#userId;
  }

  /** The cursor of `room` (null when unknown: the next subscription takes the snapshot). */
  cursor(room) {
    return this.#rooms.get(room)?.cursor ?? null;
  }

  job(jobId) {
    return this.#jobs.get(jobId) ?? null;
  }

  get jobs() {
    return [...this.#jobs.values()];
  }

  // --- What the page follows ---------------------------------------------------------------

  /** Every job of the signed-in user, from `after` (a `user_seq`; null: from the snapshot). */
  followUser({ after = null } = {}) {
    this.#follow(USER_ROOM, after);
  }

  /** One job, from its snapshot (`GET /api/jobs/<id>/`, or the upload answer's `job`). */
  followJob(snapshot) {
    this.track(snapshot);
    this.#follow(jobRoom(snapshot.id), this.#jobs.get(snapshot.id).last_seq);
  }

  unfollow(room) {
    if (this.#rooms.delete(room) && this.#state === ConnectionState.CONNECTED) {
      this.#send({ type: "unsubscribe", room });
    }
    this.#updatePolling();
  }

  /**
   * Load a job's state from a snapshot (the page's render, an API answer). A snapshot older
   * than what was already applied is ignored.
   */
  track(snapshot) {
    const known = this.#jobs.get(snapshot.id);
    if (!known || snapshot.last_seq > known.last_seq) this.#adopt(snapshot);
    this.#updatePolling();
  }

  #follow(room, cursor) {
    this.#rooms.set(room, { cursor, sentAfter: null });
    if (this.#state === ConnectionState.CONNECTED) this.#subscribe(room);
    this.#updatePolling();
  }

  // --- Connection --------------------------------------------------------------------------

  start() {
    if (this.#state !== ConnectionState.DISCONNECTED) return;
    this.#setState(ConnectionState.CONNECTING);
    this.#startOfflineTimer();
    this.#open();
  }

  stop() {
    this.#closeSocket();
    this.#clearTimer("reconnect");
    this.#clearOfflineTimer();
    this.#stopPolling();
    this.#attempt = 0;
    this.#setState(ConnectionState.DISCONNECTED);
  }

  #open() {
    const socket = new this.#WebSocket(this.#url);
    this.#socket = socket;
    // Handlers check `socket === this.#socket`: a socket given up on stays silent.
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      if (this.#token) this.#send({ type: "auth", token: this.#token });
      this.#schedulePing();
    };
    socket.onmessage = (message) => {
      if (socket === this.#socket) this.#receive(message.data);
    };
    socket.onclose = () => {
      if (socket === this.#socket) this.#dropped();
    };
    socket.onerror = () => {}; // a close event follows
  }

  #closeSocket() {
    const socket = this.#socket;
    this.#socket = null;
    this.#clearTimer("ping");
    this.#clearTimer("pong");
    if (socket && socket.readyState <= OPEN) socket.close();
  }

  /** The connection is gone (closed, or found dead): reconnect after the backoff delay. */
  #dropped() {
    this.#closeSocket();
    if (this.#state === ConnectionState.DISCONNECTED) return;
    this.#setState(ConnectionState.RECONNECTING);
    this.#startOfflineTimer();
    const delay = backoffDelay(this.#attempt, this.#random, this.#timing);
    this.#attempt += 1;
    this.#startTimer("reconnect", delay, () => this.#open());
  }

  #connected(userId) {
    this.#userId = userId;
    this.#attempt = 0;
    this.#clearOfflineTimer();
    this.#setState(ConnectionState.CONNECTED);
    this.#stopPolling();
    for (const room of this.#rooms.keys()) this.#subscribe(room);
  }

  #subscribe(room) {
    const entry = this.#rooms.get(room);
    entry.sentAfter = entry.cursor;
    const message = { type: "subscribe", room };
    if (entry.cursor !== null) message.after = entry.cursor;
    this.#send(message);
  }

  #send(message) {
    if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(message));
  }

  // --- Heartbeat ---------------------------------------------------------------------------

  #schedulePing() {
    this.#startTimer("ping", this.#timing.pingIntervalMs, () => {
      this.#send({ type: "ping" });
      this.#startTimer("pong", this.#timing.pongTimeoutMs, () => this.#dropped());
      this.#schedulePing();
    });
  }

  // --- Messages ----------------------------------------------------------------------------

  #receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    switch (message.type) {
      case "auth_ok":
        this.#connected(message.user_id);
        break;
      case "subscribed":
        this.#subscribed(message);
        break;
      case "event":
        this.#apply(message.event);
        break;
      case "pong":
        this.#clearTimer("pong");
        break;
      case "error":
        // A refused room stays refused: stop asking for it on every reconnect.
        if (message.code === "forbidden" && message.room) this.#rooms.delete(message.room);
        this.#emit("servererror", {
          code: message.code,
          message: message.message,
          room: message.room ?? null,
        });
        break;
      default:
        break; // `unsubscribed`, and types a later version may add
    }
  }

  #subscribed({ room, snapshot, recovered }) {
    const entry = this.#rooms.get(room);
    if (!entry) return;
    // With a cursor and recovered history the replayed events follow and bring the state up
    // to date; without a cursor, or when the history was pruned, the snapshot is the truth.
    if (entry.sentAfter !== null && recovered) return;
    const snapshots = room === USER_ROOM ? snapshot : [snapshot];
    for (const job of snapshots) this.#adopt(job);
    // The user snapshot carries no `user_seq`: the next event sets the cursor again.
    if (room === USER_ROOM && !recovered) entry.cursor = null;
    this.#updatePolling();
  }

  /** Apply one event unless it is at or below its job's cursor; true when applied. */
  #apply(event, { fromUserStream = event.user_id === this.#userId } = {}) {
    const user = this.#rooms.get(USER_ROOM);
    if (user && fromUserStream && event.user_seq > (user.cursor ?? 0)) user.cursor = event.user_seq;

    const known = this.#jobs.get(event.job_id);
    if (known && event.seq <= known.last_seq) return false;
    const job = {
      id: event.job_id,
      document_id: event.document_id,
      file_name: known?.file_name ?? event.metadata?.file_name ?? null,
      created_at: known?.created_at ?? event.timestamp,
      started_at: known?.started_at ?? null,
      finished_at: isTerminal(event) ? event.timestamp : null,
      status: event.status,
      stage: event.stage,
      progress: event.progress,
      message: event.message,
      attempt: event.attempt,
      last_seq: event.seq,
      error: event.error,
      result: event.result,
      metadata: event.metadata ?? {},
    };
    if (!job.started_at && event.status === "active") job.started_at = event.timestamp;
    this.#jobs.set(job.id, job);
    const room = this.#rooms.get(jobRoom(job.id));
    if (room) room.cursor = job.last_seq;
    this.#emit("job", { job, event });
    this.#updatePolling();
    return true;
  }

  #adopt(snapshot) {
    const job = { metadata: {}, ...snapshot };
    this.#jobs.set(job.id, job);
    const room = this.#rooms.get(jobRoom(job.id));
    if (room) room.cursor = job.last_seq;
    this.#emit("job", { job, event: null });
  }

  // --- Polling fallback (PROTOCOL.md section 4) --------------------------------------------

  #startOfflineTimer() {
    if (this.#timers.offline !== null || this.#offlineLongEnough) return;
    this.#startTimer("offline", this.#timing.pollAfterMs, () => {
      this.#offlineLongEnough = true;
      this.#updatePolling();
    });
  }

  #clearOfflineTimer() {
    this.#clearTimer("offline");
    this.#offlineLongEnough = false;
  }

  #followedJobIds() {
    return [...this.#rooms.keys()]
      .filter((room) => room.startsWith("job:"))
      .map((room) => room.slice("job:".length));
  }

  /** Jobs still expected to change, among those the page follows. */
  #unfinishedJobs() {
    const followed = this.#rooms.has(USER_ROOM)
      ? this.jobs
      : this.#followedJobIds().map((id) => this.#jobs.get(id)).filter(Boolean);
    return followed.filter((job) => !isTerminal(job));
  }

  #updatePolling() {
    const shouldPoll =
      this.#offlineLongEnough &&
      this.#state !== ConnectionState.CONNECTED &&
      this.#state !== ConnectionState.DISCONNECTED &&
      this.#unfinishedJobs().length > 0;
    if (shouldPoll && !this.#polling) {
      this.#polling = true;
      this.#emitState(this.#state);
      this.#pollLoop(this.#pollRound);
    } else if (!shouldPoll && this.#polling) {
      this.#stopPolling();
    }
  }

  #stopPolling() {
    this.#clearTimer("poll");
    this.#pollRound += 1;
    if (!this.#polling) return;
    this.#polling = false;
    this.#emitState(this.#state);
  }

  async #pollLoop(round) {
    // The user stream covers every job of the user; without it, each followed unfinished job.
    const requests = this.#rooms.has(USER_ROOM)
      ? [this.#pollUser()]
      : this.#unfinishedJobs().map((job) => this.#pollJob(job.id));
    await Promise.allSettled(requests);
    if (round !== this.#pollRound || !this.#polling) return;
    this.#startTimer("poll", this.#timing.pollIntervalMs, () => this.#pollLoop(round));
  }

  async #pollUser() {
    const after = this.cursor(USER_ROOM) ?? 0;
    const page = await this.#getJson(`${this.#apiBase}/events/?after=${after}`);
    if (!page.recovered) {
      for (const job of page.jobs) this.#adopt(job);
    }
    for (const event of page.events) this.#apply(event, { fromUserStream: true });
    this.#updatePolling();
  }

  async #pollJob(jobId) {
    const after = this.#jobs.get(jobId)?.last_seq ?? 0;
    const page = await this.#getJson(`${this.#apiBase}/jobs/${jobId}/events/?after=${after}`);
    if (!page.recovered) this.#adopt(page.job);
    for (const event of page.events) this.#apply(event);
    this.#updatePolling();
  }

  async #getJson(path) {
    const headers = { Accept: "application/json" };
    if (this.#token) headers.Authorization = `Token ${this.#token}`;
    const response = await this.#fetch(path, { headers, credentials: "same-origin" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // --- Helpers -----------------------------------------------------------------------------

  /** Run `callback` in `ms`, replacing the timer of that name. */
  #startTimer(name, ms, callback) {
    this.#clearTimer(name);
    this.#timers[name] = this.#setTimeout(() => {
      this.#timers[name] = null;
      callback();
    }, ms);
  }

  #clearTimer(name) {
    if (this.#timers[name] !== null) this.#clearTimeout(this.#timers[name]);
    this.#timers[name] = null;
  }

  #setState(state) {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.#emitState(previous);
  }

  #emitState(previous) {
    this.#emit("state", { state: this.#state, previous, polling: this.#polling });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

let shared = null;

/** The page's one client: every component of a page shares one connection. */
export function sharedJobsClient(options) {
  shared ??= new JobsClient(options);
  return shared;
}
