/** A request's call context: its deadline, as a signal made when a call first asks for it. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { abortedByDeadline } from "../../src/providers/core/upstream-policy.ts";
import { RequestCall } from "../../src/server/request-call.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("RequestCall", () => {
  it("knows its deadline and id", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const call = new RequestCall("req-1", 15_000);
    expect(call.deadlineAt).toBe(1_015_000);
    expect(call.requestId).toBe("req-1");
    expect(call.meter.toJSON()).toEqual({ calls: 0, cached: 0, providers: {} });
  });

  it("aborts its signal with a TimeoutError when the deadline passes", () => {
    vi.useFakeTimers();
    const call = new RequestCall("req-2", 500);
    vi.advanceTimersByTime(200);
    const signal = call.signal;
    expect(call.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(299);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe("TimeoutError");
    expect(abortedByDeadline(signal)).toBe(true);
  });

  it("answers an aborted signal when first asked after the deadline", () => {
    vi.useFakeTimers();
    const call = new RequestCall("req-3", 100);
    vi.advanceTimersByTime(150);
    expect(abortedByDeadline(call.signal)).toBe(true);
  });

  it("stops the deadline once the answer has gone out", () => {
    vi.useFakeTimers();
    const call = new RequestCall("req-4", 100);
    const signal = call.signal;
    call.finish();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(signal.aborted).toBe(false);
  });

  it("sets no timer for a request that never asks for its signal", () => {
    vi.useFakeTimers();
    const call = new RequestCall("req-5", 100);
    expect(vi.getTimerCount()).toBe(0);
    call.finish();
    expect(vi.getTimerCount()).toBe(0);
  });
});
