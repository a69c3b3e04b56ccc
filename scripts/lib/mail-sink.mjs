// A real SMTP server for the tests (nodemailer's smtp-server), started by scripts/lib/mail.sh. It stores
// every message it accepts into the maildir of each recipient's local part under HUB_MAIL_ROOT, which
// dovecot serves over IMAP, so a test can send over SMTP and read the message back over IMAP.
//
// Recipients are refused the way a real server refuses them, so the sender's error mapping is tested
// against real replies: a local part starting with "reject" gets 550 5.1.1, "defer" gets 450 4.2.1.
// AUTH is optional; when given, any user name with the password HUB_MAIL_PASSWORD is accepted.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.env.HUB_MAIL_NODE_DIR ?? process.cwd(), "node_modules", "x.js"));
const { SMTPServer } = require("smtp-server");

const port = Number(process.env.HUB_SMTP_PORT ?? 12525);
const root = process.env.HUB_MAIL_ROOT ?? "/tmp/hub-services/mail/boxes";
const password = process.env.HUB_MAIL_PASSWORD ?? "hub";
const uid = process.env.HUB_MAIL_UID ? Number(process.env.HUB_MAIL_UID) : undefined;
const gid = process.env.HUB_MAIL_GID ? Number(process.env.HUB_MAIL_GID) : undefined;

const smtpError = (code, text) => Object.assign(new Error(text), { responseCode: code });

function mailbox(address) {
  const local = String(address).split("@")[0].toLowerCase().replace(/[^a-z0-9._+-]/g, "_") || "unknown";
  const dir = path.join(root, local, "Maildir");
  for (const sub of ["cur", "new", "tmp"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  return dir;
}

function deliver(address, raw) {
  const dir = mailbox(address);
  const name = `${Date.now()}.${process.pid}_${crypto.randomBytes(8).toString("hex")}.hub-sink,S=${raw.length}`;
  fs.writeFileSync(path.join(dir, "tmp", name), raw);
  fs.renameSync(path.join(dir, "tmp", name), path.join(dir, "new", name));
}

const server = new SMTPServer({
  name: "mail.hub.test",
  banner: "Hub test mail sink",
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ["STARTTLS"],
  size: 30 * 1024 * 1024,
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.password === password) return callback(null, { user: auth.username });
    callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
  },
  onRcptTo(address, _session, callback) {
    const local = address.address.split("@")[0].toLowerCase();
    if (local.startsWith("reject")) return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
    if (local.startsWith("defer")) return callback(smtpError(450, `4.2.1 <${address.address}>: Mailbox temporarily unavailable`));
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      if (stream.sizeExceeded) return callback(smtpError(552, "5.3.4 Message too big"));
      try {
        const received = Buffer.from(
          `Return-Path: <${session.envelope.mailFrom?.address ?? ""}>\r\n` +
          `Received: from ${session.clientHostname} by mail.hub.test with ESMTP id ${session.id}; ${new Date().toUTCString()}\r\n`);
        const raw = Buffer.concat([received, ...chunks]);
        for (const rcpt of session.envelope.rcptTo) deliver(rcpt.address, raw);
        callback(null, `2.0.0 Ok: queued as ${session.id}`);
      } catch (err) {
        callback(smtpError(451, `4.3.0 Could not store the message: ${err.message}`));
      }
    });
  },
});

server.on("error", (err) => console.error("smtp sink:", err.message));
server.listen(port, "127.0.0.1", () => {
  // The port is bound; drop to the mail user so the maildirs belong to the user dovecot reads them as.
  if (process.getuid?.() === 0 && gid !== undefined && uid !== undefined) {
    process.setgid(gid);
    process.setuid(uid);
  }
  console.log(`smtp sink listening on 127.0.0.1:${port}, storing into ${root}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
