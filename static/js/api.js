// Calls to the REST API from the pages: session cookie plus the CSRF header.

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

const FALLBACK_MESSAGES = {
  0: "The upload did not reach the server. Check the connection and try again.",
  413: "The file is too large.",
  415: "The file is not a PDF.",
  429: "Too many uploads for now. Please wait a little and try again.",
};

/** The message of an API error answer (`{code, message, details}`), or one for its status. */
export function errorMessage(status, body) {
  if (body && typeof body.message === "string") return body.message;
  return FALLBACK_MESSAGES[status] ?? `The server answered with an error (HTTP ${status}).`;
}

/** POST without a body; resolves to {ok, status, body}. */
export async function post(url) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, body: null };
  }
  const body = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, body };
}

/**
 * Upload one file as multipart field `file`, reporting bytes sent (fetch cannot report upload
 * progress, XMLHttpRequest can). Resolves to {ok, status, body}; never rejects.
 */
export function uploadFile(url, file, onProgress) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.responseType = "json";
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) onProgress(progress.loaded, progress.total);
    });
    request.addEventListener("load", () => {
      const ok = request.status >= 200 && request.status < 300;
      resolve({ ok, status: request.status, body: request.response });
    });
    request.addEventListener("error", () => resolve({ ok: false, status: 0, body: null }));
    const form = new FormData();
    form.append("file", file);
    request.send(form);
  });
}
