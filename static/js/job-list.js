// A list of job cards: renders jobs from the client's state, with the stage names the server
// gives the page, and announces stage changes to screen readers.

import { isTerminal } from "./jobs-client.js";
import { errorMessage, post } from "./api.js";

const fill = (template, id) => template.replace("{id}", encodeURIComponent(id));

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatEta(ms) {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

let cardCount = 0;

export class JobList {
  #list;
  #template;
  #announcer;
  #config;
  #cards = new Map(); // job id -> card
  #onChange;

  /** `config` is the page's live config: stage_labels, note_url, cancel_url, retry_url. */
  constructor(list, { config, onChange = () => {} }) {
    this.#list = list;
    this.#template = document.getElementById("job-card");
    this.#announcer = document.getElementById("announcer");
    this.#config = config;
    this.#onChange = onChange;
  }

  get size() {
    return this.#list.children.length;
  }

  /** A card not bound to a job yet (an upload in progress), at the top of the list. */
  addCard(fileName) {
    const card = this.#template.content.firstElementChild.cloneNode(true);
    cardCount += 1;
    const name = card.querySelector(".job-name");
    name.id = `job-name-${cardCount}`;
    name.textContent = fileName;
    card.querySelector(".progress").setAttribute("aria-labelledby", name.id);
    for (const button of card.querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => this.#act(card, button));
    }
    this.#list.prepend(card);
    this.#onChange();
    return card;
  }

  showUpload(card, loaded, total) {
    const percent = total ? Math.floor((loaded / total) * 100) : 0;
    card.dataset.status = "uploading";
    this.#setStage(card, "Uploading");
    this.#setProgress(card, percent, `Uploading, ${percent}%`);
    card.querySelector(".job-text").textContent = `${formatBytes(loaded)} of ${formatBytes(total)}`;
  }

  showRejected(card, message) {
    card.dataset.status = "rejected";
    this.#setStage(card, "Not uploaded");
    this.#setProgress(card, 0, "Not uploaded");
    card.querySelector(".job-percent").textContent = "";
    card.querySelector(".job-text").textContent = "";
    card.querySelector(".progress").hidden = true;
    this.#showError(card, message);
    this.#announce(`${card.querySelector(".job-name").textContent} was not uploaded: ${message}`);
  }

  /** Bind `card` to a job; false when another card already shows that job. */
  bind(card, jobId) {
    if (this.#cards.has(jobId)) {
      card.remove();
      this.#onChange();
      return false;
    }
    card.dataset.jobId = jobId;
    this.#cards.set(jobId, card);
    return true;
  }

  /** Show the job's current state, making its card (at the top) if it has none. */
  update(job) {
    const card = this.#cards.get(job.id) ?? this.#newCard(job);
    const previous = { status: card.dataset.status, stage: card.dataset.stage };
    const label = this.#config.stage_labels[job.stage] ?? job.stage;
    const name = job.file_name ?? "Document";
    card.querySelector(".job-name").textContent = name;
    card.dataset.status = job.status;
    card.dataset.stage = job.stage;
    this.#setStage(card, job.status === "stalled" ? `${label} (stalled)` : label);
    this.#setProgress(card, job.progress, `${label}, ${job.progress}%`);
    // The percentage and the estimate matter while the job runs; a failure says why instead.
    if (isTerminal(job)) card.querySelector(".job-percent").textContent = "";
    card.querySelector(".job-text").textContent = job.status === "failed" ? "" : job.message;
    const eta = job.metadata?.estimated_time_remaining_ms;
    card.querySelector(".job-eta").textContent =
      eta != null && !isTerminal(job) ? `· ${formatEta(eta)}` : "";

    if (job.status === "failed") this.#showError(card, job.error?.message ?? job.message);
    else this.#showError(card, null);

    const note = card.querySelector(".job-note");
    note.hidden = !(job.status === "completed" && job.result?.note_id);
    if (!note.hidden) {
      note.href = fill(this.#config.note_url, job.result.note_id);
      note.setAttribute("aria-label", `Open the notes of ${name}`);
    }
    card.querySelector('[data-action="cancel"]').hidden = isTerminal(job);
    const retryable =
      job.status === "cancelled" || (job.status === "failed" && job.error?.recoverable);
    card.querySelector('[data-action="retry"]').hidden = !retryable;

    if (previous.stage !== job.stage || previous.status !== job.status) {
      const detail = job.status === "failed" ? `failed. ${job.error?.message ?? ""}` : label;
      if (previous.status !== undefined) this.#announce(`${name}: ${detail}`);
    }
  }

  #newCard(job) {
    const card = this.addCard(job.file_name ?? "Document");
    this.bind(card, job.id);
    return card;
  }

  #setStage(card, text) {
    card.querySelector(".job-stage").textContent = text;
  }

  #setProgress(card, percent, text) {
    card.querySelector(".job-percent").textContent = `${percent}%`;
    const bar = card.querySelector(".progress");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", text);
    bar.querySelector(".progress-fill").style.width = `${percent}%`;
  }

  #showError(card, message) {
    const error = card.querySelector(".job-error");
    error.hidden = !message;
    error.textContent = message ?? "";
  }

  async #act(card, button) {
    const action = button.dataset.action;
    const jobId = card.dataset.jobId;
    const feedback = card.querySelector(".job-action-error");
    feedback.hidden = true;
    button.disabled = true;
    const { ok, status, body } = await post(fill(this.#config[`${action}_url`], jobId));
    button.disabled = false;
    // On success the job's own events update the card; nothing else to do here.
    if (!ok) {
      feedback.textContent = errorMessage(status, body);
      feedback.hidden = false;
    }
  }

  #announce(text) {
    // A fresh text node each time, so that repeating a message is announced again.
    this.#announcer.replaceChildren(document.createTextNode(text));
  }
}
