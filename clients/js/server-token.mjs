// For your BACKEND, never the browser: mints the end-user token a user's app connects to
// /hubs/client with. It is an HS256 JWT signed with your workspace's client-token secret (from
// POST /api/v1/workspace/client-secret), with node:crypto only, no dependency:
//
//   import { mintClientToken } from "./server-token.mjs";
//   app.get("/hub-token", requireLogin, (req, res) => res.json({
//     token: mintClientToken({ userId: req.user.id, workspaceId: HUB_WORKSPACE_ID, secret: HUB_CLIENT_TOKEN_SECRET }),
//   }));
//
// The same token with the `jsonwebtoken` package:
//   jwt.sign({ sub: String(userId), wid: workspaceId, aud: "hub-client" }, secret, { algorithm: "HS256", expiresIn: 900 })

import { createHmac } from "node:crypto";

const base64url = (value) => Buffer.from(value).toString("base64url");

/**
 * Signs an end-user token for Hub's `/hubs/client`.
 *
 * @param {object} options
 * @param {string|number} options.userId  your user's id: the token's `sub`; Hub keeps the user as a contact with this external id
 * @param {string} options.workspaceId  your Hub workspace's id (`GET /api/v1/workspace` → `id`): the `wid` claim
 * @param {string} options.secret  the workspace's client-token secret, used as-is (its UTF-8 bytes are the HMAC key)
 * @param {number} [options.expiresInSeconds]  keep it short (default 15 minutes; Hub refuses more than `Realtime:MaxClientTokenLifetime`, 24 h)
 * @param {boolean} [options.audience]  add `aud: "hub-client"` (default true), so the token is good for nothing else
 * @param {number} [options.now]  seconds since the epoch (tests)
 * @returns {string} the JWT
 */
export function mintClientToken({ userId, workspaceId, secret, expiresInSeconds = 15 * 60, audience = true, now = Math.floor(Date.now() / 1000) }) {
  if (userId === undefined || userId === null || String(userId) === "") throw new TypeError("userId is required");
  if (!workspaceId) throw new TypeError("workspaceId is required");
  if (!secret) throw new TypeError("secret is required");
  const header = { alg: "HS256", typ: "JWT" };
  const payload = { sub: String(userId), wid: String(workspaceId), iat: now, exp: now + expiresInSeconds };
  if (audience) payload.aud = "hub-client";
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", secret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}
