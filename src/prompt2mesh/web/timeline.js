// One run on screen: the prompt, the refined prompt, the plan as a live step timeline
// (tool calls, screenshots with scores, refinements, acceptance), warnings and the outcome.
// Everything is drawn from the run's events (docs/CONTRACT.md section 5, docs/API.md), so a
// live run and a finished one replayed from history look the same.

import { formatDuration, h, plural, scoreClass, statusPill, TERMINAL } from "./ui.js";

// Node names of the Artisan graph (agent/graph.py NODE_NAMES); others fall back to a generic line.
const NODE_ACTIVITY = {
  analyze_scene: "Looking at the scene…",
  plan: "Refining your prompt and planning the build…",
  execute_step: "Building step {n}…",
  capture_feedback: "Checking step {n} on its screenshot…",
  assess_quality: "Scoring step {n}…",
  refine_step: "Improving step {n}…",
  evaluate_progress: "Reviewing progress after step {n}…",
  complete: "Saving and exporting the model…",
};

// docs/API.md: POST /runs/{id}/resume is allowed from these.
const RESUMABLE = new Set(["cancelled", "interrupted", "failed"]);

const STEP_STATUS_TEXT = {
  accepted: "Accepted",
  accepted_after_max_refinements: "Accepted after max refinements",
  failed: "Failed",
  skipped_resumed: "Already done",
};

// The graph nodes whose tool calls build the model (agent/nodes/execute_step.py, refine_step.py).
const BUILDING_NODES = new Set(["execute_step", "refine_step"]);

/**
 * What counts as a tool call, everywhere in the UI: a call made while a step is built or
 * refined, the same calls the report's steps and totals list. The agent's and the critic's own
 * look-ups around them (screenshots, scene facts) are not counted. `node` is the graph node
 * that was running when the event came (events arrive in order).
 */
export function countsAsToolCall(ev, node) {
  return ev.type === "tool_call" && BUILDING_NODES.has(node);
}

/** "8 steps · 1 refinement · 12 tool calls" from a report's totals. */
export function totalsLine(t, fallbackSteps = 0) {
  return [plural(t.steps ?? fallbackSteps, "step"), plural(t.refinements ?? 0, "refinement"),
    plural(t.tool_calls ?? 0, "tool call")].join(" · ");
}

function stepNumber(ev) {
  const s = ev.step ?? ev.step_number ?? ev.number;
  if (s && typeof s === "object") return Number(s.number);
  return s === undefined || s === null ? null : Number(s);
}

export class RunView {
  /**
   * @param {HTMLElement} root  the element the run is drawn into (emptied first)
   * @param {{id: string, prompt: string, status: string}} run  the run's summary
   * @param {{loadImage: (file: string) => Promise<string>, onCancel: () => void, onResume: () => void,
   *          onOpenImage: (url: string, caption: string) => void}} actions
   */
  constructor(root, run, actions) {
    this.run = run;
    this.actions = actions;
    this.steps = new Map(); // number -> {el, dot, badges, shots, critique, tools, failedTools, ...}
    this.planLength = 0;
    this.status = run.status;

    this.pill = statusPill(run.status);
    this.activity = h("span", { class: "run-activity", "aria-live": "polite" }, "Waiting for the worker…");
    this.eta = h("span", { class: "run-eta", "data-testid": "eta", hidden: true });
    this.stepStarts = new Map(); // step number -> ts its building began
    this.stepDurations = []; // seconds per finished step (for the time estimate)
    this.bar = h("i");
    this.cancelBtn = h("button", { type: "button", class: "btn-danger-link", onclick: () => actions.onCancel() }, "Cancel");
    this.resumeBtn = h("button", { type: "button", class: "btn btn-secondary btn-sm", hidden: true, onclick: () => actions.onResume() }, "Resume");
    // "Try again": the same prompt as a new model, next to this one (a new plan, other choices).
    this.retryBtn = h("button", { type: "button", class: "btn btn-ghost btn-sm", hidden: true, "data-testid": "retry",
      onclick: () => actions.onRetry?.() }, "Try again");
    this.refinedCard = h("section", { class: "card", hidden: true, "data-testid": "refined" },
      h("h3", { class: "card-title" }, "Refined prompt"));
    this.timeline = h("ol", { class: "timeline", "data-testid": "timeline" });
    this.planCard = h("section", { class: "card", hidden: true },
      h("h3", { class: "card-title" }, "Plan & progress"), this.timeline);
    this.notes = h("div", { class: "notes-box" });
    this.outcome = h("div");

    root.replaceChildren(
      h("div", { class: "bubble-user" }, run.prompt),
      h("section", { class: "card run-head" },
        h("div", { class: "run-head-row" }, this.pill, this.activity, this.cancelBtn, this.resumeBtn, this.retryBtn),
        // The estimate sits with the bar: its changing width must not move the buttons above.
        h("div", { class: "run-progress-row" },
          h("div", { class: "progress", role: "progressbar", "aria-label": "Run progress" }, this.bar), this.eta)),
      this.refinedCard,
      this.planCard,
      this.notes,
      this.outcome,
    );
    this.setStatus(run.status);
  }

  setStatus(status) {
    this.status = status;
    this.pill.className = `status status-${status}`;
    this.pill.dataset.status = status;
    this.pill.textContent = status;
    this.cancelBtn.hidden = TERMINAL.has(status) || status === "interrupted" || status === "awaiting_review";
    this.resumeBtn.hidden = !RESUMABLE.has(status);
    this.retryBtn.hidden = !TERMINAL.has(status) || !this.actions.onRetry;
    if (status === "queued") this.activity.textContent = "Queued: waiting for your Blender worker…";
    if (status === "interrupted") this.activity.textContent = "Interrupted by a server restart";
    if (status === "awaiting_review") this.activity.textContent = "Waiting for you to review the plan";
    if (TERMINAL.has(status)) {
      this.eta.hidden = true;
      this.activity.textContent = this.finalMessage ?? "";
      for (const step of this.steps.values()) step.el.classList.remove("running");
      if (status === "completed") this.bar.style.width = "100%";
    }
  }

  /** Applies one event; unknown event types are ignored (the stream may grow). */
  apply(ev) {
    if (typeof ev.ts === "number") {
      this.firstTs ??= ev.ts;
      this.lastTs = ev.ts;
    }
    const handler = this[`on_${ev.type}`];
    if (handler) handler.call(this, ev);
  }

  on_status(ev) { this.setStatus(ev.status); }

  on_run_started() {
    if (!TERMINAL.has(this.status)) this.setStatus("running");
    this.activity.textContent = "Starting…";
  }

  on_prompt_refined(ev) {
    const text = ev.refined ?? ev.refined_prompt ?? ev.prompt?.refined ?? ev.text;
    if (!text) return;
    this.refinedCard.replaceChildren(h("h3", { class: "card-title" }, "Refined prompt"), h("p", { class: "refined" }, text));
    const warnings = ev.warnings ?? [];
    if (warnings.length) this.refinedCard.append(h("ul", { class: "notes" }, warnings.map((w) => h("li", {}, w))));
    this.refinedCard.hidden = false;
  }

  on_plan(ev) {
    const steps = ev.steps ?? ev.plan?.steps ?? ev.plan ?? [];
    this.planLength = steps.length;
    steps.forEach((s, i) => this.ensureStep(Number(s.number ?? i + 1), s));
    this.updateProgress();
  }

  on_node_started(ev) {
    this.node = ev.node;
    const n = stepNumber(ev);
    const template = NODE_ACTIVITY[ev.node] ?? (n ? "Working on step {n}…" : "Working…");
    this.activity.textContent = template.replace("{n}", n ?? "");
    if (n) {
      for (const [num, step] of this.steps) step.el.classList.toggle("running", num === n && !step.done);
      this.ensureStep(n).el.classList.remove("pending");
    }
  }

  on_step_started(ev) {
    const n = stepNumber(ev);
    if (!n) return;
    if (typeof ev.ts === "number" && !this.stepStarts.has(n)) this.stepStarts.set(n, ev.ts);
    const step = this.ensureStep(n, ev.action ? { action: ev.action } : null);
    step.el.classList.remove("pending");
  }

  on_tool_call(ev) {
    const n = stepNumber(ev);
    if (!n || !countsAsToolCall(ev, this.node)) return;
    const step = this.ensureStep(n);
    step.tools += 1;
    if (ev.ok === false) step.failedTools += 1;
    step.toolBadge.hidden = false;
    step.toolBadge.textContent = `${step.tools} tool call${step.tools === 1 ? "" : "s"}` +
      (step.failedTools ? ` · ${step.failedTools} failed` : "");
    step.toolBadge.className = `badge ${step.failedTools ? "badge-warn" : ""}`;
  }

  on_screenshot(ev) {
    const n = stepNumber(ev);
    if (!ev.file) return;
    if (ev.step === null || ev.step === undefined) {
      this.finalShot = ev.file; // the finished scene, shown with the outcome
      return;
    }
    if (!n) return;
    const step = this.ensureStep(n);
    const img = h("img", { alt: `Step ${n} screenshot ${step.shots.children.length + 1}`, loading: "lazy" });
    const score = h("span", { class: "score", hidden: true });
    const tag = step.shots.children.length ? h("span", { class: "tag" }, `try ${step.shots.children.length + 1}`) : null;
    const caption = `Step ${n}: ${step.title.textContent}`;
    const shot = h("button", { type: "button", class: "shot", "data-testid": "shot", title: "Enlarge" }, img, tag, score);
    shot.addEventListener("click", () => img.src && this.actions.onOpenImage(img.src, caption + (score.hidden ? "" : ` · score ${score.textContent}`), ev.file));
    step.shots.append(shot);
    step.pendingScore.push(score);
    this.actions.loadImage(ev.file).then((url) => { img.src = url; }, () => { img.alt = "Screenshot unavailable"; });
  }

  on_critique(ev) {
    const n = stepNumber(ev);
    if (!n) return;
    const step = this.ensureStep(n);
    const value = ev.score ?? ev.critique?.score;
    if (value !== undefined && value !== null) {
      const badge = step.pendingScore.shift();
      if (badge) {
        badge.textContent = `${value}/10`;
        badge.className = `score ${scoreClass(value)}`;
        badge.hidden = false;
      }
      step.scores.push(value);
    }
    const analysis = ev.analysis ?? ev.critique?.analysis;
    if (analysis) {
      step.critique.textContent = analysis;
      step.critique.hidden = false;
    }
  }

  on_refinement(ev) {
    const n = stepNumber(ev);
    if (!n) return;
    const step = this.ensureStep(n);
    step.refinements = Number(ev.refinement ?? ev.attempt ?? step.refinements + 1);
    step.refineBadge.hidden = false;
    step.refineBadge.textContent = `Refined ×${step.refinements}`;
  }

  on_step_accepted(ev) {
    const n = stepNumber(ev);
    if (!n) return;
    const step = this.ensureStep(n);
    const status = ev.status ?? "accepted";
    if (!step.done && typeof ev.ts === "number" && this.stepStarts.has(n) && status !== "skipped_resumed") {
      this.stepDurations.push(Math.max(0, ev.ts - this.stepStarts.get(n)));
    }
    step.done = true;
    step.el.classList.remove("running", "pending");
    step.el.classList.add(status);
    step.dot.textContent = status === "failed" ? "!" : "✓";
    const score = ev.score ?? ev.scores?.at(-1) ?? step.scores.at(-1);
    step.statusBadge.hidden = false;
    step.statusBadge.textContent = (STEP_STATUS_TEXT[status] ?? status) + (score ? ` · ${score}/10` : "");
    step.statusBadge.className = `badge ${status === "accepted" ? "badge-ok" : status === "failed" ? "badge-bad" : "badge-warn"}`;
    this.updateProgress();
  }

  on_warning(ev) { this.note(ev.message ?? ev.warning ?? "Warning", false); }

  on_error(ev) { this.note(ev.message ?? ev.error ?? "Error", true); }

  on_run_finished(ev) {
    const totals = ev.report?.totals ?? ev.totals;
    this.finalMessage = totals ? totalsLine(totals, this.steps.size) : ev.message ?? null;
    if (TERMINAL.has(this.status)) this.activity.textContent = this.finalMessage ?? "";
    this.showOutcome(ev.report ?? { status: ev.status, totals: ev.totals, final_message: ev.message });
    if (ev.error) this.note(ev.error, true);
  }

  note(text, isError) {
    this.notes.append(h("p", { class: `event-note${isError ? " error" : ""}` }, text));
  }

  /** The final numbers (report.totals) and the finished scene's screenshot. */
  showOutcome(report) {
    const t = report?.totals;
    if (!t) return;
    const avg = t.average_score ?? null;
    const final = t.final_score ?? null;
    const shown = final ?? avg;
    const status = report.status ?? this.status;
    const missed = report.not_honoured ?? [];
    // Never "ready" with a high number when the judge says the prompt was not honoured.
    const honoured = final === null || final >= 6;
    const title = status === "completed" && !honoured ? "Built, but not what was asked"
      : { completed: "Your model is ready", halted: "Stopped early", failed: "The run failed" }[status] ?? `Run ${status}`;
    const img = this.finalShot ? h("img", { class: "final-shot", alt: "The finished model" }) : null;
    this.outcome.replaceChildren(h("section", { class: "card done-card", "data-testid": "outcome" },
      img,
      h("div", { class: "big", "data-testid": "final-score", title: final !== null ? "Final score: the finished scene judged against your prompt" : "Average step score" },
        shown !== null ? (final !== null ? `${final}` : `${Number(shown).toFixed(1)}`) : "—", h("small", {}, "/10")),
      h("div", {},
        h("strong", {}, title),
        missed.length ? h("ul", { class: "notes", "data-testid": "not-honoured" },
          missed.map((m) => h("li", {}, `Not honoured: ${m}`))) : null,
        (report.warnings ?? []).length ? h("ul", { class: "notes muted small", "data-testid": "run-warnings" },
          report.warnings.slice(0, 6).map((w) => h("li", {}, w))) : null,
        h("div", { class: "muted small", "data-testid": "outcome-totals" }, totalsLine(t, this.steps.size)),
        h("div", { class: "muted small" }, `Took ${formatDuration(t.duration_s)}`))));
    if (img) {
      img.addEventListener("click", () => img.src && this.actions.onOpenImage(img.src, "The finished model", this.finalShot));
      this.actions.loadImage(this.finalShot).then((url) => { img.src = url; }, () => img.remove());
    }
  }

  ensureStep(number, info = null) {
    let step = this.steps.get(number);
    if (!step) {
      const dot = h("span", { class: "step-dot" }, String(number));
      const title = h("span", { class: "step-title" }, `Step ${number}`);
      const desc = h("p", { class: "step-desc", hidden: true });
      const toolBadge = h("span", { class: "badge", hidden: true });
      const refineBadge = h("span", { class: "badge badge-accent", hidden: true });
      const statusBadge = h("span", { class: "badge", hidden: true });
      const shots = h("div", { class: "shots" });
      const critique = h("p", { class: "critique", hidden: true });
      const el = h("li", { class: "step pending", "data-step": number },
        dot,
        h("div", { class: "step-body" },
          h("div", { class: "step-head" }, title, h("div", { class: "badges" }, toolBadge, refineBadge, statusBadge)),
          desc, shots, critique));
      step = { el, dot, title, desc, toolBadge, refineBadge, statusBadge, shots, critique, tools: 0, failedTools: 0,
        refinements: 0, scores: [], pendingScore: [], done: false };
      this.steps.set(number, step);
      // Keep the list in step order even when events arrive for a step the plan did not list.
      const after = [...this.timeline.children].find((li) => Number(li.dataset.step) > number);
      this.timeline.insertBefore(el, after ?? null);
      this.planCard.hidden = false;
    }
    if (info) {
      if (info.action) step.title.textContent = info.action;
      if (info.description) {
        step.desc.textContent = info.description;
        step.desc.hidden = false;
      }
    }
    return step;
  }

  updateProgress() {
    const total = Math.max(this.planLength, this.steps.size);
    if (!total) return;
    const done = [...this.steps.values()].filter((s) => s.done).length;
    this.bar.style.width = `${Math.round((100 * done) / total)}%`;
    this.bar.parentElement.setAttribute("aria-valuemin", "0");
    this.bar.parentElement.setAttribute("aria-valuenow", String(done));
    this.bar.parentElement.setAttribute("aria-valuemax", String(total));
    this.bar.parentElement.setAttribute("aria-valuetext", `${done} of ${total} steps done`);
    if (TERMINAL.has(this.status)) return;
    this.eta.hidden = false;
    this.eta.textContent = `${done}/${total} steps` + this.remainingText(total - done);
  }

  /** " · about 40 s left" from the finished steps' average time (nothing before the first). */
  remainingText(remaining) {
    if (!this.stepDurations.length || remaining <= 0) return "";
    const mean = this.stepDurations.reduce((a, b) => a + b, 0) / this.stepDurations.length;
    const left = mean * remaining;
    return ` · about ${left < 60 ? `${Math.max(5, Math.round(left / 5) * 5)} s` : `${Math.round(left / 60)} min`} left`;
  }

  /** The tab's title while building: "Step 3/8 · a red cube". */
  progressTitle() {
    const total = Math.max(this.planLength, this.steps.size);
    const done = [...this.steps.values()].filter((s) => s.done).length;
    const what = `“${this.run.title || this.run.prompt}”`;
    if (this.status === "queued") return `Queued ${what}`;
    return total ? `Step ${Math.min(done + 1, total)}/${total} · ${what}` : `Planning ${what}`;
  }

  /** Tool calls so far, counted like the report (countsAsToolCall). */
  toolCalls() {
    return [...this.steps.values()].reduce((a, s) => a + s.tools, 0);
  }

  hasScreenshots() {
    return Boolean(this.finalShot) || [...this.steps.values()].some((s) => s.shots.children.length);
  }
}
