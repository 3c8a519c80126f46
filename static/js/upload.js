// The upload page: drop or choose PDFs; each one is uploaded with its own request and then
// followed live in its own job room.

import { startLivePage, readJson } from "./live-page.js";
import { errorMessage, uploadFile } from "./api.js";
import { formatBytes } from "./job-list.js";

const { max_bytes: maxBytes, upload_url: uploadUrl } = readJson("upload-config");
const form = document.getElementById("upload-form");
const input = document.getElementById("upload-input");
const { client, list } = startLivePage({ emptyNotice: document.getElementById("uploads-empty") });

/** Why the browser will not send `file`, or null. The server checks again and decides. */
function precheck(file) {
  const isPdf = file.type === "application/pdf" || file.name.toLowerCase().endsWith(".pdf");
  if (!isPdf) return `${file.name} is not a PDF.`;
  if (file.size === 0) return "The file is empty.";
  if (file.size > maxBytes) return `The file is larger than the ${formatBytes(maxBytes)} limit.`;
  return null;
}

async function upload(file) {
  const card = list.addCard(file.name);
  const problem = precheck(file);
  if (problem) {
    list.showRejected(card, problem);
    return;
  }
  list.showUpload(card, 0, file.size);
  const { ok, status, body } = await uploadFile(uploadUrl, file, (loaded, total) =>
    list.showUpload(card, loaded, total),
  );
  if (!ok || !body?.job) {
    list.showRejected(card, errorMessage(status, body));
    return;
  }
  if (list.bind(card, body.job.id)) client.followJob(body.job);
}

function uploadAll(files) {
  // Each new card goes to the top: start from the last so that the list reads in order.
  for (const file of [...files].reverse()) upload(file);
}

input.addEventListener("change", () => {
  uploadAll([...input.files]);
  input.value = "";
});

form.addEventListener("submit", (event) => event.preventDefault());
form.addEventListener("dragover", (event) => {
  event.preventDefault();
  form.classList.add("is-dragging");
});
form.addEventListener("dragleave", () => form.classList.remove("is-dragging"));
form.addEventListener("drop", (event) => {
  event.preventDefault();
  form.classList.remove("is-dragging");
  uploadAll([...event.dataTransfer.files]);
});

client.start();
