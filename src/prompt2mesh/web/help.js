// Prompt help from the server (GET /config): which provider and model will build the model,
// and what the offline modeller understands. Shown on the welcome screen under the examples.

import { request } from "./api.js";
import { $, h } from "./ui.js";

let cached = null;

/** The install's builder, fetched once per page; null when the server cannot say. */
export async function clientConfig() {
  cached ??= request("GET", "/config").catch(() => null);
  return cached;
}

export async function showPromptHelp() {
  const config = await clientConfig();
  const box = $("#prompt-builder");
  if (!config) {
    box.hidden = true;
    return config;
  }
  const who = config.offline
    ? h("strong", { "data-testid": "builder" }, config.provider_name)
    : h("strong", { "data-testid": "builder" }, `${config.provider_name} · ${config.model ?? "its default model"}`);
  box.replaceChildren(h("span", {}, "Built by "), who, h("span", {}, ". "), h("span", { "data-testid": "builder-note" }, config.note));
  box.hidden = false;
  return config;
}
