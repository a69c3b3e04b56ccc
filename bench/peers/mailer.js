'use strict';
// Scenario 5's peer (bench/README.md): nodemailer's pooled SMTP transport sending N messages equivalent to
// Hub's campaign mails into the same smtp-sink. Each message is rendered from the same HTML template Hub's
// campaign uses ({{ contact.first_name }} substituted), its links rewritten to HMAC-signed click-tracking URLs
// like Hub's, with the same unsubscribe footer, hidden trap link and open pixel appended, the RFC 8058
// List-Unsubscribe headers, and a plain-text part (Hub sends multipart/alternative too).
//
// Driven over stdin/stdout (common.js): {"cmd":"send","count":N} → {"sent","failed","startUs","endUs"}.
const crypto = require('crypto');
const fs = require('fs');
const nodemailer = require('nodemailer');
const { nowUs, arg, control } = require('./common');

const port = Number(arg('port'));
const pool = Number(arg('pool', '4'));
const template = fs.readFileSync(arg('template'), 'utf8');
const base = 'http://localhost:5080';
const key = crypto.randomBytes(32);
const workspace = crypto.randomUUID();

const sign = (...parts) => crypto.createHmac('sha256', key).update(parts.join('\n')).digest('base64url').slice(0, 22);
const escape = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render(i) {
  const id = crypto.randomUUID();
  const first = `Reader${i}`;
  const click = (url) => `${base}/api/v1/tracking/click?message_id=${id}&workspace_id=${workspace}&url=${encodeURIComponent(url)}&sig=${sign(workspace, id, 'click', url)}`;
  const unsubscribe = `${base}/u/${Buffer.from(`${workspace}.${id}`).toString('base64url')}.${sign(workspace, id, 'unsubscribe')}`;
  let html = template.replace(/\{\{\s*contact\.first_name\s*\}\}/g, first);
  html = html.replace(/<a\b([^>]*?)href="(https?:\/\/[^"]*)"/gi, (m, pre, url) => `<a${pre}href="${escape(click(url))}"`);
  const footer = `<p style="font-size:12px;color:#888"><a href="${escape(unsubscribe)}">Unsubscribe</a></p>`
    + `<a href="${escape(click(`${base}/api/v1/tracking/trap`))}" style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden" aria-hidden="true" tabindex="-1"></a>`
    + `<img src="${escape(`${base}/api/v1/tracking/open?message_id=${id}&workspace_id=${workspace}&sig=${sign(workspace, id, 'open')}`)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const end = html.toLowerCase().lastIndexOf('</body>');
  html = end >= 0 ? html.slice(0, end) + footer + html.slice(end) : html + footer;
  return {
    from: '"Example Shop" <news@bench.test>',
    to: `"${first}" <reader${i}@example.com>`,
    subject: `News for ${first}`,
    text: html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
    html,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

control({
  async send(cmd) {
    const transport = nodemailer.createTransport({
      pool: true, host: '127.0.0.1', port, secure: false, ignoreTLS: true,
      maxConnections: pool, maxMessages: Infinity,
    });
    const startUs = nowUs();
    let sent = 0;
    let failed = 0;
    // As an application uses the pooled transport: hand it every message; it queues them over its connections.
    await Promise.all(Array.from({ length: cmd.count }, (_, i) => transport.sendMail(render(i)).then(
      () => { sent++; },
      (e) => { if (failed++ < 3) console.error(String(e)); })));
    const endUs = nowUs();
    transport.close();
    return { sent, failed, startUs, endUs };
  },
  quit() { process.exit(0); },
});
process.stdout.write(JSON.stringify({ ok: true, ready: true }) + '\n');
