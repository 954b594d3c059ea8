// Variations of the model on screen (service/routes/variations.py): a few new runs of the
// same prompt, side by side as pictures with their status, to open and pick from. They run
// one after another on the person's worker; the tiles follow them until all have finished.

import { api, fetchFile } from "./api.js";
import { clientConfig } from "./help.js";
import { $, h, statusPill, TERMINAL, toastError } from "./ui.js";

const POLL_MS = 3000;

export class VariationPanel {
  /** @param {{runId: () => string|null, onOpen: (id: string) => void, onStarted: () => void}} actions */
  constructor(actions) {
    this.actions = actions;
    this.runId = null;
    this.timer = null;
    this.thumbs = new Map(); // "run id|file" -> blob URL
    $("#variations-start").addEventListener("click", () => this.start());
  }

  reset() {
    this.runId = null;
    clearTimeout(this.timer);
    $("#variations-card").hidden = true;
    $("#variations").replaceChildren();
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
  }

  /** A finished model is on screen: offer variations, and show the ones it already has. */
  async load(runId) {
    this.runId = runId;
    const config = await clientConfig();
    const most = Math.max(2, config?.max_variations ?? 3);
    const select = $("#variations-count");
    select.replaceChildren(...Array.from({ length: most - 1 }, (_, i) => h("option", { value: String(i + 2) }, String(i + 2))));
    select.value = String(Math.min(3, most));
    $("#variations-card").hidden = false;
    await this.refresh();
  }

  async start() {
    const runId = this.runId;
    if (!runId) return;
    const button = $("#variations-start");
    button.disabled = true;
    try {
      await api.startVariations(runId, Number($("#variations-count").value));
      this.actions.onStarted();
      await this.refresh();
    } catch (err) {
      toastError(err, "Could not start the variations");
    } finally {
      button.disabled = false;
    }
  }

  async refresh() {
    clearTimeout(this.timer);
    const runId = this.runId;
    if (!runId) return;
    let family;
    try {
      family = await api.listVariations(runId);
    } catch {
      return; // the tiles are extra: a failed poll is retried by the next change
    }
    if (runId !== this.runId) return;
    $("#variations").replaceChildren(...family.map((v) => this.tile(v)));
    $("#variations-hint").textContent = family.length
      ? `${family.length - 1} variation${family.length === 2 ? "" : "s"} of this prompt · they are built one after another`
      : "A few new versions of the same prompt, side by side, to pick from.";
    if (family.some((v) => !TERMINAL.has(v.status))) this.timer = setTimeout(() => this.refresh(), POLL_MS);
  }

  tile(v) {
    // The picture is described by the tile's own text beside it.
    const img = h("img", { alt: "", class: "variation-thumb" });
    if (v.thumbnail) this.loadThumb(v, img);
    const current = v.id === this.runId;
    const label = v.variation === 0 ? "Original" : `Variation ${v.variation}`;
    return h("li", { class: `variation${current ? " current" : ""}`, "data-variation": String(v.variation), "data-run": v.id },
      h("button", { type: "button", class: "variation-open", disabled: current, title: current ? "" : `Open ${label.toLowerCase()}`,
        onclick: () => this.actions.onOpen(v.id) },
      img, h("span", { class: "variation-name" }, label, current ? " · on screen" : "")),
      statusPill(v.status));
  }

  async loadThumb(v, img) {
    const key = `${v.id}|${v.thumbnail}`;
    try {
      if (!this.thumbs.has(key)) this.thumbs.set(key, URL.createObjectURL(await fetchFile(v.id, v.thumbnail)));
      img.src = this.thumbs.get(key);
    } catch {
      img.hidden = true;
    }
  }
}
