// Starts a real Hub process (the built server/Hub.Server) on a free loopback port with its own SQLite
// file, waits for /health/ready, and kills it when asked — and when this Node process exits, whatever
// the reason, so no Hub outlives a failed or interrupted test run.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = resolve(here, "../../../..");
const serverDir = join(repositoryRoot, "server", "Hub.Server");
const serverDll = process.env.HUB_SERVER_DLL ?? join(serverDir, "bin", "Debug", "net10.0", "Hub.Server.dll");

const running = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is.
  process.on("exit", () => {
    for (const child of running) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => process.exit(130));
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Hub. `settings` are extra environment variables (`Section__Key`).
 * Resolves to { url, adminEmail, adminPassword, logs(), stop() }.
 */
export async function startHub({ settings = {}, readyTimeoutMs = 90_000 } = {}) {
  if (!existsSync(serverDll)) {
    throw new Error(`${serverDll} is missing: run \`dotnet build server/Hub.Server\` (or Hub.sln) first`);
  }
  installExitHook();
  const dataDir = mkdtempSync(join(tmpdir(), "hub-js-test-"));
  const adminEmail = "admin@hub.local";
  const adminPassword = "JsClient-Test-Passw0rd";
  const lines = [];

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("ConnectionStrings__")) delete env[key]; // SQLite only
    Object.assign(env, {
      ASPNETCORE_ENVIRONMENT: "Testing",
      DOTNET_ENVIRONMENT: "Testing",
      ASPNETCORE_URLS: url,
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
      DOTNET_NOLOGO: "1",
      Storage__SqlitePath: join(dataDir, "hub.db"),
      Bootstrap__AdminEmail: adminEmail,
      Bootstrap__AdminPassword: adminPassword,
      Auth__JwtSigningKey: "js-client-tests-signing-key-0123456789abcdef",
      Realtime__TypingTimeout: "00:00:01",
      Logging__Console__FormatterName: "simple",
      Logging__Console__FormatterOptions__SingleLine: "true",
      ...settings,
    });
    const child = spawn("dotnet", [serverDll], { cwd: serverDir, env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let exited = null;
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      running.delete(child);
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        for (const line of chunk.split("\n")) if (line.trim()) lines.push(line);
        if (lines.length > 5000) lines.splice(0, lines.length - 5000);
      });
    }

    const stop = async () => {
      if (exited) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await Promise.race([gone, sleep(10_000)]);
      running.delete(child);
    };

    const deadline = Date.now() + readyTimeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline && !exited) {
      try {
        const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) });
        last = `${response.status} ${await response.text()}`;
        if (response.ok) {
          return {
            url,
            adminEmail,
            adminPassword,
            logs: () => lines.join("\n"),
            stop: async () => {
              await stop();
              rmSync(dataDir, { recursive: true, force: true });
            },
          };
        }
      } catch (error) {
        last = String(error?.cause?.code ?? error?.message ?? error);
      }
      await sleep(250);
    }

    await stop();
    const addressInUse = lines.some((l) => /address already in use/i.test(l));
    if (addressInUse && attempt < 3) continue; // the port was taken between picking and binding
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(
      `Hub did not become ready at ${url} (${exited ? `exited ${JSON.stringify(exited)}` : `last: ${last}`}).\n` + lines.slice(-60).join("\n"),
    );
  }
}

/** A tiny JSON client for Hub's REST API with a bearer token or API key. */
export class Api {
  constructor(baseUrl, { token, apiKey } = {}) {
    this.baseUrl = baseUrl;
    this.headers = { "content-type": "application/json" };
    if (token) this.headers.authorization = `Bearer ${token}`;
    if (apiKey) this.headers["x-api-key"] = apiKey;
  }

  async request(method, path, body) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error(`${method} ${path} → ${response.status}: ${text}`);
      error.status = response.status;
      error.body = json;
      throw error;
    }
    return json;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body = {}) {
    return this.request("POST", path, body);
  }

  /** Signs a member in: `POST /api/v1/auth/token`. */
  static async signIn(baseUrl, email, password) {
    const { access_token: token } = await new Api(baseUrl).post("/api/v1/auth/token", { email, password });
    return new Api(baseUrl, { token });
  }

  get token() {
    return this.headers.authorization?.slice("Bearer ".length);
  }
}
