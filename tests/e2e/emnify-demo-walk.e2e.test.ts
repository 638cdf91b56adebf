/**
 * The demo serves walks: a newcomer who pages through the demo's orders with
 * small pages gets every page whole. emnify's real budget (100 calls per
 * 5 minutes, ordergraph's default for an emnify entry) would end such a walk
 * after a few pages with PROVIDER_RATE_LIMITED; the demo raises it for its
 * own emulator, says so at start, and a provider entry of one's own keeps the
 * faithful default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDemo, startDemo } from "../../src/demo/demo.ts";
import { budgetWindows, shareOfCalls } from "../../src/providers/core/provider-budget.ts";
import { EMNIFY_RATE_BUDGET, emnifyConfigSchema } from "../../src/providers/emnify/emnify.config.ts";

const KEY = "demo-walk-test-key-0123456789";
let demo: RunningDemo;
const progress: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, key: KEY, onProgress: (line) => progress.push(line) });
}, 60_000);

afterAll(async () => {
  await demo?.close();
});

interface Page {
  data?: {
    orders: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function page(after: string | null): Promise<Page> {
  const response = await fetch(`${demo.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      query: `query($after: String) { orders(first: 5, after: $after, providers: ["sims-emnify"]) {
        edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      variables: { after },
    }),
  });
  return (await response.json()) as Page;
}

describe("the demo", () => {
  it("says at start which rate budgets it raised", () => {
    const line = progress.find((l) => l.startsWith("rate budgets raised for the demo"));
    expect(line).toContain("sims-emnify 100000 calls per 300 s");
    expect(line).toContain("emnify's 100 calls per 5 minutes");
  });

  it("lets a client page through every emnify order five at a time, far past emnify's own budget", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 500; pages++) {
      const answer = await page(after);
      expect(answer.errors, `page ${pages + 1}`).toBeUndefined();
      const orders = answer.data?.orders;
      ids.push(...(orders?.edges.map((e) => e.node.id) ?? []));
      if (!orders?.pageInfo.hasNextPage) break;
      after = orders.pageInfo.endCursor;
    }
    // The demo's emnify emulator holds 300 orders: 60 pages, each at least one emnify call, within a second or so.
    expect(ids.length).toBe(300);
    expect(new Set(ids).size).toBe(300);
    // Under emnify's own budget a client may make this many calls in a window (its default half of one).
    const faithful = shareOfCalls(budgetWindows(EMNIFY_RATE_BUDGET).calls, 0.5);
    const calls = demo.emulators.find((e) => e.kind === "emnify")?.server.requests.length ?? 0;
    expect(calls).toBeGreaterThan(3 * faithful);
  });

  it("keeps emnify's own budget for an emnify entry that does not set one", () => {
    const emnify = demo.emulators.find((e) => e.kind === "emnify");
    const { resilience: _demoBudget, ...entry } = emnify?.entry ?? {};
    expect(emnifyConfigSchema.parse(entry).resilience.rateLimit).toEqual(EMNIFY_RATE_BUDGET);
  });
});
