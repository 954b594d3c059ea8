// Follow-up edits of the model on screen: each command as a chat turn (what was asked or heard,
// how it was understood, how well the result matches, the new screenshot, the assistant's
// reply). Drawn from the command's events (taskspec, tool_call, evaluation, screenshot,
// command_finished), or from the session's history once they are over.

import { h, statusPill } from "./ui.js";

const DONE = new Set(["applied", "partial", "not_done", "new_request", "clarify", "answered", "undone", "failed"]);
const CHANGED = new Set(["applied", "partial", "undone"]);

const STATUS_TEXT = {
  queued: "Waiting for the command before it to finish…",
  running: "Working on it…",
  applied: "Applied",
  partial: "Partly applied",
  not_done: "Not carried out",
  new_request: "A new model?",
  clarify: "Needs a clarification",
  answered: "Answered",
  undone: "Undone",
  failed: "Failed",
};

/** Whether a finished command changed the scene (so the viewer should reload). */
export const changedScene = (status) => CHANGED.has(status);

function percent(x) {
  return `${Math.round(Number(x) * 100)}%`;
}

function opText(op) {
  const params = Object.entries(op.parameters ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.map((n) => (typeof n === "number" ? +n.toFixed(2) : n)).join("×") : v}`)
    .join(", ");
  return `${op.action}(${op.target || "scene"}${params ? `: ${params}` : ""})`;
}

/** The list of commands under the run; `actions.loadImage(file)` resolves to an image URL. */
export class EditLog {
  /** @param {{loadImage: (file: string) => Promise<string>, onOpenImage: (url: string, caption: string) => void}} actions */
  constructor(actions) {
    this.actions = actions;
    this.el = h("div", { class: "edits", "data-testid": "edits" });
    this.cards = new Map(); // command id -> CommandCard
  }

  /** A new turn, before the server has answered (the id comes later). */
  start(text, heard = false, { undo = false } = {}) {
    const card = new CommandCard(text, this.actions, heard, undo);
    this.el.append(card.el);
    card.el.scrollIntoView?.({ block: "end" });
    return card;
  }

  /** A finished (or running) command from the session's history. */
  show(entry) {
    if (entry.id && this.cards.has(entry.id)) return this.cards.get(entry.id);
    const card = this.start(entry.command, false, { undo: isUndo(entry.command) });
    card.undone = Boolean(entry.undone);
    if (entry.id) this.bind(entry.id, card);
    if (entry.taskspec) card.on_taskspec({ taskspec: entry.taskspec });
    if (entry.evaluation) card.on_evaluation({ ...entry.evaluation, attempt: entry.attempts });
    if (entry.screenshot) card.on_screenshot({ file: entry.screenshot });
    if (DONE.has(entry.status)) card.finish(entry);
    return card;
  }

  bind(id, card) {
    card.id = id;
    card.el.dataset.command = id;
    this.cards.set(id, card);
  }

  clear() {
    this.el.replaceChildren();
    this.cards.clear();
  }

  /** After an undo: the newest change not undone yet is now undone; returns its text. */
  lastUndone() {
    const cards = [...this.el.children].map((el) => el.card).filter(Boolean);
    const card = cards.reverse().find((c) => !c.isUndo && CHANGED.has(c.status) && c.status !== "undone" && !c.undone);
    if (!card) return null;
    card.undone = true;
    card.activity.textContent = [card.activity.textContent, "later undone"].filter(Boolean).join(" · ");
    return card.text;
  }
}

function isUndo(text) {
  return /^\s*undo\b/i.test(text ?? "");
}

class CommandCard {
  constructor(text, actions, heard, undo = false) {
    this.actions = actions;
    this.text = text;
    // An undo reopens the snapshot before the last change: how "undo" was parsed (targets,
    // "no object named ...") says nothing useful, so its card shows only the outcome.
    this.isUndo = undo;
    this.undone = false;
    this.status = "running";
    this.pill = statusPill("running");
    this.activity = h("span", { class: "run-activity" }, "Reading the scene…");
    this.spec = h("div", { class: "edit-spec", hidden: true, "data-testid": "taskspec" });
    this.evaluation = h("div", { class: "edit-eval", hidden: true, "data-testid": "evaluation" });
    this.shots = h("div", { class: "shots" });
    this.tools = 0;
    this.reply = h("div", { class: "bubble-assistant", hidden: true, "data-testid": "reply" });
    this.card = h("section", { class: "card edit-card", "data-testid": "command" },
      h("div", { class: "run-head-row" }, this.pill, this.activity),
      this.spec, this.evaluation, this.shots);
    this.el = h("div", { class: "edit-turn" },
      h("div", { class: "bubble-user" }, heard ? h("span", { class: "heard-tag" }, "🎤 heard") : null, text),
      this.card,
      this.reply);
    this.el.card = this;
  }

  /** Waits behind the command in flight (the text stays visible with the reason). */
  queue(reason) {
    this.status = "queued";
    this.pill.className = "status status-queued";
    this.pill.dataset.status = "queued";
    this.pill.textContent = "queued";
    this.activity.textContent = reason;
  }

  unqueue() {
    if (this.status !== "queued") return;
    this.status = "running";
    this.pill.className = "status status-running";
    this.pill.dataset.status = "running";
    this.pill.textContent = "running";
    this.activity.textContent = "Reading the scene…";
  }

  apply(ev) {
    const handler = this[`on_${ev.type}`];
    if (handler) handler.call(this, ev);
  }

  on_command_started() { this.activity.textContent = "Reading the scene…"; }

  on_taskspec(ev) {
    const spec = ev.taskspec;
    if (!spec || this.isUndo) return;
    const ops = spec.operations ?? [];
    this.spec.replaceChildren(...[
      h("div", { class: "edit-row" },
        h("span", { class: "edit-label" }, "Understood"),
        h("span", { class: "badge badge-accent", "data-testid": "task-type" }, spec.task_type),
        h("span", { class: "edit-intent" }, spec.intent),
        h("span", { class: "badge", title: "How sure the interpretation is" }, `confidence ${percent(spec.confidence)}`)),
      h("div", { class: "edit-row" },
        h("span", { class: "edit-label" }, "Targets"),
        (spec.target_objects ?? []).length
          ? spec.target_objects.map((t) => h("code", { class: "edit-target" }, t))
          : h("span", { class: "muted" }, "none")),
      ops.length
        ? h("div", { class: "edit-row" },
          h("span", { class: "edit-label" }, "Operations"),
          h("span", { class: "edit-ops" }, ops.map(opText).join(" · ")))
        : null,
      (spec.ambiguities ?? []).length
        ? h("ul", { class: "notes" }, spec.ambiguities.map((a) => h("li", {}, a)))
        : null,
    ].filter(Boolean));
    this.spec.hidden = false;
    this.activity.textContent = ops.length ? "Changing the scene…" : "Thinking…";
  }

  on_tool_call(ev) {
    this.tools += 1;
    this.activity.textContent = `Changing the scene… ${this.tools} tool call${this.tools === 1 ? "" : "s"}` +
      (ev.ok === false ? " (one failed, retrying)" : "");
  }

  on_evaluation(ev) {
    const score = Number(ev.match_score ?? 0);
    const issues = ev.issues ?? [];
    const cls = score >= 0.999 ? "badge-ok" : score >= 0.5 ? "badge-warn" : "badge-bad";
    this.evaluation.replaceChildren(...[
      h("div", { class: "edit-row" },
        h("span", { class: "edit-label" }, "Result"),
        h("span", { class: `badge ${cls}`, "data-testid": "match-score" }, `match ${percent(score)}`),
        ev.attempt ? h("span", { class: "muted small" }, `after ${ev.attempt} attempt${ev.attempt === 1 ? "" : "s"}`) : null),
      issues.length ? h("ul", { class: "notes" }, issues.map((i) => h("li", {}, i))) : null,
    ].filter(Boolean));
    this.evaluation.hidden = false;
    this.activity.textContent = "Checking the result…";
  }

  on_screenshot(ev) {
    if (!ev.file) return;
    const img = h("img", { alt: "The scene after this command", loading: "lazy" });
    const shot = h("button", { type: "button", class: "shot", "data-testid": "edit-shot", title: "Enlarge" }, img);
    shot.addEventListener("click", () => img.src && this.actions.onOpenImage(img.src, this.activity.textContent, ev.file));
    this.shots.replaceChildren(shot);
    this.actions.loadImage(ev.file).then((url) => { img.src = url; }, () => { img.alt = "Screenshot unavailable"; });
  }

  on_error(ev) { this.fail(ev.message ?? "The command failed."); }

  on_command_finished(ev) { this.finish(ev.outcome ?? {}); }

  /** The final state: status pill, the assistant's reply (a question when it needs one). */
  finish(outcome) {
    const status = outcome.status ?? "failed";
    this.status = status;
    this.pill.className = `status status-${status}`;
    this.pill.dataset.status = status;
    this.pill.textContent = status;
    const seconds = Number(outcome.duration_s);
    const took = seconds > 0 ? `took ${seconds < 0.1 ? "<0.1" : seconds.toFixed(1)} s` : "";
    this.activity.textContent = [status === "running" ? STATUS_TEXT.running : took, outcome.undone ? "later undone" : ""]
      .filter(Boolean).join(" · ");
    if (outcome.message) {
      this.reply.textContent = outcome.message;
      const ask = status === "clarify" || status === "new_request";
      this.reply.className = `bubble-assistant${["failed", "partial", "not_done"].includes(status) ? " error" : ask ? " ask" : ""}`;
      this.reply.hidden = false;
    }
    if (status === "new_request" && this.actions.onNewModel && !this.offer) {
      // A different subject in edit mode: offer a new model instead of editing this one.
      this.offer = h("button", { type: "button", class: "btn", "data-testid": "start-new-model" }, "Start a new model with this");
      this.offer.addEventListener("click", () => this.actions.onNewModel(this.text));
      this.reply.after(this.offer);
    }
  }

  fail(message) {
    this.finish({ status: "failed", message });
  }
}
