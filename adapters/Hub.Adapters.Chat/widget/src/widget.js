// Hub web chat widget: one script tag on a customer's site.
//
//   <script src="https://hub.example/widget.js" data-hub-key="WIDGET_KEY" async></script>
//
// Optional attributes: data-prechat="true" (ask for name and email before the first message),
// data-title="Chat with us", data-color="#2563eb", data-position="left", data-greeting="Hi! How can we help?".
// Runs inside the bundle made by build.mjs: `signalR` and `HubClient` (clients/js/hub-client.mjs) are in scope.

var script = document.currentScript || document.querySelector("script[data-hub-key]");
var config = {
  key: script && script.getAttribute("data-hub-key"),
  base: script && script.src ? new URL(script.src, location.href).origin : location.origin,
  prechat: !!script && /^(true|1|yes)$/i.test(script.getAttribute("data-prechat") || ""),
  title: (script && script.getAttribute("data-title")) || "Chat with us",
  color: (script && script.getAttribute("data-color")) || "#2563eb",
  left: !!script && script.getAttribute("data-position") === "left",
  greeting: (script && script.getAttribute("data-greeting")) || "Ask us anything — we usually reply in a few minutes.",
};

var STORE = "hub-widget:" + config.key;
var MAX_KEPT = 200;

function loadState() {
  try {
    var s = JSON.parse(localStorage.getItem(STORE) || "null");
    if (s && typeof s === "object") return s;
  } catch (e) { /* private mode or garbage: start over */ }
  return {};
}

var state = Object.assign({ visitorId: null, conversationId: null, profileDone: false, messages: [], open: false }, loadState());

function saveState() {
  try {
    state.messages = state.messages.slice(-MAX_KEPT);
    localStorage.setItem(STORE, JSON.stringify(state));
  } catch (e) { /* quota: the chat still works, it just won't survive a reload */ }
}

// ---- session: a short-lived end-user token from Hub, for this visitor ----

var session = null; // {token, visitor_id, expires_at, hub_url}

function openSession(profile) {
  var body = { widget_key: config.key, visitor_id: state.visitorId || undefined };
  if (profile) { body.name = profile.name || undefined; body.email = profile.email || undefined; }
  return fetch(config.base + "/api/v1/widget/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (json) {
      if (!r.ok) {
        var err = new Error((json && (json.detail || json.title)) || "HTTP " + r.status);
        err.status = r.status;
        err.errors = json && json.errors;
        throw err;
      }
      return json;
    });
  }).then(function (json) {
    session = json;
    if (state.visitorId !== json.visitor_id) {
      state.visitorId = json.visitor_id;
      saveState();
    }
    return json;
  });
}

function token() {
  // Called by SignalR on every (re)connect: reuse the token while it has a minute left.
  if (session && Date.parse(session.expires_at) - Date.now() > 60000) return Promise.resolve(session.token);
  return openSession().then(function (s) { return s.token; });
}

// ---- DOM (in a shadow root, so the host page's CSS and ours stay apart) ----

var host = document.createElement("div");
host.setAttribute("data-hub-widget", "");
var root = host.attachShadow({ mode: "open" });
var side = config.left ? "left" : "right";
root.innerHTML =
  "<style>" +
  ":host{all:initial}" +
  "[hidden]{display:none!important}" +
  "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
  ".launcher{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}" +
  ".launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
  ".badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}" +
  ".panel{position:fixed;bottom:88px;" + side + ":20px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;color:#111827}" +
  ".panel[hidden]{display:none}" +
  "header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between}" +
  "header h2{margin:0;font-size:16px;font-weight:600}" +
  "header button{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;border-radius:6px;padding:2px 8px}" +
  ".status{font-size:12px;background:#fef3c7;color:#92400e;padding:4px 12px}" +
  ".status[hidden]{display:none}" +
  ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f9fafb;list-style:none;margin:0}" +
  ".msg{max-width:80%;padding:8px 12px;border-radius:14px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}" +
  ".msg.agent{align-self:flex-start;background:#e5e7eb;color:#111827;border-bottom-left-radius:4px}" +
  ".msg.visitor{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}" +
  ".meta{display:block;font-size:11px;opacity:.8;margin-top:2px;text-align:right}" +
  ".tick.read{color:#a7f3d0;font-weight:700}" +
  ".msg.failed{background:#fee2e2;color:#991b1b}" +
  ".typing{font-size:12px;color:#6b7280;padding:2px 14px 6px;min-height:20px;background:#f9fafb}" +
  ".empty{color:#6b7280;font-size:13px;text-align:center;margin:auto}" +
  "form.compose{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb}" +
  "form.compose textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;font-size:14px;height:40px}" +
  "form button[type=submit]{background:var(--c);color:#fff;border:0;border-radius:10px;padding:0 14px;font-size:14px;cursor:pointer}" +
  "form.prechat{padding:16px;display:flex;flex-direction:column;gap:10px;flex:1}" +
  "form.prechat label{font-size:13px;display:flex;flex-direction:column;gap:4px}" +
  "form.prechat input{border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;font-size:14px}" +
  "form.prechat button[type=submit]{padding:10px}" +
  ".error{color:#b91c1c;font-size:12px;min-height:16px}" +
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
  "</style>" +
  "<button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false' aria-controls='hub-panel' aria-label='Open chat'>" +
  "<svg width='26' height='26' viewBox='0 0 24 24' fill='currentColor' aria-hidden='true'><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'/></svg>" +
  "<span class='badge' hidden></span></button>" +
  "<section class='panel' id='hub-panel' role='dialog' aria-modal='false' aria-labelledby='hub-title' hidden>" +
  "<header><h2 id='hub-title'></h2><button type='button' class='close' aria-label='Close chat'>×</button></header>" +
  "<div class='status' role='status' hidden></div>" +
  "<form class='prechat' hidden novalidate>" +
  "<p style='margin:0;font-size:14px'>Tell us who you are, and we'll get back to you here.</p>" +
  "<label>Name<input name='name' autocomplete='name' maxlength='200'></label>" +
  "<label>Email<input name='email' type='email' autocomplete='email' maxlength='320'></label>" +
  "<div class='error' role='alert'></div>" +
  "<button type='submit'>Start chat</button></form>" +
  "<ol class='log' aria-live='polite' aria-label='Messages'></ol>" +
  "<div class='typing' aria-live='polite'></div>" +
  "<form class='compose'><label class='sr' for='hub-input'>Message</label>" +
  "<textarea id='hub-input' rows='1' placeholder='Type a message…' maxlength='32000'></textarea>" +
  "<button type='submit' aria-label='Send message'>Send</button></form>" +
  "</section>";
root.host.style.setProperty("--c", config.color);

var $ = function (sel) { return root.querySelector(sel); };
var launcher = $(".launcher"), badge = $(".badge"), panel = $(".panel"), closeBtn = $(".close"), statusBar = $(".status");
var prechat = $("form.prechat"), log = $(".log"), typingLine = $(".typing"), compose = $("form.compose"), input = $("#hub-input");
$("#hub-title").textContent = config.title;

// ---- messages ----

function findMessage(id) {
  for (var i = 0; i < state.messages.length; i++) if (state.messages[i].id === id) return state.messages[i];
  return null;
}

var STATUS_RANK = { queued: 0, sending: 0, sent: 1, delivered: 2, read: 3, failed: 4, bounced: 4 };

function upsert(msg) {
  var existing = findMessage(msg.id);
  if (existing) {
    // statuses only move forward (an older update replayed after a newer one changes nothing)
    if ((STATUS_RANK[msg.status] || 0) >= (STATUS_RANK[existing.status] || 0)) existing.status = msg.status;
    if (msg.text != null) existing.text = msg.text;
    return existing;
  }
  state.messages.push(msg);
  state.messages.sort(function (a, b) { return (a.at || "") < (b.at || "") ? -1 : (a.at || "") > (b.at || "") ? 1 : 0; });
  return msg;
}

function fromServer(m) {
  return {
    id: m.id,
    text: m.text || "",
    mine: m.senderType === "contact" || m.direction === "inbound",
    status: m.status,
    at: m.createdAt,
  };
}

function tickFor(m) {
  if (m.pending) return { text: "…", label: "Sending", cls: "" };
  if (m.status === "read") return { text: "✓✓ Read", label: "Read", cls: "read" };
  if (m.status === "delivered") return { text: "✓✓", label: "Delivered", cls: "" };
  if (m.status === "failed" || m.status === "bounced") return { text: "!", label: "Not sent", cls: "" };
  return { text: "✓", label: "Sent", cls: "" };
}

function render() {
  var stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40 || log.scrollTop === 0;
  log.textContent = "";
  if (!state.messages.length) {
    var empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = config.greeting;
    log.appendChild(empty);
  }
  state.messages.forEach(function (m) {
    var li = document.createElement("li");
    li.className = "msg " + (m.mine ? "visitor" : "agent") + (m.status === "failed" ? " failed" : "");
    li.setAttribute("data-message-id", m.id);
    var who = document.createElement("span");
    who.className = "sr";
    who.textContent = m.mine ? "You: " : "Agent: ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(m.text));
    if (m.mine) {
      var t = tickFor(m);
      var meta = document.createElement("span");
      meta.className = "meta";
      var tick = document.createElement("span");
      tick.className = "tick " + t.cls;
      tick.setAttribute("data-status", m.pending ? "pending" : m.status || "sent");
      tick.setAttribute("aria-label", t.label);
      tick.title = t.label;
      tick.textContent = t.text;
      meta.appendChild(tick);
      li.appendChild(meta);
    }
    log.appendChild(li);
  });
  if (stick || !log.childElementCount || state.messages.length && state.messages[state.messages.length - 1].mine) log.scrollTop = log.scrollHeight;
  updateBadge();
}

function unreadCount() {
  return state.messages.filter(function (m) { return !m.mine && m.status !== "read" && !m.seen; }).length;
}

function updateBadge() {
  var n = state.open ? 0 : unreadCount();
  badge.hidden = n === 0;
  badge.textContent = String(n);
  launcher.setAttribute("aria-label", n ? "Open chat, " + n + " unread" : "Open chat");
}

// ---- read receipts: agent messages the visitor has seen (panel open) ----

var lastReadSent = null;

function markRead() {
  if (!state.open || !client || !state.conversationId) return;
  var last = null;
  state.messages.forEach(function (m) { if (!m.mine && !m.pending) last = m; });
  if (!last || last.id === lastReadSent) return;
  state.messages.forEach(function (m) { if (!m.mine) m.seen = true; });
  saveState();
  lastReadSent = last.id;
  client.invoke("message.read", { conversationId: state.conversationId, messageId: last.id })
    .catch(function () { lastReadSent = null; });
}

// ---- typing ----

var agentTypingTimer = null;
function showAgentTyping(on) {
  clearTimeout(agentTypingTimer);
  typingLine.textContent = on ? "Agent is typing…" : "";
  typingLine.classList.toggle("on", !!on);
  // the server expires typing too; this guards against a stop lost with a dropped connection
  if (on) agentTypingTimer = setTimeout(function () { showAgentTyping(false); }, 8000);
}

var typingSentAt = 0, typingStopTimer = null;
function visitorTyping() {
  if (!client || !state.conversationId) return;
  var now = Date.now();
  if (now - typingSentAt > 2000) {
    typingSentAt = now;
    client.invoke("typing.start", { conversationId: state.conversationId }).catch(function () {});
  }
  clearTimeout(typingStopTimer);
  typingStopTimer = setTimeout(stopTyping, 2500);
}
function stopTyping() {
  clearTimeout(typingStopTimer);
  if (!typingSentAt || !client || !state.conversationId) return;
  typingSentAt = 0;
  client.invoke("typing.stop", { conversationId: state.conversationId }).catch(function () {});
}

// ---- connection ----

var client = null, connecting = null;

function setStatus(text) {
  statusBar.hidden = !text;
  statusBar.textContent = text || "";
}

function onEvent(e) {
  var d = e.data || {};
  if (e.event === "message.received" || e.event === "message.updated") {
    if (d.direction === "note") return;
    if (d.conversationId) state.conversationId = d.conversationId;
    var m = e.event === "message.received" ? upsert(fromServer(d)) : findMessage(d.id);
    if (!m && e.event === "message.updated") m = upsert(fromServer(d));
    else if (e.event === "message.updated") upsert({ id: d.id, status: d.status, text: d.text });
    if (!m.mine && e.event === "message.received") showAgentTyping(false);
    saveState();
    render();
    markRead();
  } else if (e.event === "typing.indicator") {
    if (d.userId !== state.visitorId) showAgentTyping(d.isTyping);
  }
}

var RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000], retries = 0, retryTimer = null;

function retryLater() {
  if (retryTimer) return;
  var delay = RETRY_DELAYS[Math.min(retries++, RETRY_DELAYS.length - 1)];
  retryTimer = setTimeout(function () {
    retryTimer = null;
    connect().catch(function () {});
  }, delay);
}

// Back online or back on the tab: try now rather than at the next backoff step.
function retryNow() {
  if (client || connecting || !state.visitorId) return;
  clearTimeout(retryTimer);
  retryTimer = null;
  connect().catch(function () {});
}
window.addEventListener("online", retryNow);
document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") retryNow(); });

function connect() {
  if (client) return Promise.resolve(client);
  if (connecting) return connecting;
  var c;
  // The pre-chat form may have just opened a session: reuse it while it is fresh.
  var fresh = session && session.visitor_id === state.visitorId && Date.parse(session.expires_at) - Date.now() > 60000;
  connecting = (fresh ? Promise.resolve(session) : openSession()).then(function (s) {
    c = new HubClient({
      url: s.hub_url,
      accessTokenFactory: token,
      storage: window.localStorage,
      storageKey: STORE + ":seq:" + s.visitor_id,
      onEvent: onEvent,
      onStateChange: function (st) {
        if (window.console && console.debug) console.debug("[hub-widget] connection " + st);
        setStatus(st === "reconnecting" || st === "closed" ? "Reconnecting…" : "");
        if (st === "connected" || st === "reconnected") retries = 0;
        // SignalR gives up when the server closes the connection (or after its own retries): start over with a
        // new connection, which resumes from the seq kept in localStorage.
        if (st === "closed" && client === c) { client = null; retryLater(); }
      },
      onResync: function () { /* too far behind to replay: what we kept locally stays, new events continue */ },
      onError: function (err) { if (window.console) console.warn("[hub-widget]", err); },
    });
    return c.start();
  }).then(function () {
    client = c;
    connecting = null;
    retries = 0;
    markRead();
    return c;
  }, function (err) {
    connecting = null;
    setStatus(err && err.status === 404 ? "This chat is not available." : "Can't connect. Retrying…");
    if (!(err && err.status === 404)) retryLater();
    throw err;
  });
  return connecting;
}

function send(text) {
  var temp = { id: "tmp-" + Date.now() + "-" + Math.random().toString(36).slice(2), text: text, mine: true, pending: true, status: "sending", at: new Date().toISOString() };
  state.messages.push(temp);
  render();
  stopTyping();
  return connect().then(function (c) {
    return c.invoke("message.send", { conversationId: state.conversationId || null, content: text });
  }).then(function (result) {
    state.conversationId = result.conversationId;
    state.messages = state.messages.filter(function (m) { return m !== temp; });
    var known = findMessage(result.messageId);
    if (!known) { temp.id = result.messageId; temp.pending = false; temp.status = "sent"; state.messages.push(temp); }
    saveState();
    render();
  }, function (err) {
    temp.pending = false;
    temp.status = "failed";
    render();
    if (window.console) console.warn("[hub-widget] send failed", err);
  });
}

// ---- UI wiring ----

function showPrechat() {
  return config.prechat && !state.profileDone && state.messages.length === 0;
}

function layout() {
  var pre = showPrechat();
  prechat.hidden = !pre;
  log.hidden = pre;
  typingLine.hidden = pre;
  compose.hidden = pre;
}

function setOpen(open, focus) {
  state.open = open;
  saveState();
  panel.hidden = !open;
  launcher.setAttribute("aria-expanded", String(open));
  updateBadge();
  if (open) {
    layout();
    render();
    if (!showPrechat()) connect().catch(function () {});
    markRead();
    if (focus !== false) (showPrechat() ? prechat.querySelector("input") : input).focus();
  } else {
    stopTyping();
    if (focus !== false) launcher.focus();
  }
}

launcher.addEventListener("click", function () { setOpen(panel.hidden); });
closeBtn.addEventListener("click", function () { setOpen(false); });
panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

prechat.addEventListener("submit", function (e) {
  e.preventDefault();
  var name = prechat.elements.name.value.trim(), email = prechat.elements.email.value.trim();
  var error = prechat.querySelector(".error");
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    error.textContent = "Please enter a valid email address.";
    prechat.elements.email.setAttribute("aria-invalid", "true");
    prechat.elements.email.focus();
    return;
  }
  error.textContent = "";
  prechat.elements.email.removeAttribute("aria-invalid");
  openSession({ name: name, email: email }).then(function () {
    state.profileDone = true;
    saveState();
    layout();
    render();
    input.focus();
    return connect();
  }).catch(function (err) {
    error.textContent = err.errors && err.errors.email ? "Please enter a valid email address." : "Something went wrong. Please try again.";
  });
});

compose.addEventListener("submit", function (e) {
  e.preventDefault();
  var text = input.value.trim();
  if (!text) return;
  input.value = "";
  send(text);
  input.focus();
});
input.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
});
input.addEventListener("input", function () { if (input.value) visitorTyping(); else stopTyping(); });
input.addEventListener("blur", stopTyping);

function mount() {
  if (!config.key) { if (window.console) console.warn("[hub-widget] data-hub-key is missing"); return; }
  document.body.appendChild(host);
  render();
  if (state.open) setOpen(true, false);
  else if (state.visitorId) connect().catch(function () {}); // a returning visitor: replies show as a badge
}

window.HubWidget = {
  __loaded: true,
  open: function () { setOpen(true); },
  close: function () { setOpen(false); },
  get visitorId() { return state.visitorId; },
};

if (document.body) mount();
else document.addEventListener("DOMContentLoaded", mount);
