// What every page with live jobs shares: the one client, the job list and the connection
// indicator. A test can set `window.__jobsDebug = {}` before the page loads (Playwright's
// add_init_script) to get the applied seqs, stages and connection states recorded there.

import { sharedJobsClient } from "./jobs-client.js";
import { JobList } from "./job-list.js";

export const readJson = (id) => JSON.parse(document.getElementById(id).textContent);

const CONNECTION_LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  polling: "Polling for updates",
  offline: "Offline",
};

function connectionState({ state, polling }) {
  if (state === "connected") return "live";
  if (state === "disconnected") return "offline";
  if (state === "reconnecting" && polling) return "polling";
  return state;
}

function showConnection(client, element, debug) {
  const label = element.querySelector(".connection-label");
  client.addEventListener("state", ({ detail }) => {
    const state = connectionState(detail);
    if (element.dataset.state === state) return;
    element.dataset.state = state;
    label.textContent = CONNECTION_LABELS[state];
    debug?.connection.push(state);
  });
}

function recordApplied(client, debug) {
  client.addEventListener("job", ({ detail: { event } }) => {
    if (!event) return;
    (debug.applied[event.job_id] ??= []).push(event.seq);
    (debug.stages[event.job_id] ??= []).push(event.stage);
  });
}

/** Start the page's client; `emptyNotice` is shown while the list has no cards. */
export function startLivePage({ emptyNotice }) {
  const config = readJson("live-config");
  const client = sharedJobsClient();
  const list = new JobList(document.getElementById("job-list"), {
    config,
    onChange: () => {
      emptyNotice.hidden = list.size > 0;
    },
  });
  const debug = window.__jobsDebug;
  if (debug) {
    Object.assign(debug, { applied: {}, stages: {}, connection: [] });
    recordApplied(client, debug);
  }
  showConnection(client, document.getElementById("connection-status"), debug);
  client.addEventListener("job", ({ detail: { job } }) => list.update(job));
  return { client, list };
}
