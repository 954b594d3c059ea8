// The account dialog: change the password (the current one is asked again; every other
// session ends and this one gets fresh tokens) and delete the account with everything in it.
// Errors stay in the dialog, next to the form that caused them.

import { api, ApiError, auth } from "./api.js";
import { $, toast } from "./ui.js";

const MIN_PASSWORD = 8;

function say(el, text, kind = "error") {
  el.textContent = text;
  el.className = kind === "error" ? "form-error" : "form-ok";
  el.hidden = !text;
}

function explain(err) {
  if (!(err instanceof ApiError)) return String(err?.message || err);
  if (err.code === "bad_credentials") return "That is not your current password.";
  if (err.code === "too_many_attempts") return `Too many wrong passwords. Try again in ${err.retryAfter ?? 60} s.`;
  return err.message;
}

export class AccountDialog {
  /** @param {{onDeleted: () => void}} actions */
  constructor(actions) {
    this.actions = actions;
    this.dialog = $("#account");
    $("#account-open").addEventListener("click", () => this.open());
    $("#password-form").addEventListener("submit", (e) => this.changePassword(e));
    $("#delete-form").addEventListener("submit", (e) => this.deleteAccount(e));
  }

  open(username = $("#user-name").textContent) {
    for (const form of [$("#password-form"), $("#delete-form")]) form.reset();
    say($("#password-error"), "");
    say($("#delete-error"), "");
    $("#account-username").textContent = username;
    this.dialog.showModal();
    $("#password-current").focus();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  async changePassword(event) {
    event.preventDefault();
    const out = $("#password-error");
    const current = $("#password-current").value;
    const next = $("#password-new").value;
    if (!current) return say(out, "Type your current password first.");
    if (next.length < MIN_PASSWORD) return say(out, `The new password needs at least ${MIN_PASSWORD} characters.`);
    if (next !== $("#password-confirm").value) return say(out, "The two new passwords are not the same.");
    if (next === current) return say(out, "The new password is the same as the current one.");
    const button = $("#password-submit");
    button.disabled = true;
    try {
      auth.save(await api.changePassword(current, next));
      $("#password-form").reset();
      say(out, "Password changed. Your other sessions have been logged out.", "ok");
      toast("Password changed.", { kind: "ok" });
    } catch (err) {
      say(out, explain(err));
    } finally {
      button.disabled = false;
    }
  }

  async deleteAccount(event) {
    event.preventDefault();
    const out = $("#delete-error");
    const typed = $("#delete-confirm").value.trim();
    const username = $("#account-username").textContent;
    if (typed.toLowerCase() !== username.toLowerCase()) {
      return say(out, `Type your username (${username}) to confirm.`);
    }
    const password = $("#delete-password").value;
    if (!password) return say(out, "Type your password to confirm.");
    const button = $("#delete-submit");
    button.disabled = true;
    try {
      await api.deleteAccount(password);
      this.close();
      this.actions.onDeleted();
    } catch (err) {
      say(out, explain(err));
    } finally {
      button.disabled = false;
    }
  }
}
