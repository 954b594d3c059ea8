// Versions of the model on screen (service/routes/versions.py): the finished build, then each
// edit that changed it. View any version in the main viewer, compare two side by side in
// their own viewers, or go back to one (which is itself a new version: nothing is lost).

import { api, ApiError, fetchFile } from "./api.js";
import { $, h, timeAgo, toast, toastError } from "./ui.js";

const KIND = { build: "Build", edit: "Edit", undo: "Undo", restore: "Go back" };

export class VersionPanel {
  /**
   * @param {{show: (file: string, label: string|null) => Promise<void>, onRestored: () => Promise<void>,
   *          canRestore: () => boolean}} actions
   *   show: draws a version's glb in the main viewer (label null: the current scene)
   */
  constructor(actions) {
    this.actions = actions;
    this.runId = null;
    this.versions = [];
    this.viewing = null; // number shown in the main viewer when it is not the current one
    this.compareViewers = null;
    this.card = $("#versions-card");
    this.list = $("#versions");
    $("#versions-compare").addEventListener("click", () => this.compare());
    $("#versions-current").addEventListener("click", () => this.showCurrent());
    $("#compare").addEventListener("close", () => { this.comparing = null; });
  }

  /** Nothing on screen: no versions listed. */
  reset() {
    this.runId = null;
    this.versions = [];
    this.viewing = null;
    this.card.hidden = true;
    this.list.replaceChildren();
    this.updateViewing();
  }

  /** Lists the versions of a finished run (after it finished, and after each edit). */
  async load(runId) {
    const listed = await api.listVersions(runId);
    if (runId !== this.actions.runId()) return;
    this.runId = runId;
    this.versions = listed.versions;
    this.viewing = null;
    this.card.hidden = this.versions.length === 0;
    this.render();
  }

  render() {
    const checked = new Set([...this.list.querySelectorAll("input:checked")].map((i) => Number(i.value)));
    this.list.replaceChildren(...[...this.versions].reverse().map((v) => this.row(v, checked.has(v.number))));
    this.updateCompare();
    this.updateViewing();
    $("#versions-count").textContent = this.versions.length > 1 ? `${this.versions.length} versions` : "";
  }

  row(v, checked) {
    const box = h("input", { type: "checkbox", value: String(v.number), "aria-label": `Compare version ${v.number}`,
      onchange: () => this.updateCompare() });
    box.checked = checked;
    const restore = v.current ? null : h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "version-restore",
      onclick: () => this.restore(v) }, "Go back");
    return h("li", { class: `version${v.current ? " current" : ""}${this.viewing === v.number ? " viewing" : ""}`,
      "data-version": String(v.number) },
    h("label", { class: "version-pick" }, box, h("strong", {}, `v${v.number}`)),
    h("span", { class: "version-text" },
      h("span", { class: "version-label", title: v.label }, v.label),
      h("span", { class: "muted small" }, `${KIND[v.kind] ?? v.kind} · ${timeAgo(new Date(v.created_at * 1000).toISOString())}`,
        v.current ? " · current" : "")),
    h("span", { class: "version-buttons" },
      h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-testid": "version-view",
        "aria-label": `View version ${v.number}`, onclick: () => this.view(v) }, "View"),
      restore));
  }

  picked() {
    return [...this.list.querySelectorAll("input:checked")].map((i) => Number(i.value)).sort((a, b) => a - b);
  }

  updateCompare() {
    const picked = this.picked();
    const button = $("#versions-compare");
    button.disabled = picked.length !== 2;
    button.textContent = picked.length === 2 ? `Compare v${picked[0]} and v${picked[1]}` : "Compare two versions";
    button.title = picked.length === 2 ? "" : "Tick two versions to see them side by side";
  }

  updateViewing() {
    const note = $("#versions-viewing");
    note.hidden = this.viewing === null;
    if (this.viewing !== null) $("#versions-viewing-text").textContent = `Showing version ${this.viewing}, not the current one.`;
    $("#viewer").dataset.version = this.viewing === null ? "current" : String(this.viewing);
  }

  async view(v) {
    if (v.current) return this.showCurrent();
    this.viewing = v.number;
    this.render();
    await this.actions.show(v.glb, `v${v.number}`);
  }

  async showCurrent() {
    this.viewing = null;
    this.render();
    await this.actions.show("scene.glb", null);
  }

  async restore(v) {
    if (!this.actions.canRestore()) {
      toast("Wait for the change in progress to finish, then go back.", { kind: "error", title: "The model is busy" });
      return;
    }
    if (!window.confirm(`Go back to version ${v.number}? It becomes the current model as a new version; the others stay.`)) return;
    try {
      const made = await api.restoreVersion(this.runId, v.number);
      toast(`Version ${v.number} is the current model again (saved as version ${made.number}).`, { kind: "ok" });
      await this.load(this.runId);
      await this.actions.onRestored();
    } catch (err) {
      toastError(err, err instanceof ApiError && err.status === 409 ? "The model is busy" : "Could not go back");
    }
  }

  /** Two versions side by side, each in its own viewer (orbit each on its own). */
  async compare() {
    const [a, b] = this.picked().map((n) => this.versions.find((v) => v.number === n));
    if (!a || !b) return;
    const dialog = $("#compare");
    $("#compare-a-title").textContent = `Version ${a.number} · ${a.label}`;
    $("#compare-b-title").textContent = `Version ${b.number} · ${b.label}`;
    dialog.showModal();
    const runId = this.runId;
    this.comparing = `${a.number}/${b.number}`;
    const token = this.comparing;
    try {
      const viewers = await this.viewers();
      await Promise.all([[viewers[0], a], [viewers[1], b]].map(async ([viewer, v]) => {
        if (!viewer.supported) return;
        viewer.show("Loading…", { loading: true });
        const blob = await fetchFile(runId, v.glb);
        if (this.comparing !== token) return;
        await viewer.load(blob);
        viewer.host.dataset.version = String(v.number);
      }));
    } catch (err) {
      toastError(err, "Could not show the versions");
    }
  }

  async viewers() {
    if (!this.compareViewers) {
      const { Viewer } = await import("./viewer.js");
      this.compareViewers = ["a", "b"].map((side) => new Viewer($(`#compare-${side}`), $(`#compare-${side}-overlay`)));
    }
    return this.compareViewers;
  }
}
