// One run on screen: the prompt, the refined prompt, the plan as a live step timeline
// (tool calls, screenshots with scores, refinements, acceptance), warnings and the outcome.
// Everything is drawn from the run's events (docs/CONTRACT.md section 5, docs/API.md), so a
// live run and a finished one replayed from history look the same.

import { formatDuration, h, scoreClass, statusPill, TERMINAL } from "./ui.js";

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
    this.bar = h("i");
    this.cancelBtn = h("button", { type: "button", class: "btn-danger-link", onclick: () => actions.onCancel() }, "Cancel");
    this.resumeBtn = h("button", { type: "button", class: "btn btn-secondary btn-sm", hidden: true, onclick: () => actions.onResume() }, "Resume");
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
        h("div", { class: "run-head-row" }, this.pill, this.activity, this.cancelBtn, this.resumeBtn),
        h("div", { class: "progress", role: "progressbar", "aria-label": "Run progress" }, this.bar)),
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
    this.cancelBtn.hidden = TERMINAL.has(status) || status === "interrupted";
    this.resumeBtn.hidden = !RESUMABLE.has(status);
    if (status === "queued") this.activity.textContent = "Queued: waiting for your Blender worker…";
    if (status === "interrupted") this.activity.textContent = "Interrupted by a server restart";
    if (TERMINAL.has(status)) {
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
    const step = this.ensureStep(n, ev.action ? { action: ev.action } : null);
    step.el.classList.remove("pending");
  }

  on_tool_call(ev) {
    const n = stepNumber(ev);
    if (!n) return;
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
    shot.addEventListener("click", () => img.src && this.actions.onOpenImage(img.src, caption + (score.hidden ? "" : ` · score ${score.textContent}`)));
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
    this.finalMessage = ev.message ?? null;
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
    const status = report.status ?? this.status;
    const title = { completed: "Your model is ready", halted: "Stopped early", failed: "The run failed" }[status] ?? `Run ${status}`;
    const img = this.finalShot ? h("img", { class: "final-shot", alt: "The finished model" }) : null;
    this.outcome.replaceChildren(h("section", { class: "card done-card", "data-testid": "outcome" },
      img,
      h("div", { class: "big" }, avg !== null ? `${Number(avg).toFixed(1)}` : "—", h("small", {}, "/10")),
      h("div", {},
        h("strong", {}, title),
        h("div", { class: "muted small" }, report.final_message ||
          `${t.steps ?? this.steps.size} steps · ${t.refinements ?? 0} refinements · ${t.tool_calls ?? 0} tool calls`),
        h("div", { class: "muted small" }, `Took ${formatDuration(t.duration_s)}`))));
    if (img) {
      img.addEventListener("click", () => img.src && this.actions.onOpenImage(img.src, "The finished model"));
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
    this.bar.parentElement.setAttribute("aria-valuenow", String(done));
    this.bar.parentElement.setAttribute("aria-valuemax", String(total));
  }
}
