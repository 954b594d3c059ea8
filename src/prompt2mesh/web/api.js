// The HTTP API of the service (docs/API.md), seen from the browser.
// The tokens live in sessionStorage: they survive a reload, not the closing of the tab.
// The access token is short-lived; when it expires, the refresh token (which works once and
// is replaced on every use) gets a new pair, so an active user stays logged in. When the
// refresh is refused too, the session has really ended: hooks.onUnauthorized is called.

const TOKEN_KEY = "p2m.token";
const REFRESH_KEY = "p2m.refresh";

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

function stored(key, value) {
  if (value) sessionStorage.setItem(key, value);
  else sessionStorage.removeItem(key);
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) { stored(TOKEN_KEY, value); if (!value) stored(REFRESH_KEY, null); },
  get refreshToken() { return sessionStorage.getItem(REFRESH_KEY); },
  /** Keeps what POST /auth/login, /auth/refresh or /auth/password answered. */
  save(tokens) {
    stored(TOKEN_KEY, tokens.access_token);
    stored(REFRESH_KEY, tokens.refresh_token);
  },
  clear() {
    stored(TOKEN_KEY, null);
    stored(REFRESH_KEY, null);
  },
};

/** Handlers the app installs: called once the session has really ended (refresh refused). */
export const hooks = { onUnauthorized: () => {} };

export const SESSION_ENDED = "Your session ended. Please log in again.";

let refreshing = null; // the refresh in flight: concurrent 401s share it (a token works once)

/** Trades the refresh token for a new pair; true when it worked. */
export function refreshSession() {
  if (!auth.refreshToken) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const res = await fetch("/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refresh_token: auth.refreshToken }),
      });
      if (!res.ok) {
        // A network error keeps the tokens (try again later); a refusal ends the session.
        if (res.status === 401) auth.clear();
        return false;
      }
      auth.save(await res.json());
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function sessionEnded(err) {
  const ended = new ApiError(401, err?.code ?? "session_ended", SESSION_ENDED);
  auth.clear();
  hooks.onUnauthorized(ended);
  return ended;
}

/**
 * fetch() with the access token; on a 401 it refreshes once and tries again. Answers the
 * Response (any status) or throws ApiError for a network failure or an ended session.
 */
async function authedFetch(path, init = {}) {
  const send = () => fetch(path, {
    ...init,
    headers: { ...(init.headers || {}), ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}) },
  });
  let res;
  try {
    res = await send();
    if (res.status === 401 && auth.token) {
      if (!(await refreshSession())) throw sessionEnded(await toError(res));
      res = await send();
      if (res.status === 401) throw sessionEnded(await toError(res));
    }
  } catch (err) {
    if (err instanceof ApiError || err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
  }
  return res;
}

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

// Routes where a 401 means "wrong password", not "the session ended".
const NO_REFRESH = ["/auth/login", "/auth/signup", "/auth/refresh", "/auth/password"];

/** One JSON request; throws ApiError for any non-2xx answer. */
export async function request(method, path, body = undefined, { signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal };
  let res;
  if (NO_REFRESH.some((p) => path.startsWith(p)) || (method === "DELETE" && path === "/auth/me")) {
    try {
      res = await fetch(path, { ...init, headers: { ...headers, ...(auth.token ? { Authorization: `Bearer ${auth.token}` } : {}) } });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
    }
  } else {
    res = await authedFetch(path, init);
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null;
  return res.json();
}

export const api = {
  signup: (username, password) => request("POST", "/auth/signup", { username, password }),
  login: (username, password) => request("POST", "/auth/login", { username, password }),
  logout: () => request("POST", "/auth/logout"),
  me: () => request("GET", "/auth/me"),
  changePassword: (currentPassword, newPassword) =>
    request("POST", "/auth/password", { current_password: currentPassword, new_password: newPassword }),
  deleteAccount: (password) => request("DELETE", "/auth/me", { password }),
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
  // Plan review (service/routes/review.py): edit the paused plan, or plan again, then approve.
  changePlan: (id, body) => request("POST", `/runs/${encodeURIComponent(id)}/plan`, body),
  approvePlan: (id) => request("POST", `/runs/${encodeURIComponent(id)}/approve`),
  listFiles: (id) => request("GET", `/runs/${encodeURIComponent(id)}/files`),
  // The gallery (service/routes/gallery.py), share links (shares.py) and exports (exports.py).
  gallery: ({ q = "", limit = 24, offset = 0 } = {}) =>
    request("GET", `/gallery?${new URLSearchParams({ q, limit: String(limit), offset: String(offset) })}`),
  renameRun: (id, title) => request("PATCH", `/runs/${encodeURIComponent(id)}`, { title }),
  duplicateRun: (id) => request("POST", `/runs/${encodeURIComponent(id)}/duplicate`),
  deleteRun: (id) => request("DELETE", `/runs/${encodeURIComponent(id)}`),
  createShare: (id) => request("POST", `/runs/${encodeURIComponent(id)}/shares`),
  listShares: (id) => request("GET", `/runs/${encodeURIComponent(id)}/shares`),
  revokeShare: (token) => request("DELETE", `/shares/${encodeURIComponent(token)}`),
  exportRun: (id, format) => request("POST", `/runs/${encodeURIComponent(id)}/exports`, { format }),
  startRender: (id, samples, size) => request("POST", `/runs/${encodeURIComponent(id)}/render`, { samples, size }),
  renderStatus: (id) => request("GET", `/runs/${encodeURIComponent(id)}/render`),
};

/** URL of a run's file; `name` may contain `/` (each segment is encoded on its own). */
export function fileUrl(runId, name) {
  const path = name.split("/").map(encodeURIComponent).join("/");
  return `/runs/${encodeURIComponent(runId)}/files/${path}`;
}

/** A run's file as a Blob, fetched with the Authorization header (no token in any URL). */
export async function fetchFile(runId, name, { signal } = {}) {
  const res = await authedFetch(fileUrl(runId, name), {
    // Edits rewrite scene.glb in place: always revalidate, never a stale cached copy.
    cache: "no-cache",
    signal,
  });
  if (!res.ok) throw await toError(res);
  return res.blob();
}

/** The file name the server gave a download (Content-Disposition), or `fallback`. */
function dispositionName(res, fallback) {
  const header = res.headers.get("Content-Disposition") || "";
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try { return decodeURIComponent(star[1].trim().replace(/^"|"$/g, "")); } catch { /* plain below */ }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** A download with the Authorization header: {blob, name} where name is the server's. */
export async function fetchDownload(path, { signal } = {}) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${auth.token}` }, cache: "no-cache", signal });
  if (!res.ok) throw await toError(res);
  return { blob: await res.blob(), name: dispositionName(res, path.split("/").at(-1)) };
}

/** Uploads a recording (push-to-talk) and returns what was heard: {text, language, duration_s}. */
export async function transcribe(sessionId, blob) {
  const form = new FormData();
  const ext = (blob.type.split(";")[0].split("/")[1] || "webm").replace(/[^a-z0-9]/g, "") || "webm";
  form.append("audio", blob, `command.${ext}`);
  const res = await authedFetch(`/sessions/${encodeURIComponent(sessionId)}/voice`, { method: "POST", body: form });
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
      // Read through fetch(), so the token goes in a header, never in the URL.
      const res = await authedFetch(`${base}?after=${lastSeq}`, {
        headers: { Accept: "text/event-stream" },
        signal,
      });
      if (!res.ok) throw await toError(res);
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
