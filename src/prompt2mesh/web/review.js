// Plan review (docs/API.md "Plan review"): a run started with "Review plan first" stops after
// planning; this editor shows the refined prompt and the steps, lets the person reword,
// delete, reorder and add steps or change the refined prompt and plan again, and approves.
// Every change is checked by the server exactly like a generated plan; its refusal is shown
// here word for word and nothing is built until the plan is approved.

import { api, ApiError } from "./api.js";
import { h } from "./ui.js";

/** "Plan reused from run X" (or null when the planner made the plan). */
export function planOrigin(source) {
  if (!source) return null;
  if (source.kind === "cache") {
    return source.run_id ? `Plan reused from run ${source.run_id} (it passed before).`
      : "Plan reused from another user's run (shared plan cache).";
  }
  if (source.kind === "given") return "Plan given by you.";
  return null;
}

export class PlanEditor {
  /**
   * @param {object} run  the run as GET /runs/{id} answers it (status awaiting_review)
   * @param {{onApproved: () => void, onReplanning: () => void}} actions
   */
  constructor(run, actions) {
    this.run = run;
    this.actions = actions;
    // Each row remembers the step it came from (origin), so the report says "step 3 edited".
    this.original = (run.plan ?? []).map((s, i) => ({ ...s, origin: i + 1 }));
    this.rows = this.original.map((s) => ({ ...s }));
    this.list = h("ol", { class: "review-steps", "data-testid": "review-steps" });
    this.error = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": "review-error" });
    this.refined = h("textarea", { id: "review-refined", rows: 3, maxlength: 4000, "aria-describedby": "review-refined-help" });
    this.refined.value = run.refined_prompt ?? run.review?.refined_prompt ?? "";
    this.approveBtn = h("button", { type: "button", class: "btn btn-primary", "data-testid": "review-approve",
      onclick: () => this.approve() }, "Approve and build");
    const origin = planOrigin(run.plan_source);
    const changes = run.review?.changes ?? [];
    this.el = h("section", { class: "card review", "data-testid": "plan-review", "aria-labelledby": "review-title" },
      h("h3", { class: "card-title", id: "review-title" }, "Review the plan"),
      h("p", { class: "muted small" }, "Nothing is built yet. Change the steps, or the refined prompt and plan again, then approve."),
      origin ? h("p", { class: "small", "data-testid": "plan-origin" }, origin) : null,
      changes.length ? h("p", { class: "muted small" }, `Changed so far: ${changes.join("; ")}`) : null,
      h("label", { class: "field", for: "review-refined" }, h("span", {}, "Refined prompt")),
      this.refined,
      h("p", { class: "muted small", id: "review-refined-help" }, "Change it and choose “Plan again” for a new plan from your words."),
      h("div", { class: "review-row" },
        h("button", { type: "button", class: "btn btn-secondary btn-sm", "data-testid": "review-replan",
          onclick: () => this.replan() }, "Plan again")),
      this.list,
      h("div", { class: "review-row" },
        h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "review-add",
          onclick: () => this.add() }, "+ Add a step")),
      this.error,
      h("div", { class: "review-row" }, this.approveBtn),
    );
    this.draw();
  }

  draw() {
    const count = this.rows.length;
    this.list.replaceChildren(...this.rows.map((row, i) => {
      const n = i + 1;
      const title = h("input", { type: "text", class: "review-action", maxlength: 300, "aria-label": `Step ${n} title`,
        oninput: (e) => { row.action = e.target.value; } });
      title.value = row.action ?? "";
      const text = h("textarea", { class: "review-desc", rows: 2, maxlength: 4000, "aria-label": `Step ${n} description`,
        oninput: (e) => { row.description = e.target.value; } });
      text.value = row.description ?? "";
      const tools = (row.tools ?? []).join(", ");
      return h("li", { class: "review-step", "data-testid": "review-step" },
        h("div", { class: "review-step-head" },
          h("span", { class: "review-num" }, `${n}.`), title,
          h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Move step ${n} up`, disabled: i === 0,
            onclick: () => this.move(i, -1) }, "↑"),
          h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Move step ${n} down`, disabled: i === count - 1,
            onclick: () => this.move(i, 1) }, "↓"),
          h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Delete step ${n}`, "data-testid": "review-delete",
            onclick: () => this.remove(i) }, "✕")),
        text,
        tools ? h("p", { class: "muted small" }, `Tools: ${tools}`) : null);
    }));
  }

  move(i, by) {
    const [row] = this.rows.splice(i, 1);
    this.rows.splice(i + by, 0, row);
    this.draw();
  }

  remove(i) {
    this.rows.splice(i, 1);
    this.draw();
  }

  add() {
    this.rows.push({ action: "", description: "", tools: [] });
    this.draw();
    this.list.querySelector("li:last-child .review-action")?.focus();
  }

  showError(text) {
    this.error.textContent = text ?? "";
    this.error.hidden = !text;
  }

  changed() {
    return JSON.stringify(this.rows) !== JSON.stringify(this.original);
  }

  async approve() {
    this.showError(null);
    this.approveBtn.disabled = true;
    try {
      if (this.changed()) await api.changePlan(this.run.id, { steps: this.rows });
      await api.approvePlan(this.run.id);
      this.actions.onApproved();
    } catch (err) {
      this.showError(err instanceof ApiError ? err.message : String(err));
    } finally {
      this.approveBtn.disabled = false;
    }
  }

  async replan() {
    this.showError(null);
    try {
      await api.changePlan(this.run.id, { refined_prompt: this.refined.value });
      this.actions.onReplanning();
    } catch (err) {
      this.showError(err instanceof ApiError ? err.message : String(err));
    }
  }
}
