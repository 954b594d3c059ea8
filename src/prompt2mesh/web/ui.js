// Small DOM helpers shared by the page's modules: element builder, toasts, formatting.

/**
 * Builds an element: h("div", {class: "x", onclick: fn}, "text", child, [more]).
 * Strings become text nodes (never HTML), so event payloads cannot inject markup.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);

/**
 * A toast at the top right, under the top bar (never over the prompt box); errors stay
 * longer. `action` adds a button ({label, run}). Returns a function that closes it.
 */
export function toast(message, { kind = "info", title = null, ms = null, action = null } = {}) {
  const box = $("#toasts");
  const close = () => el.remove();
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("p", {}, title ? h("strong", {}, title) : null, message),
    action ? h("button", { type: "button", class: "toast-action", onclick: () => { close(); action.run(); } }, action.label) : null,
    h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", onclick: close }, "×"));
  box.append(el);
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(close, ms ?? (kind === "error" ? 9000 : 4500));
  return close;
}

/** A friendly toast for an ApiError (or anything thrown). */
export function toastError(err, fallbackTitle = "Something went wrong") {
  const titles = {
    workers_busy: "All Blender workers are busy",
    validation_error: "Please check your input",
    too_many_attempts: "Too many attempts",
    network_error: "Offline",
    token_expired: "Session expired",
  };
  let message = err?.message || String(err);
  if (err?.retryAfter) message += ` (try again in ${err.retryAfter} s)`;
  toast(message, { kind: "error", title: titles[err?.code] || fallbackTitle });
}

/** "1 refinement", "3 refinements" (`many` for irregular plurals). */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

/** Removes every toast (log-out: nothing of one user stays on screen for the next). */
export function clearToasts() {
  $("#toasts")?.replaceChildren();
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "–";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function timeAgo(iso) {
  if (!iso) return "";
  const then = new Date(iso.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z");
  const s = (Date.now() - then.getTime()) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return then.toLocaleDateString();
}

export const TERMINAL = new Set(["completed", "halted", "failed", "cancelled"]);

export function statusPill(status) {
  return h("span", { class: `status status-${status}`, "data-status": status }, status);
}

/** Score badge class: pass mark 6 (SPEC), green from 7. */
export function scoreClass(score) {
  if (score >= 7) return "good";
  if (score < 6) return "low";
  return "";
}
