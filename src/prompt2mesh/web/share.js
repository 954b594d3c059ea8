// The read-only page behind a share link (/s/<token>): the model in the viewer and its
// downloads, for anyone with the link, no account. Everything comes from /shared/<token>.

import { $, h } from "./ui.js";

const token = location.pathname.split("/").filter(Boolean).at(-1) ?? "";
const base = `/shared/${encodeURIComponent(token)}`;

function fileUrl(name) {
  return `${base}/files/${name.split("/").map(encodeURIComponent).join("/")}`;
}

async function boot() {
  const res = await fetch(base, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    $("#share-missing").hidden = false;
    $("#share-name").textContent = "Link not found";
    document.title = "Link not found · Prompt2Mesh";
    return;
  }
  const model = await res.json();
  $("#share-name").textContent = model.name;
  $("#share-prompt").textContent = model.name === model.prompt ? "" : `“${model.prompt}”`;
  document.title = `${model.name} · Prompt2Mesh`;
  $("#share-body").hidden = false;
  $("#share-files").replaceChildren(...model.files.map((name) =>
    h("li", {}, h("a", { href: fileUrl(name), download: "", "data-file": name }, name.split("/").at(-1)))));
  if (!model.files.includes("scene.glb")) return;
  try {
    const { Viewer } = await import("./viewer.js");
    const viewer = new Viewer($("#viewer"), $("#viewer-overlay"));
    const glb = await fetch(fileUrl("scene.glb"));
    if (!glb.ok) throw new Error(`HTTP ${glb.status}`);
    await viewer.load(await glb.blob());
  } catch (err) {
    console.error("3D preview unavailable:", err);
    $("#viewer-message").textContent = "The 3D preview could not start here. The downloads still work.";
  }
}

boot();
