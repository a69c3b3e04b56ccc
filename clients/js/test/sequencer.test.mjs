// Unit tests of the ordering and dedup logic (no server): StreamSequencer and hubErrorCode.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StreamSequencer, hubErrorCode } from "../hub-client.mjs";

const ev = (stream, seq) => ({ event: "message.received", stream, seq, data: { n: seq } });

function sequencer(initial = {}) {
  const delivered = [];
  const advanced = [];
  const s = new StreamSequencer({
    deliver: (e) => delivered.push(`${e.stream}#${e.seq}`),
    initialSeq: (stream) => initial[stream] ?? 0,
    onAdvance: (stream, last) => advanced.push(`${stream}@${last}`),
  });
  return { s, delivered, advanced };
}

describe("StreamSequencer", () => {
  test("delivers in order and drops what it already has", () => {
    const { s, delivered } = sequencer();
    assert.equal(s.accept(ev("a", 1)), "delivered");
    assert.equal(s.accept(ev("a", 2)), "delivered");
    assert.equal(s.accept(ev("a", 2)), "duplicate");
    assert.equal(s.accept(ev("a", 1)), "duplicate");
    assert.deepEqual(delivered, ["a#1", "a#2"]);
    assert.equal(s.lastSeq("a"), 2);
  });

  test("holds early events until the gap fills, then releases them in order, each once", () => {
    const { s, delivered, advanced } = sequencer();
    s.accept(ev("a", 1));
    assert.equal(s.accept(ev("a", 4)), "held");
    assert.equal(s.accept(ev("a", 3)), "held");
    assert.equal(s.accept(ev("a", 4)), "duplicate", "a held event is not held twice");
    assert.ok(s.hasGap());
    assert.deepEqual(delivered, ["a#1"]);
    assert.equal(s.accept(ev("a", 2)), "delivered");
    assert.deepEqual(delivered, ["a#1", "a#2", "a#3", "a#4"]);
    assert.ok(!s.hasGap());
    assert.deepEqual(advanced, ["a@1", "a@4"]);
  });

  test("keeps streams apart", () => {
    const { s, delivered } = sequencer();
    s.accept(ev("a", 1));
    s.accept(ev("b", 2));
    s.accept(ev("b", 1));
    s.accept(ev("a", 2));
    assert.deepEqual(delivered, ["a#1", "b#1", "b#2", "a#2"]);
    assert.deepEqual(s.snapshot(), { a: 2, b: 2 });
  });

  test("starts a stream after the seq the client already has", () => {
    const { s, delivered } = sequencer({ a: 10 });
    assert.equal(s.accept(ev("a", 9)), "duplicate");
    assert.equal(s.accept(ev("a", 10)), "duplicate");
    assert.equal(s.accept(ev("a", 12)), "held");
    assert.equal(s.accept(ev("a", 11)), "delivered");
    assert.deepEqual(delivered, ["a#11", "a#12"]);
  });

  test("skipTo (after a resync) jumps ahead, drops what it passed and releases what follows", () => {
    const { s, delivered } = sequencer();
    s.accept(ev("a", 1));
    s.accept(ev("a", 5));
    s.accept(ev("a", 8));
    s.accept(ev("a", 9));
    s.skipTo("a", 7);
    assert.deepEqual(delivered, ["a#1", "a#8", "a#9"]);
    assert.equal(s.lastSeq("a"), 9);
    s.skipTo("a", 3); // never backwards
    assert.equal(s.lastSeq("a"), 9);
    assert.equal(s.accept(ev("a", 5)), "duplicate");
  });

  test("reset (the server's stream started over) moves back and drops what was held", () => {
    const { s, delivered } = sequencer();
    s.accept(ev("a", 1));
    s.accept(ev("a", 2));
    s.accept(ev("a", 5));
    s.reset("a", 0);
    assert.equal(s.lastSeq("a"), 0);
    assert.ok(!s.hasGap());
    assert.equal(s.accept(ev("a", 1)), "delivered");
    assert.deepEqual(delivered, ["a#1", "a#2", "a#1"]);
  });

  test("refuses events without a stream or a positive integer seq", () => {
    const { s } = sequencer();
    assert.throws(() => s.accept({ event: "x", seq: 1 }), TypeError);
    assert.throws(() => s.accept({ event: "x", stream: "a", seq: 0 }), TypeError);
    assert.throws(() => s.accept({ event: "x", stream: "a", seq: 1.5 }), TypeError);
  });
});

test("hubErrorCode reads the code Hub puts in a hub error", () => {
  assert.equal(hubErrorCode(new Error("An unexpected error occurred invoking 'message.send' on the server. HubException: not_found: No such conversation.")), "not_found");
  assert.equal(hubErrorCode(new Error("HubException: rate_limited: too many message.send calls")), "rate_limited");
  assert.equal(hubErrorCode(new Error("WebSocket closed")), null);
});
