// Prompt2Mesh web UI: sign in, start runs from the chat box, follow them live, view and
// download the result, browse history, then keep talking to the model (typed or spoken
// follow-up edits, undo). Plain ES modules served by the app itself.

import { api, ApiError, auth, fetchFile, followCommandEvents, followEvents, hooks, transcribe } from "./api.js";
import { changedScene, EditLog } from "./edits.js";
import { RunView } from "./timeline.js";
import { $, formatDuration, h, statusPill, TERMINAL, timeAgo, toast, toastError } from "./ui.js";
import { PushToTalk } from "./voice.js";

const state = {
  user: null,
  runId: null,
  run: null, // the Run as last fetched
  view: null, // RunView
  stream: null, // AbortController of the event stream
  imageUrls: [], // blob URLs to revoke when the run on screen changes
  files: {}, // artifacts of the run on screen: {glb, blend, report}
  workerTimer: null,
  mode: "new", // what the chat box does: "new" model, or "edit" the model on screen
  edits: null, // EditLog of the run on screen
  editing: false, // a command is in flight
  viewerLoads: 0,
};

let viewer = null;
let voice = null; // PushToTalk

/**
 * The 3D viewer, loaded on its own: if three.js is missing (setup not run) or WebGL fails,
 * everything else still works and the viewer box says why.
 */
async function makeViewer() {
  try {
    const { Viewer } = await import("./viewer.js");
    return new Viewer($("#viewer"), $("#viewer-overlay"));
  } catch (err) {
    console.error("3D viewer unavailable:", err);
    $("#viewer-message").textContent = "The 3D preview could not start in this browser. The downloads still work.";
    return { supported: false, clear() {}, frame() {}, setAutoRotate() {}, setWireframe() {} };
  }
}

// ---------------------------------------------------------------- auth

let authMode = "login";

function setAuthMode(mode) {
  authMode = mode;
  for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-selected", String(tab.dataset.mode === mode));
  $("#auth-submit").textContent = mode === "login" ? "Log in" : "Create account";
  $("#auth-password").autocomplete = mode === "login" ? "current-password" : "new-password";
  $("#auth-error").hidden = true;
}

function authError(text) {
  const el = $("#auth-error");
  el.textContent = text;
  el.hidden = false;
}

async function submitAuth(event) {
  event.preventDefault();
  const username = $("#auth-username").value.trim();
  const password = $("#auth-password").value;
  if (!/^[A-Za-z0-9_.-]{3,64}$/.test(username)) {
    return authError("Username: 3 to 64 letters, digits, dots, dashes or underscores.");
  }
  if (password.length < 8) return authError("Password: at least 8 characters.");
  const button = $("#auth-submit");
  button.disabled = true;
  try {
    if (authMode === "signup") await api.signup(username, password);
    const token = await api.login(username, password);
    auth.token = token.access_token;
    await enterApp();
  } catch (err) {
    authError(err instanceof ApiError ? err.message : String(err));
  } finally {
    button.disabled = false;
  }
}

function showAuth(message = null) {
  stopStream();
  clearInterval(state.workerTimer);
  auth.token = null;
  state.user = null;
  $("#app-view").hidden = true;
  $("#auth-view").hidden = false;
  if (message) authError(message);
  $("#auth-username").focus();
}

async function enterApp() {
  state.user = await api.me();
  $("#auth-view").hidden = true;
  $("#app-view").hidden = false;
  $("#user-name").textContent = state.user.username;
  viewer ??= await makeViewer();
  await refreshHistory();
  pollWorker();
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("run");
  if (fromHash) openRun(fromHash).catch(() => newRun());
  else newRun();
}

async function logout() {
  try { await api.logout(); } catch { /* the token is dropped here anyway */ }
  history.replaceState(null, "", location.pathname);
  showAuth();
}

// ---------------------------------------------------------------- worker pill

async function pollWorker() {
  clearInterval(state.workerTimer);
  const pill = $("#worker-status");
  const update = async () => {
    try {
      const w = await api.worker();
      const busy = state.run && !TERMINAL.has(state.run.status);
      pill.className = `worker-pill ${w.state === "ready" ? (busy ? "busy" : "ready") : w.state === "starting" ? "busy" : ""}`;
      pill.textContent = { ready: busy ? "Worker busy" : "Worker ready", starting: "Worker starting", stopped: "Worker idle", dead: "Worker stopped" }[w.state] ?? "Worker";
    } catch { /* the pill is a hint; a failed poll is not worth a toast */ }
  };
  await update();
  state.workerTimer = setInterval(update, 8000);
}

// ---------------------------------------------------------------- history

async function refreshHistory() {
  const runs = await api.listRuns();
  const list = $("#history");
  list.replaceChildren(...runs.map((run) => h("li", {},
    h("button", {
      type: "button",
      class: `history-item${run.id === state.runId ? " active" : ""}`,
      "data-run": run.id,
      title: run.prompt,
      onclick: () => openRun(run.id).catch(toastError),
    },
    h("span", { class: "history-prompt" }, run.prompt),
    h("span", { class: "history-meta" }, statusPill(run.status), timeAgo(run.created_at))))));
  $("#history-empty").hidden = runs.length > 0;
}

function setHistoryStatus(id, status) {
  const pill = document.querySelector(`.history-item[data-run="${CSS.escape(id)}"] .status`);
  pill?.replaceWith(statusPill(status));
}

function markActiveInHistory() {
  for (const item of document.querySelectorAll(".history-item")) item.classList.toggle("active", item.dataset.run === state.runId);
}

// ---------------------------------------------------------------- one run on screen

function stopStream() {
  state.stream?.abort();
  state.stream = null;
  state.editing = false;
}

function resetResult() {
  for (const url of state.imageUrls) URL.revokeObjectURL(url);
  state.imageUrls = [];
  state.files = {};
  for (const b of document.querySelectorAll(".download")) b.disabled = true;
  for (const id of ["#view-reset", "#view-rotate", "#view-wire"]) $(id).disabled = true;
  $("#view-rotate").setAttribute("aria-pressed", "false");
  $("#view-wire").setAttribute("aria-pressed", "false");
  $("#viewer-stats").textContent = "";
  setSummary({});
  viewer?.clear?.();
}

function newRun() {
  stopStream();
  state.runId = null;
  state.run = null;
  state.view = null;
  state.edits = null;
  setEditable(false);
  resetResult();
  $("#welcome").hidden = false;
  $("#run").hidden = true;
  history.replaceState(null, "", location.pathname);
  markActiveInHistory();
  $("#prompt").focus();
}

async function openRun(id) {
  stopStream();
  const run = await api.getRun(id);
  state.runId = id;
  state.run = run;
  resetResult();
  $("#welcome").hidden = true;
  $("#run").hidden = false;
  history.replaceState(null, "", `#run=${encodeURIComponent(id)}`);
  markActiveInHistory();

  const view = new RunView($("#run"), run, {
    loadImage: async (file) => {
      const url = URL.createObjectURL(await fetchFile(id, file));
      state.imageUrls.push(url);
      return url;
    },
    onCancel: () => cancelRun(id),
    onResume: () => resumeRun(id),
    onOpenImage: openLightbox,
  });
  state.view = view;
  state.edits = new EditLog({
    loadImage: view.actions.loadImage,
    onOpenImage: openLightbox,
  });
  $("#run").append(state.edits.el);
  setEditable(false);
  const controller = new AbortController();
  state.stream = controller;
  const scroller = $("#conversation");
  scroller.scrollTop = 0;
  // A finished run replays in a blink: read it from the top. A live one follows its newest step.
  const live = !TERMINAL.has(run.status);
  followEvents(id, (ev) => {
    // Edits of the finished scene share the run's event log; the edit list draws them.
    if (ev.command_id) return;
    // Follow the newest step only when the reader is already at the bottom.
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    view.apply(ev);
    if (ev.type === "status") {
      if (state.run) state.run.status = ev.status;
      setHistoryStatus(id, ev.status);
    }
    setLiveSummary(view);
    if (live && atBottom && !controller.signal.aborted) scroller.scrollTop = scroller.scrollHeight;
  }, {
    signal: controller.signal,
    onEnd: (status) => view.setStatus(status),
  }).then(
    () => (controller.signal.aborted ? null : finishRun(id).catch((err) => toastError(err, "Could not load the result"))),
    (err) => {
      if (!controller.signal.aborted) toastError(err, "Lost the live updates");
    },
  );
}

/** After the stream ends: fetch the final run, show the outcome, the files and the model. */
async function finishRun(id) {
  const run = await api.getRun(id);
  if (state.runId !== id) return;
  state.run = run;
  state.view.setStatus(run.status);
  if (run.report) state.view.showOutcome(run.report);
  if (run.totals) setSummary(run.totals);
  refreshHistory().catch(() => {});
  pollWorker();
  const artifacts = run.artifacts ?? {};
  state.files = { glb: artifacts.glb, blend: artifacts.blend, report: run.report ? "report.json" : null };
  for (const b of document.querySelectorAll(".download")) b.disabled = !state.files[b.dataset.file];
  if (run.status === "completed") toast("Your model is ready.", { kind: "ok" });
  if (run.status === "failed") {
    toast(run.error || "The run failed.", { kind: "error", title: "Run failed" });
    if (run.error && !run.report) state.view.note(run.error, true);
  }
  if (artifacts.glb) await showModel(id, artifacts.glb);
  if (run.status === "completed" && run.session_id) {
    setEditable(true);
    setMode("edit");
    await loadEdits(run);
  }
}

async function showModel(id, name) {
  if (!viewer?.supported) return;
  try {
    viewer.show("Loading the model…", { loading: true });
    const stats = await viewer.load(await fetchFile(id, name));
    if (state.runId !== id) return;
    state.viewerLoads += 1;
    $("#viewer").dataset.loads = String(state.viewerLoads);
    for (const b of ["#view-reset", "#view-rotate", "#view-wire"]) $(b).disabled = false;
    const tris = stats.triangles >= 10_000 ? `${(stats.triangles / 1000).toFixed(1)}k` : stats.triangles;
    $("#viewer-stats").textContent = `${stats.meshes} meshes · ${tris} triangles`;
  } catch (err) {
    viewer.show("The model could not be shown. You can still download it.");
    toastError(err, "3D preview failed");
  }
}

async function resumeRun(id) {
  try {
    await api.resumeRun(id);
    await openRun(id);
  } catch (err) {
    toastError(err, "Could not resume");
  }
}

async function cancelRun(id) {
  try {
    await api.cancelRun(id);
    toast("Run cancelled.");
  } catch (err) {
    toastError(err, "Could not cancel");
  }
}

function setLiveSummary(view) {
  const steps = [...view.steps.values()];
  // Like the report's average: each step's latest score.
  const scores = steps.filter((s) => s.scores.length).map((s) => s.scores.at(-1));
  setSummary({
    steps: steps.length ? `${steps.filter((s) => s.done).length}/${steps.length}` : null,
    average_score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    refinements: steps.reduce((a, s) => a + s.refinements, 0),
    tool_calls: steps.reduce((a, s) => a + s.tools, 0),
    duration_s: view.firstTs === undefined ? null : view.lastTs - view.firstTs,
  });
}

function setSummary(t) {
  const set = (k, v) => { $(`#summary [data-k="${k}"]`).textContent = v ?? "–"; };
  set("steps", t.steps);
  set("score", t.average_score === null || t.average_score === undefined ? null : Number(t.average_score).toFixed(1));
  set("refinements", t.refinements);
  set("tools", t.tool_calls);
  set("duration", t.duration_s === null || t.duration_s === undefined ? null : formatDuration(t.duration_s));
}

// ---------------------------------------------------------------- chat box

async function submitPrompt(event) {
  event.preventDefault();
  const box = $("#prompt");
  const prompt = box.value.trim();
  if (!prompt) return box.focus();
  const send = $("#send");
  send.disabled = true;
  try {
    if (state.mode === "edit") {
      box.value = "";
      autosize();
      await sendCommand(prompt);
      return;
    }
    // Each model is its own conversation: follow-up edits go to its session.
    const session = await api.createSession(prompt);
    let run;
    try {
      run = await api.startRun(prompt, undefined, session.id);
    } catch (err) {
      api.deleteSession(session.id).catch(() => {});
      throw err;
    }
    box.value = "";
    autosize();
    await openRun(run.id);
    await refreshHistory();
  } catch (err) {
    toastError(err, state.mode === "edit" ? "Could not send the command" : "Could not start the run");
  } finally {
    send.disabled = state.editing;
  }
}

// ---------------------------------------------------------------- follow-up edits

const COMPOSER = {
  new: {
    placeholder: "Describe the object you want, e.g. “a decorated Christmas tree”",
    send: "Generate",
    hint: "Enter to send · Shift+Enter for a new line",
  },
  edit: {
    placeholder: "Change the model, e.g. “make it taller”, “make the roof red”, “undo”",
    send: "Apply",
    hint: "Enter to send · the microphone listens to a spoken command · Undo reverts the last change",
  },
};

/** Whether the model on screen can be edited (finished, in a session); else back to "new". */
function setEditable(on) {
  const button = $('.mode[data-mode="edit"]');
  button.disabled = !on;
  button.title = on ? "Change this model in your own words"
    : state.run && !state.run.session_id && TERMINAL.has(state.run.status)
      ? "This model was made before editing existed: make a new one to edit it"
      : "Finish a model first, then change it in your own words";
  if (!on) setMode("new");
}

function setMode(mode) {
  state.mode = mode;
  for (const b of document.querySelectorAll(".composer-mode .mode[data-mode]")) {
    b.classList.toggle("active", b.dataset.mode === mode);
    b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
  }
  const text = COMPOSER[mode];
  $("#prompt").placeholder = text.placeholder;
  $("#prompt").maxLength = mode === "edit" ? 500 : 2000;
  $("#send").textContent = text.send;
  $("#composer-hint").textContent = text.hint;
  $("#undo").hidden = mode !== "edit";
  updateEditButtons();
}

function updateEditButtons() {
  $("#undo").disabled = state.editing;
  $("#send").disabled = state.editing;
  const mic = $("#mic");
  mic.disabled = state.editing || !voice?.supported || state.mode !== "edit";
  if (voice?.supported && !voice.recording) {
    mic.title = state.mode === "edit" ? "Speak a command (click to start)" : "Voice commands change a finished model";
  }
}

/** The commands already made on this model (after a reload, or when opened from history). */
async function loadEdits(run) {
  const entries = await api.listCommands(run.session_id);
  if (state.runId !== run.id || !state.edits) return;
  for (const entry of entries.filter((e) => e.run_id === run.id)) {
    const card = state.edits.show(entry);
    if (entry.status === "running" && entry.id) follow(run, entry.id, card);
  }
}

/** Sends one command (typed, spoken or "undo") to the model on screen and follows it live. */
async function sendCommand(text, { heard = false, undo = false } = {}) {
  const run = state.run;
  if (!run?.session_id || state.editing) return;
  const card = state.edits.start(undo ? "Undo the last change" : text, heard);
  state.editing = true;
  updateEditButtons();
  let accepted;
  try {
    accepted = undo ? await api.undoCommand(run.session_id) : await api.sendCommand(run.session_id, text);
  } catch (err) {
    card.fail(err.message);
    state.editing = false;
    updateEditButtons();
    if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) toastError(err, "Could not send the command");
    return;
  }
  state.edits.bind(accepted.id, card);
  await follow(run, accepted.id, card);
}

async function follow(run, commandId, card) {
  state.editing = true;
  updateEditButtons();
  const controller = state.stream ?? new AbortController();
  let final = null;
  try {
    const scroller = $("#conversation");
    await followCommandEvents(run.session_id, commandId, (ev) => {
      card.apply(ev);
      scroller.scrollTop = scroller.scrollHeight; // the newest turn stays in sight
      if (ev.type === "command_finished") final = ev.outcome?.status ?? null;
    }, { signal: controller.signal });
  } catch (err) {
    if (!controller.signal.aborted) toastError(err, "Lost the live updates of the command");
  } finally {
    if (state.runId === run.id) {
      state.editing = false;
      updateEditButtons();
    }
  }
  if (state.runId === run.id && changedScene(final)) await showModel(run.id, "scene.glb");
}

async function onVoice(blob) {
  const run = state.run;
  if (!run?.session_id) return;
  const hint = $("#composer-hint");
  hint.textContent = "Transcribing what you said…";
  try {
    const heard = await transcribe(run.session_id, blob);
    hint.textContent = `Heard: “${heard.text}”`;
    if (state.mode === "edit") await sendCommand(heard.text, { heard: true });
    else {
      $("#prompt").value = heard.text;
      autosize();
    }
  } catch (err) {
    hint.textContent = COMPOSER[state.mode].hint;
    toastError(err, "Could not understand the recording");
  }
}

function autosize() {
  const box = $("#prompt");
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight + 2, 160)}px`;
}

// ---------------------------------------------------------------- downloads, viewer, lightbox

async function download(kind) {
  const name = state.files[kind];
  if (!name || !state.runId) return;
  try {
    const blob = await fetchFile(state.runId, name);
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: name.split("/").at(-1) });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    toastError(err, "Download failed");
  }
}

function toggle(button, apply) {
  const on = button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", String(on));
  apply(on);
}

function openLightbox(url, caption) {
  $("#lightbox-img").src = url;
  $("#lightbox-caption").textContent = caption;
  $("#lightbox").showModal();
}

// ---------------------------------------------------------------- wiring

function wire() {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => setAuthMode(tab.dataset.mode));
  $("#auth-form").addEventListener("submit", submitAuth);
  $("#logout").addEventListener("click", logout);
  $("#new-run").addEventListener("click", newRun);
  $("#composer").addEventListener("submit", submitPrompt);
  for (const b of document.querySelectorAll(".composer-mode .mode[data-mode]")) {
    b.addEventListener("click", () => { if (!b.disabled) setMode(b.dataset.mode); $("#prompt").focus(); });
  }
  $("#undo").addEventListener("click", () => sendCommand("undo", { undo: true }));
  voice = new PushToTalk($("#mic"), {
    onAudio: onVoice,
    onError: (err) => toastError(err, "Microphone"),
    onState: (recording, seconds) => {
      $("#composer-hint").textContent = recording
        ? `Listening… ${seconds.toFixed(1)} s · click the microphone again to send`
        : COMPOSER[state.mode].hint;
    },
  });
  updateEditButtons();
  $("#prompt").addEventListener("input", autosize);
  $("#prompt").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("#composer").requestSubmit();
    }
  });
  for (const chip of document.querySelectorAll("#examples .chip")) {
    chip.addEventListener("click", () => {
      $("#prompt").value = chip.textContent;
      autosize();
      $("#prompt").focus();
    });
  }
  for (const b of document.querySelectorAll(".download")) b.addEventListener("click", () => download(b.dataset.file));
  $("#view-reset").addEventListener("click", () => viewer?.frame());
  $("#view-rotate").addEventListener("click", (e) => toggle(e.currentTarget, (on) => viewer?.setAutoRotate(on)));
  $("#view-wire").addEventListener("click", (e) => toggle(e.currentTarget, (on) => viewer?.setWireframe(on)));
  $("#lightbox").addEventListener("click", (e) => { if (e.target.id === "lightbox") e.target.close(); });
  hooks.onUnauthorized = () => showAuth("Your session has ended. Please log in again.");
}

async function boot() {
  wire();
  setAuthMode("login");
  if (!auth.token) return showAuth();
  try {
    await enterApp();
  } catch {
    showAuth();
  }
}

boot();
