// The HTTP API of the service (docs/API.md), seen from the browser.
// The access token lives in sessionStorage: it survives a reload, not the closing of the tab.

const TOKEN_KEY = "p2m.token";

/** An error answered by the API: `{error: {code, message}}` plus the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Handlers the app installs: called when any request answers 401 (token expired or revoked). */
export const hooks = { onUnauthorized: () => {} };

async function toError(res) {
  let code = "http_" + res.status;
  let message = res.statusText || "Request failed";
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    } else if (body && body.detail) {
      // FastAPI's own shape, in case a route answers before our handlers see it.
      message = typeof body.detail === "string" ? body.detail
        : body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
    }
  } catch { /* not JSON: keep the status text */ }
  const retry = res.headers.get("Retry-After");
  return new ApiError(res.status, code, message, retry ? Number(retry) : null);
}

/** One JSON request; throws ApiError for any non-2xx answer. */
export async function request(method, path, body = undefined, { signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && auth.token && !path.startsWith("/auth/login")) hooks.onUnauthorized(err);
    throw err;
  }
  if (res.status === 204) return null;
  return res.json();
}

export const api = {
  signup: (username, password) => request("POST", "/auth/signup", { username, password }),
  login: (username, password) => request("POST", "/auth/login", { username, password }),
  logout: () => request("POST", "/auth/logout"),
  me: () => request("GET", "/auth/me"),
  worker: () => request("GET", "/workers/me"),
  startWorker: () => request("POST", "/workers/me"),
  listRuns: (limit = 50) => request("GET", `/runs?limit=${limit}`),
  getRun: (id) => request("GET", `/runs/${encodeURIComponent(id)}`),
  startRun: (prompt, options = undefined, sessionId = undefined) =>
    request("POST", "/runs", { prompt, ...(options ? { options } : {}), ...(sessionId ? { session_id: sessionId } : {}) }),
  deleteSession: (id) => request("DELETE", `/sessions/${encodeURIComponent(id)}`),
  createSession: (title) => request("POST", "/sessions", { title: title.slice(0, 200) }),
  sendCommand: (sessionId, text) => request("POST", `/sessions/${encodeURIComponent(sessionId)}/commands`, { text }),
  undoCommand: (sessionId) => request("POST", `/sessions/${encodeURIComponent(sessionId)}/commands/undo`),
  listCommands: (sessionId) => request("GET", `/sessions/${encodeURIComponent(sessionId)}/commands`),
  cancelRun: (id) => request("POST", `/runs/${encodeURIComponent(id)}/cancel`),
  resumeRun: (id) => request("POST", `/runs/${encodeURIComponent(id)}/resume`),
  listFiles: (id) => request("GET", `/runs/${encodeURIComponent(id)}/files`),
};

/** URL of a run's file; `name` may contain `/` (each segment is encoded on its own). */
export function fileUrl(runId, name) {
  const path = name.split("/").map(encodeURIComponent).join("/");
  return `/runs/${encodeURIComponent(runId)}/files/${path}`;
}

/** A run's file as a Blob, fetched with the Authorization header (no token in any URL). */
export async function fetchFile(runId, name, { signal } = {}) {
  const res = await fetch(fileUrl(runId, name), {
    headers: { Authorization: `Bearer ${auth.token}` },
    // Edits rewrite scene.glb in place: always revalidate, never a stale cached copy.
    cache: "no-cache",
    signal,
  });
  if (!res.ok) throw await toError(res);
  return res.blob();
}

/** Uploads a recording (push-to-talk) and returns what was heard: {text, language, duration_s}. */
export async function transcribe(sessionId, blob) {
  const form = new FormData();
  const ext = (blob.type.split(";")[0].split("/")[1] || "webm").replace(/[^a-z0-9]/g, "") || "webm";
  form.append("audio", blob, `command.${ext}`);
  let res;
  try {
    res = await fetch(`/sessions/${encodeURIComponent(sessionId)}/voice`, {
      method: "POST",
      headers: { Authorization: `Bearer ${auth.token}` },
      body: form,
    });
  } catch {
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
  }
  if (!res.ok) throw await toError(res);
  return res.json();
}

/** Follows one command's event stream (same format and rules as a run's). */
export function followCommandEvents(sessionId, commandId, onEvent, opts) {
  const base = `/sessions/${encodeURIComponent(sessionId)}/commands/${encodeURIComponent(commandId)}/events`;
  return followStream(base, onEvent, opts);
}

/**
 * Follows a run's event stream (Server-Sent Events read through fetch(), so the token goes in
 * the Authorization header). Reconnects after a dropped connection from the last seen `seq`,
 * and stops at the stream's `end` event or when `signal` aborts.
 *
 * @param {string} runId
 * @param {(event: object) => void} onEvent  called once per event, in order, never twice
 * @param {{signal: AbortSignal, onEnd?: (status: string) => void}} opts
 */
export function followEvents(runId, onEvent, opts) {
  return followStream(`/runs/${encodeURIComponent(runId)}/events`, onEvent, opts);
}

async function followStream(base, onEvent, { signal, onEnd = () => {} }) {
  let lastSeq = 0;
  let failures = 0;
  while (!signal.aborted) {
    let ended = false;
    try {
      const res = await fetch(`${base}?after=${lastSeq}`, {
        headers: { Accept: "text/event-stream", Authorization: `Bearer ${auth.token}` },
        signal,
      });
      if (!res.ok) {
        const err = await toError(res);
        if (res.status === 401) hooks.onUnauthorized(err);
        throw err;
      }
      failures = 0;
      for await (const msg of readSse(res.body, signal)) {
        if (msg.event === "end") {
          ended = true;
          onEnd(safeJson(msg.data)?.status ?? "completed");
          break;
        }
        const data = safeJson(msg.data);
        if (!data) continue;
        const seq = Number(data.seq ?? msg.id ?? 0);
        if (seq && seq <= lastSeq) continue;
        if (seq) lastSeq = seq;
        onEvent(data);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw err;
      failures += 1;
      if (failures > 5) throw err;
    }
    if (ended) return;
    // The connection dropped before the end: back off a little, then resume after lastSeq.
    await abortableDelay(Math.min(500 * 2 ** failures, 8000), signal);
  }
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

function abortableDelay(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** Parses a text/event-stream body into {event, data, id} messages (WHATWG SSE rules). */
async function* readSse(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener("abort", () => reader.cancel().catch(() => {}), { once: true });
  let buffer = "";
  let msg = { event: "message", data: [], id: null };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A lone "\r" at the end may be the first half of "\r\n" split across two chunks.
        if (buffer[nl] === "\r" && nl === buffer.length - 1) break;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (msg.data.length) yield { event: msg.event, data: msg.data.join("\n"), id: msg.id };
          msg = { event: "message", data: [], id: null };
          continue;
        }
        if (line.startsWith(":")) continue; // keep-alive
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") msg.event = value;
        else if (field === "data") msg.data.push(value);
        else if (field === "id") msg.id = value;
      }
    }
  } finally {
    reader.releaseLock?.();
  }
}
