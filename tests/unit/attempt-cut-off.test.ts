/**
 * One upstream call's cut-off: its own timeout and the request's signal end
 * it, and once released it leaves nothing behind (no timer, no listener).
 */
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AttemptCutOff } from "../../src/providers/core/attempt-cut-off.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("AttemptCutOff", () => {
  it("aborts with a TimeoutError when its timeout passes, and says it timed out", () => {
    const cutOff = new AttemptCutOff(100, undefined);
    vi.advanceTimersByTime(99);
    expect(cutOff.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(cutOff.signal.aborted).toBe(true);
    expect((cutOff.signal.reason as Error).name).toBe("TimeoutError");
    expect(cutOff.timedOut).toBe(true);
  });

  it("aborts with the request's reason when the request's signal aborts, without calling it a timeout", () => {
    const request = new AbortController();
    const cutOff = new AttemptCutOff(100, request.signal);
    const reason = new Error("client went away");
    request.abort(reason);
    expect(cutOff.signal.aborted).toBe(true);
    expect(cutOff.signal.reason).toBe(reason);
    expect(cutOff.timedOut).toBe(false);
  });

  it("starts aborted when the request's signal already is", () => {
    const request = new AbortController();
    request.abort(new Error("gone"));
    const cutOff = new AttemptCutOff(100, request.signal);
    expect(cutOff.signal.aborted).toBe(true);
    expect(getEventListeners(request.signal, "abort")).toHaveLength(0);
  });

  it("once released, keeps no timer and no listener on the request's signal, and neither ends it any more", () => {
    const request = new AbortController();
    const cutOff = new AttemptCutOff(100, request.signal);
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(request.signal, "abort")).toHaveLength(1);
    cutOff.release();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(request.signal, "abort")).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    request.abort(new Error("late"));
    expect(cutOff.signal.aborted).toBe(false);
    expect(cutOff.timedOut).toBe(false);
  });
});
