// Prompt2Mesh web UI: sign in, start runs from the chat box, follow them live, view and
// download the result, browse history, then keep talking to the model (typed or spoken
// follow-up edits, undo). Plain ES modules served by the app itself.

import { AccountDialog } from "./account.js";
import { api, ApiError, auth, fetchFile, followCommandEvents, followEvents, hooks, SESSION_ENDED, transcribe } from "./api.js";
import { changedScene, EditLog } from "./edits.js";
import { Gallery } from "./gallery.js";
import { showPromptHelp } from "./help.js";
import { ResultActions } from "./result.js";
import { PlanEditor, planOrigin } from "./review.js";
import { RunView } from "./timeline.js";
import { $, clearToasts, formatDuration, TERMINAL, toast, toastError } from "./ui.js";
import { VariationPanel } from "./variations.js";
import { VersionPanel } from "./versions.js";
import { PushToTalk } from "./voice.js";

// docs/API.md: the longest prompt (RunCreate) and command (CommandCreate) the API accepts.
const LIMITS = { new: 2000, edit: 500 };
const APP_TITLE = "Prompt2Mesh";

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
  queue: [], // commands typed while another one runs: [{text, card, heard}]
  undoable: 0, // changes of the model on screen that "undo" can revert
  redo: [], // texts of the changes undone since the last new change (Redo re-applies the last)
  viewerLoads: 0,
  viewerGeneration: 0, // bumps whenever the model on screen changes: stale loads are dropped
  liveFinish: false, // the run on screen was seen running: announce its end once
};

let viewer = null;
let voice = null; // PushToTalk
let gallery = null; // Gallery
let result = null; // ResultActions
let versions = null; // VersionPanel
let account = null; // AccountDialog
let variations = null; // VariationPanel

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
  if (authMode === "signup" && password.length < 8) return authError("Password: at least 8 characters.");
  const button = $("#auth-submit");
  button.disabled = true;
  try {
    if (authMode === "signup") await api.signup(username, password);
    const token = await api.login(username, password);
    auth.save(token);
    await enterApp();
  } catch (err) {
    authError(err instanceof ApiError ? err.message : String(err));
  } finally {
    button.disabled = false;
  }
}

function showAuth(message = null) {
  clearUserState();
  auth.clear();
  $("#app-view").hidden = true;
  $("#auth-view").hidden = false;
  $("#auth-error").hidden = true;
  // Back on "Log in" (not "Create account"), with no password left in the form.
  setAuthMode("login");
  if (message) authError(message);
  document.title = `Log in · ${APP_TITLE}`;
  $("#auth-username").focus();
}

/**
 * Log-out or an ended session: nothing of this user stays for the next person at this tab:
 * no password in the form, no model in the viewer, no draft in the prompt box, no history.
 */
function clearUserState() {
  stopStream();
  clearInterval(state.workerTimer);
  state.user = null;
  $("#auth-password").value = "";
  $("#prompt").value = "";
  $("#prompt-error").hidden = true;
  updateCounter();
  closeRun();
  gallery?.reset();
  clearToasts();
  $("#user-name").textContent = "";
  $("#app-view").classList.remove("drawer-open");
  if ($("#lightbox").open) $("#lightbox").close();
  account?.close();
  history.replaceState(null, "", location.pathname);
}

async function enterApp() {
  state.user = await api.me();
  $("#auth-view").hidden = true;
  $("#app-view").hidden = false;
  $("#auth-password").value = "";
  $("#user-name").textContent = state.user.username;
  viewer ??= await makeViewer();
  showPromptHelp().catch(() => {});
  await refreshHistory();
  pollWorker();
  await route();
}

/** Shows what the address names: `#run=<id>` a model (or "not found"), else a new one. */
async function route() {
  const id = new URLSearchParams(location.hash.slice(1)).get("run");
  if (!id) return newRun({ push: false });
  if (id === state.runId) return;
  try {
    await openRun(id, { push: false });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) showNotFound();
    else toastError(err, "Could not open the model");
  }
}

async function logout() {
  try { await api.logout(); } catch { /* the token is dropped here anyway */ }
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
  await gallery.refresh();
}

function setHistoryStatus(id, status) {
  gallery.setStatus(id, status);
}

function markActiveInHistory() {
  gallery.markActive(state.runId);
}

/** A model finished while another one was on screen: say so, here and in the tab's title. */
function announceFinished(item) {
  if (item.id === state.runId) return; // the run on screen announces itself
  const ok = item.status === "completed";
  const text = ok ? `✓ “${item.name}” is ready` : `“${item.name}” ${item.status}`;
  document.title = `${ok ? "✓" : "!"} ${item.name} ${ok ? "ready" : item.status} · ${APP_TITLE}`;
  toast(text, {
    kind: ok ? "ok" : "error",
    title: ok ? "Model ready" : "Run ended",
    ms: 12_000,
    action: { label: "Open", run: () => openRun(item.id).catch(toastError) },
  });
}

function setTitle(text) {
  document.title = text ? `${text} · ${APP_TITLE}` : APP_TITLE;
}

// ---------------------------------------------------------------- one run on screen

function stopStream() {
  state.stream?.abort();
  state.stream = null;
  state.editing = false;
  for (const queued of state.queue) queued.card.fail("Not sent: you left this model before it could run.");
  state.queue = [];
}

function resetResult() {
  for (const url of state.imageUrls) URL.revokeObjectURL(url);
  state.imageUrls = [];
  state.files = {};
  result?.reset();
  versions?.reset();
  variations?.reset();
  for (const id of ["#view-reset", "#view-rotate", "#view-wire"]) $(id).disabled = true;
  $("#view-rotate").setAttribute("aria-pressed", "false");
  $("#view-wire").setAttribute("aria-pressed", "false");
  $("#viewer-stats").textContent = "";
  setSummary({});
  state.viewerGeneration += 1; // a load still in flight must not draw over the new state
  viewer?.clear?.();
  $("#viewer").dataset.loaded = "false";
}

/** Takes the model off screen (new model, log-out, not found). */
function closeRun() {
  stopStream();
  state.runId = null;
  state.run = null;
  state.view = null;
  state.edits = null;
  state.undoable = 0;
  state.redo = [];
  state.liveFinish = false;
  setEditable(false);
  resetResult();
  $("#run").replaceChildren();
  $("#run").hidden = true;
  $("#not-found").hidden = true;
  $("#welcome").hidden = false;
}

function newRun({ push = true } = {}) {
  closeRun();
  if (push && location.hash) history.pushState(null, "", location.pathname);
  markActiveInHistory();
  setTitle(null);
  $("#app-view").classList.remove("drawer-open");
  $("#prompt").focus();
}

function showNotFound() {
  closeRun();
  $("#welcome").hidden = true;
  $("#not-found").hidden = false;
  markActiveInHistory();
  setTitle("Model not found");
}

async function openRun(id, { push = true } = {}) {
  const run = await api.getRun(id);
  closeRun();
  state.runId = id;
  state.run = run;
  $("#welcome").hidden = true;
  $("#run").hidden = false;
  const target = `#run=${encodeURIComponent(id)}`;
  if (push && location.hash !== target) history.pushState(null, "", target);
  else if (!push) history.replaceState(null, "", target);
  markActiveInHistory();
  $("#app-view").classList.remove("drawer-open");
  setTitle(TERMINAL.has(run.status) ? run.title || run.prompt : `Building “${run.title || run.prompt}”`);

  const view = new RunView($("#run"), run, {
    loadImage: async (file) => {
      const url = URL.createObjectURL(await fetchFile(id, file));
      state.imageUrls.push(url);
      return url;
    },
    onCancel: () => cancelRun(id),
    onResume: () => resumeRun(id),
    onRetry: () => startModel(run.prompt).catch((err) => toastError(err, "Could not start the run")),
    onOpenImage: openLightbox,
  });
  state.view = view;
  state.edits = new EditLog({
    loadImage: view.actions.loadImage,
    onOpenImage: openLightbox,
    onNewModel: (text) => {
      // The command described another model: build it as a new one (nothing was edited).
      setMode("new");
      $("#prompt").value = text;
      autosize();
      $("#composer").requestSubmit();
    },
  });
  $("#run").append(state.edits.el);
  setEditable(false);
  const controller = new AbortController();
  state.stream = controller;
  const scroller = $("#conversation");
  scroller.scrollTop = 0;
  // A finished run replays in a blink: read it from the top. A live one follows its newest step.
  const live = !TERMINAL.has(run.status);
  state.liveFinish = live;
  followEvents(id, (ev) => {
    // Edits of the finished scene share the run's event log; the edit list draws them.
    if (ev.command_id) return;
    if (ev.type === "plan_reused") view.note(planOrigin({ kind: ev.kind, run_id: ev.from_run }), false);
    // Follow the newest step only when the reader is already at the bottom.
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    view.apply(ev);
    // The model so far after each accepted step (agent/nodes/evaluate_progress.py).
    if (ev.type === "preview" && live && ev.file) livePreview(id, ev.file);
    if (ev.type === "status") {
      if (state.run) state.run.status = ev.status;
      setHistoryStatus(id, ev.status);
    }
    if (live && !TERMINAL.has(view.status)) setTitle(view.progressTitle());
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
  setHistoryStatus(id, run.status);
  if (run.status === "awaiting_review") {
    // Nothing is built yet: the plan waits for the person (approve, change, or plan again).
    const editor = new PlanEditor(run, {
      onApproved: () => openRun(id, { push: false }).catch((err) => toastError(err, "Could not follow the run")),
      onReplanning: () => openRun(id, { push: false }).catch((err) => toastError(err, "Could not follow the run")),
    });
    $("#run").append(editor.el);
    editor.el.scrollIntoView({ block: "start" });
    setTitle(`Review the plan of “${run.title || run.prompt}”`);
    return;
  }
  const origin = planOrigin(run.plan_source);
  if (origin && !state.view.notes.textContent.includes(origin)) state.view.note(origin, false);
  if (run.report) state.view.showOutcome(run.report);
  if (run.totals) setSummary(run.totals);
  else setLiveSummary(state.view);
  setHistoryStatus(id, run.status);
  refreshHistory().catch(() => {});
  pollWorker();
  const artifacts = run.artifacts ?? {};
  const shots = state.view.hasScreenshots();
  state.files = { glb: artifacts.glb, blend: artifacts.blend, report: run.report ? "report.json" : null, screenshots: shots ? "zip" : null };
  result.show(id, state.files, { completed: run.status === "completed" });
  const name = run.title || run.prompt;
  // Announced once, when it was seen finishing; reopening or reloading a model stays quiet.
  const announce = state.liveFinish;
  state.liveFinish = false;
  setTitle(run.status === "completed" ? (announce ? `✓ ${name} ready` : name) : `${name} (${run.status})`);
  if (run.status === "completed" && announce) toast("Your model is ready.", { kind: "ok", ms: 8000 });
  if (run.status === "failed") {
    if (announce) toast(run.error || "The run failed.", { kind: "error", title: "Run failed" });
    if (run.error && !run.report) state.view.note(run.error, true);
  }
  // A preview still loading must not land over the finished model.
  state.previewNext = null;
  await state.previewDone;
  if (state.runId !== id) return;
  if (artifacts.glb) await showModel(id, artifacts.glb);
  if (run.status === "completed") versions.load(id).catch((err) => toastError(err, "Could not list the versions"));
  if (run.status === "completed") variations.load(id).catch(() => {});
  if (run.status === "completed" && run.session_id) {
    setEditable(true);
    setMode("edit");
    await loadEdits(run);
  }
}

async function showModel(id, name, { preview = false } = {}) {
  if (!viewer?.supported) return;
  const generation = state.viewerGeneration;
  const stale = () => state.runId !== id || state.viewerGeneration !== generation;
  try {
    viewer.show("Loading the model…", { loading: true });
    const blob = await fetchFile(id, name);
    if (stale()) return;
    const stats = await viewer.load(blob);
    if (stale()) {
      viewer.clear();
      return;
    }
    // Previews while a run builds are counted apart from loads of a model (tests wait on both).
    if (preview) {
      state.previewLoads = (state.previewLoads ?? 0) + 1;
      $("#viewer").dataset.previews = String(state.previewLoads);
    } else {
      state.viewerLoads += 1;
      $("#viewer").dataset.loads = String(state.viewerLoads);
    }
    $("#viewer").dataset.file = name;
    // What is on screen: a step's preview while the run builds, or a model (tests wait on it).
    $("#viewer").dataset.kind = preview ? "preview" : "model";
    for (const b of ["#view-reset", "#view-rotate", "#view-wire"]) $(b).disabled = false;
    const tris = stats.triangles >= 10_000 ? `${(stats.triangles / 1000).toFixed(1)}k` : stats.triangles;
    $("#viewer-stats").textContent = `${stats.meshes} meshes · ${tris} triangles`;
  } catch (err) {
    if (stale()) return;
    viewer.show("The model could not be shown. You can still download it.");
    toastError(err, "3D preview failed");
  }
}

/** Draws the newest preview; previews arriving while one loads collapse into the latest. */
function livePreview(id, file) {
  if (state.previewLoading) {
    state.previewNext = file;
    return;
  }
  state.previewLoading = true;
  state.previewDone = showModel(id, file, { preview: true }).finally(() => {
    state.previewLoading = false;
    const next = state.previewNext;
    state.previewNext = null;
    if (next && state.runId === id && state.run && !TERMINAL.has(state.run.status)) livePreview(id, next);
  });
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
    // The same count as the steps' badges and the report's totals (timeline.js countsAsToolCall).
    tool_calls: view.toolCalls(),
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

/** The characters counter under the box; over the limit it turns red (nothing is cut). */
function updateCounter() {
  const box = $("#prompt");
  const limit = LIMITS[state.mode] ?? LIMITS.new;
  const n = box.value.length;
  const counter = $("#prompt-count");
  counter.textContent = `${n.toLocaleString("en")} / ${limit.toLocaleString("en")}`;
  counter.classList.toggle("over", n > limit);
  box.setAttribute("aria-invalid", String(n > limit));
  if (n <= limit) $("#prompt-error").hidden = true;
}

function promptError(text) {
  const el = $("#prompt-error");
  el.textContent = text;
  el.hidden = !text;
}

async function submitPrompt(event) {
  event.preventDefault();
  const box = $("#prompt");
  const prompt = box.value.trim();
  if (!prompt) return box.focus();
  const limit = LIMITS[state.mode] ?? LIMITS.new;
  if (prompt.length > limit) {
    // Refuse with the reason and keep every character: the person decides what to cut.
    promptError(`This ${state.mode === "edit" ? "command" : "prompt"} has ${prompt.length.toLocaleString("en")} characters; ` +
      `the limit is ${limit.toLocaleString("en")}. Shorten it, then send it again.`);
    return box.focus();
  }
  promptError("");
  if (state.mode === "edit") {
    box.value = "";
    autosize();
    updateCounter();
    await sendCommand(prompt);
    return;
  }
  const send = $("#send");
  send.disabled = true;
  try {
    await startModel(prompt);
    box.value = "";
    autosize();
    updateCounter();
  } catch (err) {
    toastError(err, "Could not start the run");
  } finally {
    send.disabled = false;
  }
}

/** A new model from `prompt`, in a conversation of its own (follow-up edits go to its session). */
async function startModel(prompt) {
  const session = await api.createSession(prompt);
  let run;
  // Only the switches that are on: the defaults (no review, cached plans allowed) stay implicit.
  const options = {};
  if ($("#review-first").checked) options.review = true;
  if ($("#fresh-plan").checked) options.fresh_plan = true;
  try {
    run = await api.startRun(prompt, Object.keys(options).length ? options : undefined, session.id);
  } catch (err) {
    api.deleteSession(session.id).catch(() => {});
    throw err;
  }
  await openRun(run.id);
  await refreshHistory();
}

// ---------------------------------------------------------------- follow-up edits

const COMPOSER = {
  new: {
    placeholder: "Describe the object you want, e.g. “a decorated Christmas tree”",
    send: "Generate",
    hint: "New model · Enter to send · Shift+Enter for a new line · the offline modeller understands English object names",
  },
  edit: {
    placeholder: "Change the model, e.g. “make it taller”, “make the roof red”, “undo”",
    send: "Apply",
    hint: "Editing the model on screen · a different subject starts a new model · Enter to send · the microphone listens to a spoken command · Undo reverts the last change",
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
  $("#prompt-label").textContent = mode === "edit" ? "Change the model" : "Describe the model";
  $("#send").textContent = text.send;
  $("#composer-hint").textContent = text.hint;
  $("#undo").hidden = mode !== "edit";
  $("#redo").hidden = mode !== "edit";
  $("#run-options").hidden = mode !== "new";
  updateCounter();
  updateEditButtons();
}

function updateEditButtons() {
  // Undo/Redo only when there is something to undo/redo and nothing is running or waiting.
  const idle = !state.editing && state.queue.length === 0;
  $("#undo").disabled = !idle || state.undoable < 1;
  $("#redo").disabled = !idle || state.redo.length === 0;
  $("#undo").title = state.undoable < 1 ? "Nothing to undo yet" : "Undo the last change";
  $("#redo").title = state.redo.length ? `Redo “${state.redo.at(-1)}”` : "Nothing to redo";
  // Typed commands are queued while one runs, so the send button stays on.
  $("#send").disabled = false;
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
  const mine = entries.filter((e) => e.run_id === run.id);
  // What "undo" can still revert: changes not undone yet (edits/pipeline.py keeps a snapshot each).
  state.undoable = mine.filter((e) => (e.status === "applied" || e.status === "partial") && !e.undone).length;
  state.redo = [];
  updateEditButtons();
  for (const entry of mine) {
    const card = state.edits.show(entry);
    if (entry.status === "running" && entry.id) follow(run, entry.id, card);
  }
}

/** Keeps Undo/Redo in step with what a finished command did. */
function recordOutcome(text, status, { redo = false } = {}) {
  if (status === "applied" || status === "partial") {
    state.undoable += 1;
    if (!redo) state.redo = [];
    else state.redo.pop();
  } else if (status === "undone") {
    state.undoable = Math.max(0, state.undoable - 1);
  }
  updateEditButtons();
}

/**
 * Sends one command (typed, spoken, "undo" or a redo) to the model on screen and follows it
 * live. One at a time: a command given while another runs waits in a queue, shown as a
 * "queued" turn with the reason, and goes out when the one before it has finished.
 */
async function sendCommand(text, { heard = false, undo = false, redo = false } = {}) {
  const run = state.run;
  if (!run?.session_id || !state.edits) return;
  const label = undo ? "Undo the last change" : redo ? `Redo: ${text}` : text;
  const card = state.edits.start(label, heard, { undo });
  if (state.editing || state.queue.length) {
    card.queue("Waiting for the command before it to finish…");
    state.queue.push({ text, card, undo, redo });
    updateEditButtons();
    return;
  }
  await dispatch(run, { text, card, undo, redo });
}

async function dispatch(run, { text, card, undo, redo }) {
  card.unqueue();
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
    return drainQueue(run);
  }
  state.edits.bind(accepted.id, card);
  await follow(run, accepted.id, card, { text, redo });
}

function drainQueue(run) {
  if (state.runId !== run.id || state.editing) return;
  const next = state.queue.shift();
  if (next) dispatch(run, next);
  else updateEditButtons();
}

async function follow(run, commandId, card, { text = null, redo = false } = {}) {
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
  }
  if (state.runId !== run.id) return;
  if (final === "undone") {
    const undone = state.edits.lastUndone();
    if (undone) state.redo.push(undone);
  }
  state.editing = false;
  recordOutcome(text, final, { redo });
  if (changedScene(final)) await showModel(run.id, "scene.glb");
  if (final) versions.load(run.id).catch(() => {});
  drainQueue(run);
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

// ---------------------------------------------------------------- viewer, lightbox

function toggle(button, apply) {
  const on = button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", String(on));
  apply(on);
}

function openLightbox(url, caption, file = null) {
  $("#lightbox-img").src = url;
  $("#lightbox-img").alt = caption;
  $("#lightbox-caption").textContent = caption;
  const link = $("#lightbox-download");
  link.href = url;
  // Named after the model, like the other downloads: "red-cube-step_2_screenshot_1.png".
  const stem = (state.run?.title || state.run?.prompt || "model").toLowerCase()
    .replace(/^(?:(?:please|create|make|build|model|generate)\s+)*(?:an?|the)\s+/, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "model";
  link.download = `${stem}-${(file || "screenshot.png").split("/").at(-1)}`;
  $("#lightbox").showModal();
}

// ---------------------------------------------------------------- wiring

function wire() {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => setAuthMode(tab.dataset.mode));
  $("#auth-form").addEventListener("submit", submitAuth);
  $("#logout").addEventListener("click", logout);
  $("#new-run").addEventListener("click", () => newRun());
  $("#new-run-top").addEventListener("click", () => newRun());
  $("#not-found-new").addEventListener("click", () => newRun());
  $("#menu-history").addEventListener("click", () => {
    const open = $("#app-view").classList.toggle("drawer-open");
    $("#menu-history").setAttribute("aria-expanded", String(open));
    if (open) $("#history-search").focus();
  });
  window.addEventListener("popstate", () => { if (state.user) route(); });
  $("#composer").addEventListener("submit", submitPrompt);
  for (const b of document.querySelectorAll(".composer-mode .mode[data-mode]")) {
    b.addEventListener("click", () => { if (!b.disabled) setMode(b.dataset.mode); $("#prompt").focus(); });
  }
  $("#undo").addEventListener("click", () => { if (state.undoable > 0) sendCommand("undo", { undo: true }); });
  $("#redo").addEventListener("click", () => { if (state.redo.length) sendCommand(state.redo.at(-1), { redo: true }); });
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
  $("#prompt").addEventListener("input", () => { autosize(); updateCounter(); });
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
      updateCounter();
      $("#prompt").focus();
    });
  }
  $("#view-reset").addEventListener("click", () => viewer?.frame());
  $("#view-rotate").addEventListener("click", (e) => toggle(e.currentTarget, (on) => viewer?.setAutoRotate(on)));
  $("#view-wire").addEventListener("click", (e) => toggle(e.currentTarget, (on) => viewer?.setWireframe(on)));
  $("#lightbox").addEventListener("click", (e) => { if (e.target.id === "lightbox") e.target.close(); });
  hooks.onUnauthorized = (err) => showAuth(err?.message || SESSION_ENDED);
}

async function boot() {
  gallery = new Gallery({
    onOpen: (id) => openRun(id).catch((err) => (err instanceof ApiError && err.status === 404 ? showNotFound() : toastError(err))),
    onDeleted: (id) => { if (id === state.runId) newRun(); },
    onFinished: announceFinished,
    activeId: () => state.runId,
  });
  result = new ResultActions();
  account = new AccountDialog({
    onDeleted: () => {
      showAuth();
      toast("Your account and everything in it were deleted.", { kind: "ok", ms: 8000 });
    },
  });
  variations = new VariationPanel({
    onOpen: (id) => openRun(id).catch((err) => toastError(err, "Could not open the variation")),
    onStarted: () => refreshHistory().catch(() => {}),
  });
  versions = new VersionPanel({
    runId: () => state.runId,
    show: (file) => showModel(state.runId, file),
    canRestore: () => !state.editing && state.queue.length === 0,
    onRestored: async () => {
      await showModel(state.runId, "scene.glb");
      if (state.run?.session_id) await loadEdits(state.run);
    },
  });
  wire();
  updateCounter();
  setAuthMode("login");
  if (!auth.token) return showAuth();
  try {
    await enterApp();
  } catch (err) {
    // An ended session already brought the log-in form back, with its message.
    if (!(err instanceof ApiError && err.status === 401)) showAuth();
  }
}

boot();
