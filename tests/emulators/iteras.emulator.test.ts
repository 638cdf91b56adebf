/**
 * The Iteras emulator over real HTTP: auth, every documented parameter, the
 * "only filled-in fields" rule, the 10,000-order cap and determinism.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIterasInvoiceLines, generateIterasData, ITERAS_STATUSES, type IterasOrder } from "../../emulators/iteras/iteras.data.ts";
import {
  ITERAS_DEFAULT_API_KEY,
  type IterasAnswerOrder,
  type IterasEmulator,
  startIterasEmulator,
} from "../../emulators/iteras/iteras.emulator.ts";

interface Answer {
  status: number;
  body: { orders: IterasAnswerOrder[]; error?: string };
}

async function get(emu: IterasEmulator, query = "", headers: Record<string, string> = { "X-Iteras-Key": emu.apiKey }): Promise<Answer> {
  const res = await fetch(`${emu.url}/api/orders/${query ? `?${query}` : ""}`, { headers });
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

async function orders(emu: IterasEmulator, query = ""): Promise<IterasOrder[]> {
  const answer = await get(emu, query);
  expect(answer.status).toBe(200);
  return answer.body.orders as IterasOrder[];
}

/** The store as JSON would carry it, to compare with answers. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const day = (order: IterasOrder): string => order.created.slice(0, 10);
const identity = (order: IterasOrder): string => (order.id !== undefined ? String(order.id) : JSON.stringify(order));

function assertFilledIn(value: unknown, path: string): void {
  expect(value, path).not.toBeNull();
  expect(value, path).not.toBeUndefined();
  expect(value, path).not.toBe("");
  if (Array.isArray(value)) {
    expect(value.length, path).toBeGreaterThan(0);
    value.forEach((item, i) => {
      assertFilledIn(item, `${path}[${i}]`);
    });
  } else if (typeof value === "object" && value !== null) {
    expect(Object.keys(value).length, path).toBeGreaterThan(0);
    for (const [key, item] of Object.entries(value)) assertFilledIn(item, `${path}.${key}`);
  }
}

describe("iteras emulator (size 500, default cap)", () => {
  let emu: IterasEmulator;
  beforeAll(async () => {
    emu = await startIterasEmulator({ host: "127.0.0.1", port: 0, seed: 7, size: 500, account: "demo-publisher" });
  });
  afterAll(async () => {
    await emu.close();
  });

  describe("auth", () => {
    it("accepts the key in the X-Iteras-Key header", async () => {
      expect(emu.apiKey).toBe(ITERAS_DEFAULT_API_KEY);
      const answer = await get(emu);
      expect(answer.status).toBe(200);
      expect(answer.body.orders).toHaveLength(500);
    });

    it("accepts the key as the iteras-key query parameter", async () => {
      const answer = await get(emu, `iteras-key=${ITERAS_DEFAULT_API_KEY}`, {});
      expect(answer.status).toBe(200);
      expect(answer.body.orders).toHaveLength(500);
    });

    it("answers 404 with a JSON error naming the key for a wrong or missing key, as the docs give for bad keys", async () => {
      const wrong = await get(emu, "", { "X-Iteras-Key": "nope" });
      expect(wrong.status).toBe(404);
      expect(wrong.body).toEqual({ error: "Invalid API key." });
      const wrongQuery = await get(emu, "iteras-key=nope", {});
      expect(wrongQuery.status).toBe(404);
      const missing = await get(emu, "", {});
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatch(/missing api key/i);
      expect(missing.body.orders).toBeUndefined();
      // Told apart from an unknown path's 404 only by the message, so it must name the key.
      expect(wrong.body.error).not.toBe("Not found.");
    });

    it("checks the key before the parameters: a bad key with a bad parameter is the key's 404", async () => {
      const answer = await get(emu, "order_id=abc", { "X-Iteras-Key": "nope" });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatch(/api key/i);
    });

    it("prefers the header: a wrong header is refused even with a right query key", async () => {
      const answer = await get(emu, `iteras-key=${ITERAS_DEFAULT_API_KEY}`, { "X-Iteras-Key": "nope" });
      expect(answer.status).toBe(404);
    });

    it("answers errors in Danish with language=da and accepts language=en", async () => {
      const da = await get(emu, "language=da", {});
      expect(da.status).toBe(404);
      expect(da.body.error).toMatch(/API-nøgle/);
      expect((await get(emu, "language=en")).status).toBe(200);
    });

    it("follows a key change on the handle", async () => {
      emu.apiKey = "rotated";
      try {
        expect((await get(emu, "", { "X-Iteras-Key": ITERAS_DEFAULT_API_KEY })).status).toBe(404);
        expect((await get(emu, "", { "X-Iteras-Key": "rotated" })).status).toBe(200);
      } finally {
        emu.apiKey = ITERAS_DEFAULT_API_KEY;
      }
    });
  });

  describe("routing", () => {
    it("also serves the path without the trailing slash", async () => {
      const res = await fetch(`${emu.url}/api/orders?order_id=1`, { headers: { "X-Iteras-Key": emu.apiKey } });
      expect(res.status).toBe(200);
    });

    it("answers 404 for other paths and 405 for other methods", async () => {
      const missing = await fetch(`${emu.url}/api/customers/`, { headers: { "X-Iteras-Key": emu.apiKey } });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: "Not found." });
      const post = await fetch(`${emu.url}/api/orders/`, { method: "POST", headers: { "X-Iteras-Key": emu.apiKey } });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET");
    });
  });

  describe("data", () => {
    it("returns the store, sorted by created then id", async () => {
      const all = await orders(emu);
      expect(all).toEqual(plain(emu.orders));
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1]!;
        const b = all[i]!;
        expect(a.created <= b.created).toBe(true);
        if (a.created === b.created && a.id !== undefined && b.id !== undefined) expect(a.id).toBeLessThan(b.id);
      }
    });

    it("only carries filled-in fields: no null, empty string or empty list anywhere", async () => {
      const all = await orders(emu, "fields=data,invoice_lines");
      all.forEach((order, i) => {
        assertFilledIn(order, `orders[${i}]`);
      });
      const keys = new Set(all.flatMap((o) => Object.keys(o)));
      // Optional fields are sometimes absent, never present with an empty value.
      for (const optional of [
        "customer",
        "payment_agreement",
        "subscriptions",
        "ordering_code",
        "billing_address",
        "password",
        "ip",
        "email",
      ]) {
        expect(keys.has(optional), optional).toBe(true);
        expect(
          all.some((o) => !(optional in o)),
          optional,
        ).toBe(true);
      }
    });

    it("has the documented shapes: created without zone, multi-line addresses, string customer ids", async () => {
      const all = await orders(emu);
      for (const order of all) {
        expect(order.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
        if (order.id !== undefined) expect(typeof order.id).toBe("number");
        if (order.customer !== undefined) expect(order.customer).toMatch(/^\d+$/);
        if (order.address) expect(order.address.address).toContain("\n");
        if (order.password) expect(order.password).toMatch(/^[a-z0-9]{20,}$/);
        if (order.payment_agreement) expect(Object.keys(order.payment_agreement).sort()).toEqual(["id", "text"]);
        for (const id of order.subscriptions ?? []) expect(typeof id).toBe("string");
        expect(order.products.length).toBeGreaterThan(0);
      }
      const products = all.flatMap((o) => o.products);
      const campaign = products.find((p) => "campaign_id" in p);
      expect(campaign).toMatchObject({ campaign_id: expect.any(String), campaign_name: expect.any(String), quantity: expect.any(Number) });
      expect(products.some((p) => "campaign_id" in p && /\(\d{1,3}(\.\d{3})*,\d{2} DKK\)$/.test(p.text))).toBe(true);
      expect(products.some((p) => !("campaign_id" in p) && typeof p.name === "string")).toBe(true);
    });

    it("carries custom ':' fields on orders and on stand-alone products", async () => {
      const all = await orders(emu);
      expect(all.some((o) => typeof o[":Receive newsletter"] === "boolean")).toBe(true);
      expect(all.some((o) => typeof o[":Phone"] === "string" && /^\+\d+ /.test(o[":Phone"]))).toBe(true);
      const standalone = all.flatMap((o) => o.products).filter((p) => !("campaign_id" in p));
      expect(standalone.some((p) => Object.keys(p).some((k) => k.startsWith(":")))).toBe(true);
    });

    it("has every status, and resume_ordering_url exactly on awaitingconfirmation orders", async () => {
      const all = await orders(emu);
      expect(new Set(all.map((o) => o.status))).toEqual(new Set(ITERAS_STATUSES));
      for (const order of all) {
        expect("resume_ordering_url" in order, String(order.id)).toBe(order.status === "awaitingconfirmation");
        if (order.resume_ordering_url) {
          expect(order.resume_ordering_url).toBe(
            `https://app.iteras.dk/demo-publisher/order/${order.ordering_form}/?order=${order.resume_ordering_url.split("=")[1]}`,
          );
        }
      }
    });

    it("serves orders without an id inside the page", async () => {
      const all = await orders(emu);
      const idLess = all.filter((o) => o.id === undefined);
      expect(idLess.length).toBeGreaterThan(0);
      expect(idLess.length).toBeLessThan(10);
      expect(all.indexOf(idLess[0]!)).toBeGreaterThan(0);
    });
  });

  describe("parameters", () => {
    it("fields: data by default, invoice_lines on request, both, and 400 for an unknown field", async () => {
      const byDefault = await orders(emu);
      expect(byDefault.some((o) => "invoice_lines" in o)).toBe(false);
      expect(await orders(emu, "fields=data")).toEqual(byDefault);

      const both = (await get(emu, "fields=data,invoice_lines")).body.orders;
      expect(both).toHaveLength(byDefault.length);
      both.forEach((order, i) => {
        const { invoice_lines, ...data } = order;
        expect(data).toEqual(byDefault[i]);
        expect(invoice_lines).toEqual(plain(buildIterasInvoiceLines(byDefault[i]!)));
      });

      const linesOnly = (await get(emu, "fields=invoice_lines")).body.orders;
      linesOnly.forEach((order, i) => {
        const source = byDefault[i]!;
        expect(Object.keys(order).sort()).toEqual(source.id !== undefined ? ["id", "invoice_lines"] : ["invoice_lines"]);
        expect(order.id).toBe(source.id);
        const lines = order.invoice_lines ?? [];
        expect(lines).toHaveLength(source.products.length);
        source.products.forEach((product, k) => {
          const line = lines[k]!;
          const quantity = "campaign_id" in product ? product.quantity : 1;
          expect(line.quantity).toBe(quantity);
          expect(line.unit_price).toBe(product.price);
          expect(line.amount).toBeCloseTo(product.price * quantity, 2);
          expect(line.vat_amount).toBeCloseTo((line.amount * line.vat_rate) / (100 + line.vat_rate), 2);
        });
      });
      // Computed per request, yet the same every time.
      expect((await get(emu, "fields=invoice_lines")).body.orders).toEqual(linesOnly);

      const bad = await get(emu, "fields=data,notes");
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain("notes");
    });

    it("order_id: one order, none for an unknown id, 400 when not numeric", async () => {
      const target = emu.orders.find((o) => o.id !== undefined && o.status === "denied")!;
      expect(await orders(emu, `order_id=${target.id}`)).toEqual([plain(target)]);
      expect(await orders(emu, "order_id=1")).toEqual([]);
      expect((await get(emu, "order_id=abc")).status).toBe(400);
      expect((await get(emu, "order_id=12.5")).status).toBe(400);
    });

    it("customer: all orders of that customer, 400 when not numeric", async () => {
      const counts = new Map<string, number>();
      for (const o of emu.orders) if (o.customer) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1);
      const [customer, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      expect(count).toBeGreaterThan(1);
      const found = await orders(emu, `customer=${customer}`);
      expect(found).toHaveLength(count);
      expect(found.every((o) => o.customer === customer)).toBe(true);
      expect(await orders(emu, "customer=1")).toEqual([]);
      expect((await get(emu, "customer=cust-452")).status).toBe(400);
    });

    it("campaign (repeated): orders with a campaign product of one of the ids", async () => {
      const wanted = new Set(["3i", "12m"]);
      const expected = emu.orders.filter((o) => o.products.some((p) => "campaign_id" in p && wanted.has(p.campaign_id)));
      const found = await orders(emu, "campaign=3i&campaign=12m");
      expect(found).toEqual(plain(expected));
      const only3i = await orders(emu, "campaign=3i");
      expect(only3i.length).toBeGreaterThan(0);
      expect(only3i.length).toBeLessThan(found.length);
      expect(await orders(emu, "campaign=no-such-campaign")).toEqual([]);
    });

    it("status (repeated): orders in one of the statuses, 400 for an unknown status", async () => {
      const found = await orders(emu, "status=awaitingapproval&status=denied");
      const expected = emu.orders.filter((o) => o.status === "awaitingapproval" || o.status === "denied");
      expect(found).toEqual(plain(expected));
      expect(new Set(found.map((o) => o.status))).toEqual(new Set(["awaitingapproval", "denied"]));
      expect((await orders(emu, "status=approved")).every((o) => o.status === "approved")).toBe(true);
      expect((await get(emu, "status=shipped")).status).toBe(400);
    });

    it("created_after / created_before: inclusive dates on the local date of created", async () => {
      const middle = emu.orders[250]!;
      const d = day(middle);
      const onDay = await orders(emu, `created_after=${d}&created_before=${d}`);
      expect(onDay.length).toBeGreaterThan(0);
      expect(onDay).toEqual(plain(emu.orders.filter((o) => day(o) === d)));

      const after = await orders(emu, `created_after=${d}`);
      expect(after).toEqual(plain(emu.orders.filter((o) => day(o) >= d)));
      const before = await orders(emu, `created_before=${d}`);
      expect(before).toEqual(plain(emu.orders.filter((o) => day(o) <= d)));
      // Both include the day itself, so together they count its orders twice.
      expect(after.length + before.length).toBe(emu.orders.length + onDay.length);

      expect(await orders(emu, "created_after=2030-01-01")).toEqual([]);
      expect(await orders(emu, `created_after=${d}&created_before=2000-01-01`)).toEqual([]);
      for (const bad of ["2024-02-30", "2024-1-01", "yesterday", "2024-01-01T00:00:00"]) {
        const answer = await get(emu, `created_before=${encodeURIComponent(bad)}`);
        expect(answer.status, bad).toBe(400);
        expect(answer.body.error).toContain("created_before");
      }
    });

    it("iframe=1 switches resume_ordering_url to the iframe form", async () => {
      const waiting = await orders(emu, "status=awaitingconfirmation");
      const framed = await orders(emu, "status=awaitingconfirmation&iframe=1");
      const notFramed = await orders(emu, "status=awaitingconfirmation&iframe=0");
      expect(waiting.length).toBeGreaterThan(0);
      expect(notFramed).toEqual(waiting);
      framed.forEach((order, i) => {
        const plainUrl = waiting[i]!.resume_ordering_url!;
        expect(plainUrl).toMatch(/^https:\/\/app\.iteras\.dk\/demo-publisher\/order\/[^/]+\/\?order=[a-z0-9]{16}$/);
        expect(order.resume_ordering_url).toBe(plainUrl.replace("/demo-publisher/order/", "/demo-publisher/iframe/order/"));
        expect({ ...order, resume_ordering_url: plainUrl }).toEqual(waiting[i]);
      });
      // The store itself is never rewritten.
      expect(emu.orders.some((o) => o.resume_ordering_url?.includes("/iframe/"))).toBe(false);
    });

    it("combines filters with AND", async () => {
      const found = await orders(emu, "status=approved&campaign=12m&created_after=2024-01-01");
      const expected = emu.orders.filter(
        (o) => o.status === "approved" && day(o) >= "2024-01-01" && o.products.some((p) => "campaign_id" in p && p.campaign_id === "12m"),
      );
      expect(found.length).toBeGreaterThan(0);
      expect(found).toEqual(plain(expected));
    });
  });
});

describe("iteras emulator cap (cap 50, size 300, burst day)", () => {
  const burstDay = "2024-06-12";
  let emu: IterasEmulator;
  beforeAll(async () => {
    emu = await startIterasEmulator({ host: "127.0.0.1", port: 0, seed: 3, size: 300, cap: 50, burst: { date: burstDay, count: 60 } });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("truncates silently to the first cap orders (oldest first)", async () => {
    expect(emu.cap).toBe(50);
    expect(emu.orders).toHaveLength(360);
    const first = await orders(emu);
    expect(first).toHaveLength(50);
    expect(first).toEqual(plain(emu.orders.slice(0, 50)));
  });

  it("returns the rest by narrowing the date window with created_after", async () => {
    const seen = new Map<string, IterasOrder>();
    let from: string | undefined;
    let calls = 0;
    for (;;) {
      const page = await orders(emu, from ? `created_after=${from}` : "");
      calls++;
      for (const o of page) seen.set(identity(o), o);
      if (page.length < emu.cap) break;
      const lastDay = day(page[page.length - 1]!);
      // The burst day alone exceeds the cap: step past it and fetch it by status instead.
      from = lastDay === from ? nextDay(lastDay) : lastDay;
      expect(calls).toBeLessThan(100);
    }
    for (const status of ITERAS_STATUSES) {
      for (const o of await orders(emu, `created_after=${burstDay}&created_before=${burstDay}&status=${status}`)) seen.set(identity(o), o);
    }
    expect(seen.size).toBe(emu.orders.length);
  });

  it("caps a single day that has more orders than the cap", async () => {
    const onDay = emu.orders.filter((o) => day(o) === burstDay);
    expect(onDay.length).toBeGreaterThanOrEqual(60);
    const answer = await orders(emu, `created_after=${burstDay}&created_before=${burstDay}`);
    expect(answer).toHaveLength(50);
    expect(answer).toEqual(plain(onDay.slice(0, 50)));
  });

  it("follows a cap change and a pushed order on the handle", async () => {
    emu.cap = 1000;
    const extra: IterasOrder = {
      id: 1,
      created: "2020-01-01T10:00:00",
      products: [{ name: "Annual index", text: "Annual index (25,00 DKK)", price: 25 }],
      status: "denied",
    };
    emu.orders.push(extra);
    try {
      const all = await orders(emu);
      expect(all).toHaveLength(361);
      // Sorted at request time, so the pushed (oldest) order comes first.
      expect(all[0]).toEqual(extra);
    } finally {
      emu.orders.pop();
      emu.cap = 50;
    }
  });
});

describe("iteras emulator at the documented cap (size 12,000)", () => {
  let emu: IterasEmulator;
  beforeAll(async () => {
    emu = await startIterasEmulator({ host: "127.0.0.1", port: 0, seed: 11, size: 12_000 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("answers at most 10,000 orders, and created_after from the last day returns the rest", async () => {
    expect(emu.cap).toBe(10_000);
    const first = await orders(emu);
    expect(first).toHaveLength(10_000);
    const lastDay = day(first[first.length - 1]!);
    const rest = await orders(emu, `created_after=${lastDay}`);
    expect(rest.length).toBeLessThan(10_000);
    const seen = new Set([...first, ...rest].map(identity));
    expect(seen.size).toBe(12_000);
  });
});

describe("iteras data generator", () => {
  it("is deterministic per seed", () => {
    expect(generateIterasData({ seed: 5, size: 300 })).toEqual(generateIterasData({ seed: 5, size: 300 }));
    expect(generateIterasData({ seed: 6, size: 300 })).not.toEqual(generateIterasData({ seed: 5, size: 300 }));
    expect(generateIterasData().orders).toHaveLength(500);
  });

  it("spreads orders over the three years before DATA_EPOCH and avoids the DST hour", () => {
    const { orders: all } = generateIterasData({ seed: 2, size: 2000 });
    expect(all[0]!.created < "2022-12-01").toBe(true);
    expect(all[all.length - 1]!.created > "2025-09-01").toBe(true);
    expect(all[all.length - 1]!.created <= "2025-10-31T12:00:00").toBe(true);
    expect(all.some((o) => o.created.slice(11, 13) === "02")).toBe(false);
  });

  it("adds burst orders on the burst day and rejects a bad burst date", () => {
    const base = generateIterasData({ seed: 4, size: 200 }).orders.filter((o) => o.created.startsWith("2023-03-03")).length;
    const burst = generateIterasData({ seed: 4, size: 200, burst: { date: "2023-03-03", count: 120 } }).orders;
    expect(burst).toHaveLength(320);
    // Base timestamps are drawn before the burst ones, so the base orders keep their days.
    expect(burst.filter((o) => o.created.startsWith("2023-03-03")).length).toBe(120 + base);
    expect(() => generateIterasData({ burst: { date: "2023-02-29", count: 1 } })).toThrow(/burst.date/);
  });

  it("generates a set of 15,000 orders, no two with the same id", () => {
    // How fast is the benchmark's concern (its Iteras set is larger), not a unit test's.
    const orders = generateIterasData({ seed: 9, size: 15_000 }).orders;
    expect(orders).toHaveLength(15_000);
    // A few orders have no id on purpose (see the generator).
    const ids = orders.flatMap((o) => (o.id === undefined ? [] : [o.id]));
    expect(ids.length).toBeGreaterThan(14_000);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function nextDay(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}
