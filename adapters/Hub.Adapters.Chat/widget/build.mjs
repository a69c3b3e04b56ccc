// Builds the web chat widget: one self-contained script (no globals besides `HubWidget`) made of
//   1. the browser build of @microsoft/signalr (from clients/js/node_modules: `npm ci` there first),
//   2. clients/js/hub-client.mjs (ordering, dedupe, resume after reconnect) with its ES-module syntax removed,
//   3. src/widget.js (the UI).
// Usage: node adapters/Hub.Adapters.Chat/widget/build.mjs [out.js]   (plain Node ≥ 20, no npm packages of its own)
// The output defaults to obj/widget/hub-widget.js, where Hub.Adapters.Chat.csproj (which runs this on every build
// whose sources changed) embeds it from; it is not committed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const clientJs = join(here, "..", "..", "..", "clients", "js");
const signalrPath = join(clientJs, "node_modules", "@microsoft", "signalr", "dist", "browser", "signalr.min.js");
const signalrVersion = JSON.parse(readFileSync(join(clientJs, "node_modules", "@microsoft", "signalr", "package.json"), "utf8")).version;

const signalr = readFileSync(signalrPath, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, "");

let client = readFileSync(join(clientJs, "hub-client.mjs"), "utf8");
const importLine = /^import \* as signalR from "@microsoft\/signalr";\s*$/m;
if (!importLine.test(client)) throw new Error("hub-client.mjs: the signalR import line changed; update build.mjs");
client = client
  .replace(importLine, "")
  .replace(/^export \{ signalR \};\s*$/m, "")
  .replace(/^export (const|class|function|async function) /gm, "$1 ");
if (/^export\b/m.test(client) || /^import\b/m.test(client)) throw new Error("hub-client.mjs: unexpected import/export left");

const widget = readFileSync(join(here, "src", "widget.js"), "utf8");

const out = `/*! Hub web chat widget. Bundles @microsoft/signalr ${signalrVersion} (MIT, (c) .NET Foundation) and Hub's hub-client. Built by widget/build.mjs: do not edit. */
(function () {
"use strict";
if (window.HubWidget && window.HubWidget.__loaded) return;
var signalR = (function () {
  // Its UMD wrapper takes the CommonJS branch: nothing leaks onto the host page's window.
  var module = { exports: {} }, exports = module.exports, define = undefined;
${signalr}
  return module.exports;
})();
${client}
${widget}
})();
`;
const target = resolve(process.argv[2] ?? join(here, "..", "obj", "widget", "hub-widget.js"));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, out);
console.log(`${relative(process.cwd(), target)}: ${out.length} bytes`);
