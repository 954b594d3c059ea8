// The gallery in the sidebar: the user's models with thumbnails, search, paging ("Show more"),
// rename, duplicate and delete. It keeps itself current while a model is still being built
// (polling GET /gallery), and reports each model that finishes (onFinished), so a run that
// ends while another model is open is never left showing "running".

import { api, fetchFile } from "./api.js";
import { $, h, statusPill, TERMINAL, timeAgo, toastError } from "./ui.js";

const PAGE = 24;
const POLL_MS = 3000;

export class Gallery {
  /**
   * @param {{onOpen: (id: string) => void, onDeleted: (id: string) => void,
   *          onFinished: (item: object) => void, activeId: () => string | null}} hooks
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = $("#history");
    this.items = new Map(); // run id -> the item as last listed
    this.thumbs = new Map(); // "run id|file" -> blob URL
    this.query = "";
    this.shown = PAGE;
    this.total = 0;
    this.timer = null;
    this.generation = 0;
    this.searchTimer = null;
    this.confirming = null; // id of the model whose bin asks "Delete?" (survives a re-render)
    this.confirmTimer = null;
    $("#history-search").addEventListener("input", (e) => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => {
        this.query = e.target.value.trim();
        this.shown = PAGE;
        this.refresh().catch(toastError);
      }, 200);
    });
    $("#history-more").addEventListener("click", () => {
      this.shown += PAGE;
      this.refresh().catch(toastError);
    });
  }

  /** Forget everything (log-out): the next user starts from an empty list. */
  reset() {
    clearTimeout(this.timer);
    this.timer = null;
    this.generation += 1;
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
    this.items.clear();
    this.query = "";
    this.shown = PAGE;
    $("#history-search").value = "";
    this.list.replaceChildren();
    $("#history-empty").hidden = false;
    $("#history-more").hidden = true;
  }

  /** Reloads the shown pages; announces models that finished since the last look. */
  async refresh() {
    const generation = this.generation;
    const page = await api.gallery({ q: this.query, limit: Math.min(this.shown, 100), offset: 0 });
    if (generation !== this.generation) return; // logged out meanwhile
    this.total = page.total;
    for (const item of page.items) {
      const before = this.items.get(item.id);
      if (before && !TERMINAL.has(before.status) && TERMINAL.has(item.status)) this.hooks.onFinished(item);
      this.items.set(item.id, item);
    }
    this.render(page.items);
    this.schedule(page.items);
  }

  /** Polls while a model is unfinished (also after a search hides it: `items` keeps it). */
  schedule(items) {
    clearTimeout(this.timer);
    const busy = items.some((i) => !TERMINAL.has(i.status) && i.status !== "interrupted")
      || [...this.items.values()].some((i) => !TERMINAL.has(i.status) && i.status !== "interrupted");
    if (busy) this.timer = setTimeout(() => this.refresh().catch(() => this.schedule(items)), POLL_MS);
  }

  /** After a run was started here: list it and watch it. */
  watch() { this.refresh().catch(() => {}); }

  render(items) {
    const active = this.hooks.activeId();
    this.list.replaceChildren(...items.map((item) => this.row(item, active)));
    $("#history-empty").hidden = items.length > 0;
    $("#history-empty").textContent = this.query ? `No model matches “${this.query}”.` : "Your models will appear here.";
    $("#history-more").hidden = items.length >= this.total;
  }

  row(item, active) {
    const thumb = h("img", { class: "history-thumb", alt: "", "aria-hidden": "true" });
    if (item.thumbnail) this.loadThumb(item, thumb);
    const name = h("span", { class: "history-prompt" }, item.name);
    const open = h("button", {
      type: "button",
      class: `history-item${item.id === active ? " active" : ""}`,
      "data-run": item.id,
      title: item.prompt,
      "aria-current": item.id === active ? "true" : null,
      onclick: () => this.hooks.onOpen(item.id),
    }, thumb, h("span", { class: "history-text" }, name,
      h("span", { class: "history-meta" }, statusPill(item.status), timeAgo(item.created_at))));
    const li = h("li", { class: "history-row", "data-row": item.id }, open);
    const actions = h("div", { class: "history-actions" },
      h("button", { type: "button", "aria-label": `Rename ${item.name}`, title: "Rename", "data-action": "rename",
        onclick: () => this.rename(item, li) }, "Rename"),
      TERMINAL.has(item.status)
        ? h("button", { type: "button", "aria-label": `Copy ${item.name}`, title: "Duplicate: a copy of its own to edit", "data-action": "duplicate",
          onclick: () => this.duplicate(item) }, "Copy")
        : null,
      h("button", { type: "button", "aria-label": `Delete ${item.name}`, title: "Delete (with its files)", "data-action": "delete",
        class: this.confirming === item.id ? "confirm" : null,
        onclick: () => this.remove(item) }, this.confirming === item.id ? "Delete?" : "Delete"));
    li.append(actions);
    return li;
  }

  async loadThumb(item, img) {
    const key = `${item.id}|${item.thumbnail}`;
    try {
      if (!this.thumbs.has(key)) this.thumbs.set(key, URL.createObjectURL(await fetchFile(item.id, item.thumbnail)));
      img.src = this.thumbs.get(key);
    } catch { /* a missing picture leaves the grey square */ }
  }

  rename(item, li) {
    const input = h("input", { class: "history-rename", value: item.name, "aria-label": "New name", maxlength: "200" });
    const row = li.querySelector(".history-item");
    row.hidden = true;
    li.prepend(input);
    input.focus();
    input.select();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (save && title && title !== item.name) {
        try { await api.renameRun(item.id, title); } catch (err) { toastError(err, "Could not rename"); }
      }
      input.remove();
      row.hidden = false;
      await this.refresh().catch(() => {});
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); finish(true); }
      if (e.key === "Escape") finish(false);
    });
    input.addEventListener("blur", () => finish(true));
  }

  async duplicate(item) {
    try {
      const copy = await api.duplicateRun(item.id);
      await this.refresh();
      this.hooks.onOpen(copy.id);
    } catch (err) {
      toastError(err, "Could not duplicate");
    }
  }

  /** Two clicks: the first turns the bin into "Delete?" for a few seconds, the second deletes. */
  async remove(item) {
    if (this.confirming !== item.id) {
      this.confirming = item.id;
      this.paintConfirm();
      clearTimeout(this.confirmTimer);
      this.confirmTimer = setTimeout(() => { this.confirming = null; this.paintConfirm(); }, 5000);
      return;
    }
    this.confirming = null;
    clearTimeout(this.confirmTimer);
    try {
      await api.deleteRun(item.id);
      this.items.delete(item.id);
      this.hooks.onDeleted(item.id);
      await this.refresh();
    } catch (err) {
      toastError(err, "Could not delete");
    }
  }

  paintConfirm() {
    for (const button of this.list.querySelectorAll("[data-action=delete]")) {
      const on = button.closest("[data-row]")?.dataset.row === this.confirming;
      button.classList.toggle("confirm", on);
      button.textContent = on ? "Delete?" : "Delete";
    }
  }

  markActive(id) {
    for (const el of this.list.querySelectorAll(".history-item")) {
      el.classList.toggle("active", el.dataset.run === id);
      if (el.dataset.run === id) el.setAttribute("aria-current", "true");
      else el.removeAttribute("aria-current");
    }
  }

  setStatus(id, status) {
    const item = this.items.get(id);
    if (item) item.status = status;
    const pill = this.list.querySelector(`.history-item[data-run="${CSS.escape(id)}"] .status`);
    pill?.replaceWith(statusPill(status));
  }
}
