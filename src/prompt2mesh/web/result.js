// The result panel's actions for the model on screen: downloads named after the model
// (the server's Content-Disposition), other formats through the worker's exporter, a zip of
// the screenshots, a high-quality Cycles render with its progress, and read-only share links.

import { api, fetchDownload, fileUrl } from "./api.js";
import { $, h, toast, toastError } from "./ui.js";

/** Saves a Blob under `name` through a temporary link (the browser's own download). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export class ResultActions {
  constructor() {
    this.runId = null;
    this.files = {};
    this.renderTimer = null;
    for (const b of document.querySelectorAll(".download")) b.addEventListener("click", () => this.download(b.dataset.file));
    $("#export").addEventListener("click", () => this.export($("#export-format").value));
    $("#render").addEventListener("click", () => this.render());
    $("#share").addEventListener("click", () => this.share());
  }

  /** Nothing on screen (new model, log-out): every action off, no links listed. */
  reset() {
    this.runId = null;
    this.files = {};
    clearTimeout(this.renderTimer);
    for (const b of document.querySelectorAll(".download")) b.disabled = true;
    for (const id of ["#export", "#export-format", "#render", "#share"]) $(id).disabled = true;
    $("#render-progress").hidden = true;
    $("#render-status").textContent = "";
    $("#shares").replaceChildren();
  }

  /** The finished run's files: {glb, blend, report, screenshots} (names or null). */
  show(runId, files, { completed }) {
    this.runId = runId;
    this.files = files;
    for (const b of document.querySelectorAll(".download")) b.disabled = !files[b.dataset.file];
    for (const id of ["#export", "#export-format", "#render", "#share"]) $(id).disabled = !completed;
    if (completed) this.listShares().catch(() => {});
  }

  async download(kind) {
    const runId = this.runId;
    if (!runId || !this.files[kind]) return;
    const path = kind === "screenshots"
      ? `/runs/${encodeURIComponent(runId)}/screenshots.zip`
      : fileUrl(runId, this.files[kind]);
    try {
      const { blob, name } = await fetchDownload(path);
      saveBlob(blob, name);
    } catch (err) {
      toastError(err, "Download failed");
    }
  }

  async export(format) {
    const runId = this.runId;
    const button = $("#export");
    button.disabled = true;
    button.textContent = "Exporting…";
    try {
      const made = await api.exportRun(runId, format);
      const { blob, name } = await fetchDownload(fileUrl(runId, made.file));
      if (this.runId === runId) saveBlob(blob, name);
    } catch (err) {
      toastError(err, "Export failed");
    } finally {
      button.textContent = "Export";
      button.disabled = this.runId === null;
    }
  }

  async render() {
    const runId = this.runId;
    $("#render").disabled = true;
    try {
      this.showRender(await api.startRender(runId, 32, 1024));
      this.pollRender(runId);
    } catch (err) {
      $("#render").disabled = false;
      toastError(err, "Render failed");
    }
  }

  pollRender(runId) {
    clearTimeout(this.renderTimer);
    this.renderTimer = setTimeout(async () => {
      if (this.runId !== runId) return;
      try {
        const job = await api.renderStatus(runId);
        if (this.runId !== runId) return;
        this.showRender(job);
        if (job.state === "running") return this.pollRender(runId);
        $("#render").disabled = false;
        if (job.state === "done") {
          const { blob, name } = await fetchDownload(fileUrl(runId, job.file));
          saveBlob(blob, name);
          toast("The render is ready and downloading.", { kind: "ok" });
        } else {
          toast(job.error || "The render failed.", { kind: "error", title: "Render failed" });
        }
      } catch (err) {
        $("#render").disabled = false;
        toastError(err, "Render failed");
      }
    }, 700);
  }

  showRender(job) {
    const bar = $("#render-progress");
    bar.hidden = false;
    const percent = Math.round(100 * job.progress);
    bar.firstElementChild.style.width = `${percent}%`;
    bar.setAttribute("aria-valuenow", String(percent));
    $("#render-status").textContent = job.state === "running"
      ? `Rendering with Cycles… ${Math.round(job.elapsed_s)} s of about ${Math.round(job.estimate_s)} s`
      : job.state === "done" ? `Rendered in ${job.elapsed_s.toFixed(1)} s (${job.samples} samples)` : "Render failed";
    bar.dataset.state = job.state;
  }

  async share() {
    try {
      await api.createShare(this.runId);
      await this.listShares();
      const input = $("#shares input");
      input?.select();
      try { await navigator.clipboard?.writeText(input.value); toast("Link copied. Anyone with it can view and download this model."); } catch { /* the field is selected */ }
    } catch (err) {
      toastError(err, "Could not create a link");
    }
  }

  async listShares() {
    const runId = this.runId;
    const links = await api.listShares(runId);
    if (this.runId !== runId) return;
    $("#shares").replaceChildren(...links.map((link) => {
      const url = new URL(link.url, location.origin).href;
      return h("li", { "data-token": link.token },
        h("input", { type: "text", readonly: true, value: url, "aria-label": "Share link" }),
        h("a", { class: "btn btn-ghost btn-sm", href: url, target: "_blank", rel: "noopener noreferrer" }, "Open"),
        h("button", { type: "button", class: "btn btn-ghost btn-sm", "data-action": "revoke", onclick: () => this.revoke(link.token) }, "Revoke"));
    }));
  }

  async revoke(token) {
    try {
      await api.revokeShare(token);
      await this.listShares();
      toast("The link no longer works.");
    } catch (err) {
      toastError(err, "Could not revoke the link");
    }
  }
}
