/**
 * The emnify emulator over real HTTP: authentication, bearer checks, every
 * `q` field and operator, sorting, paging headers, single orders, the rate
 * limit and the determinism of the seed data. Expected results are computed
 * here from the store with independent code, not with the emulator's own
 * filter and sort functions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMNIFY_STATUS, type EmnifyOrder, generateEmnifyData } from "../../emulators/emnify/emnify.data.ts";
import {
  EMNIFY_DEFAULT_CREDENTIALS,
  EMNIFY_DOCUMENTED_RATE_LIMIT,
  type EmnifyEmulator,
  parseEmnifyQuery,
  startEmnifyEmulator,
} from "../../emulators/emnify/emnify.emulator.ts";

const ORDER_PATH = "/api/v1/shop/order";

function authenticate(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function appLogin(base: string): Promise<string> {
  const res = await authenticate(base, { application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken });
  expect(res.status).toBe(200);
  return ((await res.json()) as { auth_token: string }).auth_token;
}

function decodeJwtPayload(token: string): Record<string, unknown> {
  const parts = token.split(".");
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

interface ListAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GET with a raw query string, so tests control the exact encoding. */
async function getRaw(base: string, token: string | null, pathAndQuery: string, headers: Record<string, string> = {}): Promise<ListAnswer> {
  const res = await fetch(`${base}${pathAndQuery}`, {
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? "" : JSON.parse(text) };
}

function list(base: string, token: string, params: Record<string, string>): Promise<ListAnswer> {
  return getRaw(base, token, `${ORDER_PATH}?${new URLSearchParams(params).toString()}`);
}

const idsOf = (body: unknown) => (body as EmnifyOrder[]).map((order) => order.id);
const submitMs = (order: EmnifyOrder) => (order.submit_date === null ? null : Date.parse(order.submit_date));
const DAY = 86_400_000;

function expectErrorBody(answer: ListAnswer, status: number, code: number, token: string): void {
  expect(answer.status).toBe(status);
  const body = answer.body as Record<string, unknown>;
  expect(body).toEqual({ error_code: code, error_token: token, message: expect.any(String) });
  expect((body["message"] as string).length).toBeGreaterThan(0);
}

/** Independent reference sort: values compared with nulls smallest, then id ascending. */
function referenceSort(orders: readonly EmnifyOrder[], keys: Array<[keyof typeof SORT_VALUES, boolean]>): EmnifyOrder[] {
  return [...orders].sort((a, b) => {
    for (const [field, desc] of [...keys, ["id", false] as [keyof typeof SORT_VALUES, boolean]]) {
      const va = SORT_VALUES[field](a);
      const vb = SORT_VALUES[field](b);
      if (va === vb) continue;
      const asc = va === null ? -1 : vb === null ? 1 : va < vb ? -1 : 1;
      return desc ? -asc : asc;
    }
    return 0;
  });
}
const SORT_VALUES = {
  id: (order: EmnifyOrder) => order.id,
  submit_date: (order: EmnifyOrder) => submitMs(order),
  total_amount: (order: EmnifyOrder) => order.total,
};

describe("emnify emulator", () => {
  let emu: EmnifyEmulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmnifyEmulator({ host: "127.0.0.1", port: 0 });
    token = await appLogin(emu.url);
  });
  afterAll(async () => {
    await emu.close();
  });

  /** Ids the emulator returns for a `q`, in id order, over one big page. */
  async function filteredIds(q: string): Promise<number[]> {
    const answer = await list(emu.url, token, { q, sort: "id", per_page: "1000" });
    expect(answer.status, `q=${q}: ${JSON.stringify(answer.body)}`).toBe(200);
    expect(answer.headers.get("x-count")).toBe(String((answer.body as unknown[]).length));
    return idsOf(answer.body);
  }
  const storeIds = (predicate: (order: EmnifyOrder) => boolean) => emu.orders.filter(predicate).map((order) => order.id);

  describe("POST /api/v1/authenticate", () => {
    it("accepts an application token and answers a JWT-looking auth_token only", async () => {
      const before = emu.authCount;
      const res = await authenticate(emu.url, { application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(["auth_token"]);
      const payload = decodeJwtPayload(body["auth_token"] as string);
      expect(payload["exp"]).toEqual(expect.any(Number));
      expect(payload["exp"] as number).toBeGreaterThan(Date.now() / 1000);
      expect(emu.authCount).toBe(before + 1);
    });

    it("accepts username and password (plain or SHA-1) and then also answers a refresh_token", async () => {
      const res = await authenticate(emu.url, {
        username: EMNIFY_DEFAULT_CREDENTIALS.username,
        password: EMNIFY_DEFAULT_CREDENTIALS.password,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, string>;
      expect(body["auth_token"]?.split(".")).toHaveLength(3);
      expect(body["refresh_token"]?.split(".")).toHaveLength(3);

      const { createHash } = await import("node:crypto");
      const sha1 = createHash("sha1").update(EMNIFY_DEFAULT_CREDENTIALS.password).digest("hex");
      const hashed = await authenticate(emu.url, { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: sha1 });
      expect(hashed.status).toBe(200);
    });

    it("exchanges a refresh_token for a new, working auth_token (and no new refresh token)", async () => {
      const login = (await (
        await authenticate(emu.url, { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password })
      ).json()) as Record<string, string>;
      const res = await authenticate(emu.url, { refresh_token: login["refresh_token"] });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, string>;
      expect(Object.keys(body)).toEqual(["auth_token"]);
      const answer = await list(emu.url, body["auth_token"] ?? "", { per_page: "1" });
      expect(answer.status).toBe(200);
    });

    it("answers 400 with an error body for a malformed body", async () => {
      const bodies: unknown[] = [
        "not json",
        "",
        "[]",
        "42",
        {},
        { application_token: 5 },
        { application_token: "" },
        { username: EMNIFY_DEFAULT_CREDENTIALS.username },
        { password: "x" },
        { refresh_token: ["x"] },
        { application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken, username: "a", password: "b" },
      ];
      for (const body of bodies) {
        const res = await authenticate(emu.url, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        const json = (await res.json()) as Record<string, unknown>;
        expect(json).toEqual({ error_code: expect.any(Number), error_token: expect.any(String), message: expect.any(String) });
      }
    });

    it("answers 401 with an empty body for wrong credentials, and does not count them", async () => {
      const before = emu.authCount;
      const wrong: unknown[] = [
        { application_token: "nope" },
        { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: "wrong" },
        { username: "someone@example.com", password: EMNIFY_DEFAULT_CREDENTIALS.password },
        { refresh_token: "eyJ.unknown.token" },
        { refresh_token: token },
      ];
      for (const body of wrong) {
        const res = await authenticate(emu.url, body);
        expect(res.status, JSON.stringify(body)).toBe(401);
        expect(await res.text()).toBe("");
        expect(res.headers.get("content-length")).toBe("0");
      }
      expect(emu.authCount).toBe(before);
    });

    it("only accepts POST, with or without a trailing slash", async () => {
      const res = await fetch(`${emu.url}/api/v1/authenticate`);
      expect(res.status).toBe(405);
      const withSlash = await fetch(`${emu.url}/api/v1/authenticate/`, {
        method: "POST",
        body: JSON.stringify({ application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken }),
      });
      expect(withSlash.status).toBe(200);
    });

    it("uses the configured credentials instead of the defaults", async () => {
      const custom = await startEmnifyEmulator({ applicationToken: "other-token", username: "u@example.com", password: "pw", size: 5 });
      try {
        expect(custom.credentials).toEqual({ applicationToken: "other-token", username: "u@example.com", password: "pw" });
        expect((await authenticate(custom.url, { application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken })).status).toBe(401);
        expect((await authenticate(custom.url, { application_token: "other-token" })).status).toBe(200);
        expect((await authenticate(custom.url, { username: "u@example.com", password: "pw" })).status).toBe(200);
        expect(custom.authCount).toBe(2);
      } finally {
        await custom.close();
      }
    });
  });

  describe("bearer token", () => {
    it("is required on every other call, with an error body", async () => {
      expectErrorBody(await getRaw(emu.url, null, ORDER_PATH), 401, 1102, "InvalidToken");
      expectErrorBody(await getRaw(emu.url, "made-up", ORDER_PATH), 401, 1102, "InvalidToken");
      expectErrorBody(await getRaw(emu.url, null, `${ORDER_PATH}/1001`), 401, 1102, "InvalidToken");
      expectErrorBody(await getRaw(emu.url, null, ORDER_PATH, { authorization: `Basic ${token}` }), 401, 1102, "InvalidToken");
      const unknownPath = await getRaw(emu.url, null, "/api/v1/sim");
      expect(unknownPath.status).toBe(401);
    });

    it("does not accept a refresh token as bearer", async () => {
      const login = (await (
        await authenticate(emu.url, { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password })
      ).json()) as Record<string, string>;
      expectErrorBody(await getRaw(emu.url, login["refresh_token"] ?? "", ORDER_PATH), 401, 1102, "InvalidToken");
    });

    it("expires after tokenTtlMs", async () => {
      const short = await startEmnifyEmulator({ tokenTtlMs: 150, size: 10 });
      try {
        const shortToken = await appLogin(short.url);
        expect((await getRaw(short.url, shortToken, ORDER_PATH)).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 250));
        expectErrorBody(await getRaw(short.url, shortToken, ORDER_PATH), 401, 1103, "TokenExpired");
        // Logging in again is the documented way out.
        expect((await getRaw(short.url, await appLogin(short.url), ORDER_PATH)).status).toBe(200);
      } finally {
        await short.close();
      }
    });

    it("follows the injected clock, and the refresh token outlives the auth token", async () => {
      let now = Date.UTC(2025, 0, 1);
      const clocked = await startEmnifyEmulator({ clock: () => now, tokenTtlMs: 60_000, refreshTokenTtlMs: 600_000, size: 10 });
      try {
        const login = (await (
          await authenticate(clocked.url, { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password })
        ).json()) as Record<string, string>;
        const auth = login["auth_token"] ?? "";
        expect(decodeJwtPayload(auth)["exp"]).toBe((now + 60_000) / 1000);
        now += 59_999;
        expect((await getRaw(clocked.url, auth, ORDER_PATH)).status).toBe(200);
        now += 1;
        expectErrorBody(await getRaw(clocked.url, auth, ORDER_PATH), 401, 1103, "TokenExpired");
        const refreshed = await authenticate(clocked.url, { refresh_token: login["refresh_token"] });
        expect(refreshed.status).toBe(200);
        now += 600_000;
        expect((await authenticate(clocked.url, { refresh_token: login["refresh_token"] })).status).toBe(401);
      } finally {
        await clocked.close();
      }
    });

    it("expireTokens() expires auth tokens now; refresh tokens only when asked", async () => {
      const other = await startEmnifyEmulator({ size: 10 });
      try {
        const login = (await (
          await authenticate(other.url, { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password })
        ).json()) as Record<string, string>;
        const app = await appLogin(other.url);
        other.expireTokens();
        expectErrorBody(await getRaw(other.url, app, ORDER_PATH), 401, 1103, "TokenExpired");
        expectErrorBody(await getRaw(other.url, login["auth_token"] ?? "", ORDER_PATH), 401, 1103, "TokenExpired");
        expect((await authenticate(other.url, { refresh_token: login["refresh_token"] })).status).toBe(200);
        other.expireTokens({ refreshTokens: true });
        expect((await authenticate(other.url, { refresh_token: login["refresh_token"] })).status).toBe(401);
        expect(other.authCount).toBe(3);
      } finally {
        await other.close();
      }
    });
  });

  describe("q filter", () => {
    it("filters id with every operator", async () => {
      const pivot = emu.orders[40]?.id ?? 0;
      expect(await filteredIds(`id:${pivot}`)).toEqual([pivot]);
      expect(await filteredIds(`id!:${pivot}`)).toEqual(storeIds((o) => o.id !== pivot));
      expect(await filteredIds(`id>${pivot}`)).toEqual(storeIds((o) => o.id > pivot));
      expect(await filteredIds(`id>=${pivot}`)).toEqual(storeIds((o) => o.id >= pivot));
      expect(await filteredIds(`id<${pivot}`)).toEqual(storeIds((o) => o.id < pivot));
      expect(await filteredIds(`id<=${pivot}`)).toEqual(storeIds((o) => o.id <= pivot));
      expect(await filteredIds("id:1")).toEqual([]);
    });

    it("filters id with ^~ (like): a substring, % any run, _ one character", async () => {
      const substring = await filteredIds("id^~12");
      expect(substring).toEqual(storeIds((o) => String(o.id).includes("12")));
      expect(substring.length).toBeGreaterThan(1);
      expect(await filteredIds("id^~1%9")).toEqual(storeIds((o) => /1.*9/.test(String(o.id))));
      expect(await filteredIds("id^~1_0")).toEqual(storeIds((o) => /1.0/.test(String(o.id))));
    });

    it("filters submit_date by day with every operator; null dates never match", async () => {
      const tied = emu.orders.find(
        (o) => o.submit_date !== null && emu.orders.filter((p) => p.submit_date?.slice(0, 10) === o.submit_date?.slice(0, 10)).length > 1,
      );
      const day = tied?.submit_date?.slice(0, 10) ?? "";
      const start = Date.parse(`${day}T00:00:00Z`);
      const has = (o: EmnifyOrder, test: (t: number) => boolean) => {
        const t = submitMs(o);
        return t !== null && test(t);
      };
      const sameDay = await filteredIds(`submit_date:${day}`);
      expect(sameDay.length).toBeGreaterThan(1);
      expect(sameDay).toEqual(storeIds((o) => o.submit_date?.startsWith(day) === true));
      expect(await filteredIds(`submit_date>${day}`)).toEqual(storeIds((o) => has(o, (t) => t >= start + DAY)));
      expect(await filteredIds(`submit_date>=${day}`)).toEqual(storeIds((o) => has(o, (t) => t >= start)));
      expect(await filteredIds(`submit_date<${day}`)).toEqual(storeIds((o) => has(o, (t) => t < start)));
      expect(await filteredIds(`submit_date<=${day}`)).toEqual(storeIds((o) => has(o, (t) => t < start + DAY)));
      const all = await filteredIds("submit_date>1970-01-01");
      expect(all).toEqual(storeIds((o) => o.submit_date !== null));
      expect(all.length).toBeLessThan(emu.orders.length);
    });

    it("filters submit_date by instant, with time zones, matching every order of a tie", async () => {
      const instants = emu.orders.map((o) => o.submit_date).filter((d): d is string => d !== null);
      const tie = instants.find((d, i) => instants.indexOf(d) !== i) ?? "";
      const t = Date.parse(tie);
      const exact = await filteredIds(`submit_date:${tie}`);
      expect(exact.length).toBeGreaterThan(1);
      expect(exact).toEqual(storeIds((o) => o.submit_date === tie));
      expect(await filteredIds(`submit_date>${tie}`)).toEqual(storeIds((o) => (submitMs(o) ?? -1) > t));
      expect(await filteredIds(`submit_date<=${tie}`)).toEqual(storeIds((o) => submitMs(o) !== null && (submitMs(o) ?? 0) <= t));
      // The same instant written in +02:00; the `+` must be percent-encoded.
      const shifted = new Date(t + 2 * 3600_000).toISOString().slice(0, 19);
      const answer = await getRaw(emu.url, token, `${ORDER_PATH}?sort=id&q=submit_date:${shifted}%2B02:00`);
      expect(idsOf(answer.body)).toEqual(exact);
      expect(await filteredIds(`submit_date:${tie.slice(0, 19)}`)).toEqual(exact);
      // Unencoded, `+` decodes to a space and the value is no date-time any more.
      const unencoded = await getRaw(emu.url, token, `${ORDER_PATH}?q=submit_date:${shifted}+02:00`);
      expectErrorBody(unencoded, 400, 1301, "InvalidQueryCriteria");
    });

    it("filters status with every operator", async () => {
      const s = (o: EmnifyOrder) => o.status?.id ?? -1;
      for (const value of [0, 1, 2, 3, 4]) {
        const ids = await filteredIds(`status:${value}`);
        expect(ids.length).toBeGreaterThan(0);
        expect(ids).toEqual(storeIds((o) => s(o) === value));
      }
      expect(await filteredIds("status!:3")).toEqual(storeIds((o) => s(o) !== 3));
      expect(await filteredIds("status>2")).toEqual(storeIds((o) => s(o) > 2));
      expect(await filteredIds("status>=2")).toEqual(storeIds((o) => s(o) >= 2));
      expect(await filteredIds("status<2")).toEqual(storeIds((o) => s(o) < 2));
      expect(await filteredIds("status<=2")).toEqual(storeIds((o) => s(o) <= 2));
    });

    it("filters paid with : and !:", async () => {
      const paid = await filteredIds("paid:1");
      expect(paid).toEqual(storeIds((o) => o.paid === true));
      expect(await filteredIds("paid:0")).toEqual(storeIds((o) => o.paid === false));
      expect(await filteredIds("paid!:1")).toEqual(storeIds((o) => o.paid === false));
      expect(await filteredIds("paid!:0")).toEqual(paid);
    });

    it("ANDs several terms, the same field twice, and repeated q parameters", async () => {
      const pivot = emu.orders[150]?.id ?? 0;
      expect(await filteredIds(`status>=2,paid:1,id<${pivot}`)).toEqual(
        storeIds((o) => (o.status?.id ?? -1) >= 2 && o.paid === true && o.id < pivot),
      );
      const from = "2024-06-01";
      const to = "2024-09-30";
      const range = await filteredIds(`submit_date>=${from},submit_date<=${to}`);
      expect(range.length).toBeGreaterThan(0);
      expect(range).toEqual(
        storeIds((o) => {
          const t = submitMs(o);
          return t !== null && t >= Date.parse(`${from}T00:00:00Z`) && t < Date.parse(`${to}T00:00:00Z`) + DAY;
        }),
      );
      expect(await filteredIds("status:1,status:2")).toEqual([]);
      const repeated = await getRaw(emu.url, token, `${ORDER_PATH}?q=status:3&q=paid:0&sort=id`);
      expect(idsOf(repeated.body)).toEqual(storeIds((o) => o.status?.id === 3 && o.paid === false));
      expect(await filteredIds(" status:3 , paid:0 ")).toEqual(idsOf(repeated.body));
      expect(await filteredIds("")).toEqual(storeIds(() => true));
    });

    it("parses operators longest first", () => {
      const parsed = parseEmnifyQuery("id>=5,id<=6,id!:7,id^~8,id:9,id>1,id<2");
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.value.map((term) => [term.field, term.operator, term.value])).toEqual([
        ["id", ">=", "5"],
        ["id", "<=", "6"],
        ["id", "!:", "7"],
        ["id", "^~", "8"],
        ["id", ":", "9"],
        ["id", ">", "1"],
        ["id", "<", "2"],
      ]);
    });

    it("answers 400 with the error body for a bad q", async () => {
      const bad = [
        "foo:1",
        "ID:5",
        "total:5",
        "total_amount>5",
        "paid>0",
        "paid^~1",
        "status^~1",
        "submit_date!:2024-01-01",
        "submit_date^~2024",
        "status:5",
        "status:-1",
        "status:SHIPPED",
        "paid:true",
        "paid:2",
        "id:abc",
        "id:-5",
        "id:1.5",
        "id^~1a",
        "id=5",
        "id",
        "id:",
        ":5",
        "submit_date:2024-02-30",
        "submit_date:2024-13-01",
        "submit_date:yesterday",
        "submit_date:2024-01-01T25:00:00Z",
        "submit_date:01.02.2024",
        "status:1,",
        ",status:1",
        "status:1,,paid:1",
        // No escaping exists: the comma splits the value and "5" is no term.
        "submit_date:2024-01-01,5",
      ];
      for (const q of bad) {
        const answer = await list(emu.url, token, { q });
        expect(answer.status, q).toBe(400);
        expectErrorBody(answer, 400, 1301, "InvalidQueryCriteria");
      }
    });
  });

  describe("sort", () => {
    async function sortedIds(sort: string | null, raw = false): Promise<number[]> {
      const query = sort === null ? "per_page=1000" : raw ? `per_page=1000&sort=${sort}` : `per_page=1000&sort=${encodeURIComponent(sort)}`;
      const answer = await getRaw(emu.url, token, `${ORDER_PATH}?${query}`);
      expect(answer.status, String(sort)).toBe(200);
      return idsOf(answer.body);
    }

    it("defaults to -submit_date: newest first, null dates last, ties by ascending id", async () => {
      const ids = await sortedIds(null);
      expect(ids).toEqual(referenceSort(emu.orders, [["submit_date", true]]).map((o) => o.id));
      const tail = ids.slice(-3).map((id) => emu.orders.find((o) => o.id === id)?.submit_date);
      expect(tail).toEqual([null, null, null]);
      expect(await sortedIds("")).toEqual(ids);
      expect(await sortedIds("-submit_date")).toEqual(ids);
    });

    it("sorts by id, total_amount and submit_date in both directions", async () => {
      const store = emu.orders;
      expect(await sortedIds("id")).toEqual(referenceSort(store, [["id", false]]).map((o) => o.id));
      expect(await sortedIds("+id")).toEqual(referenceSort(store, [["id", false]]).map((o) => o.id));
      expect(await sortedIds("-id")).toEqual(referenceSort(store, [["id", true]]).map((o) => o.id));
      expect(await sortedIds("total_amount")).toEqual(referenceSort(store, [["total_amount", false]]).map((o) => o.id));
      expect(await sortedIds("-total_amount")).toEqual(referenceSort(store, [["total_amount", true]]).map((o) => o.id));
      const asc = await sortedIds("submit_date");
      expect(asc).toEqual(referenceSort(store, [["submit_date", false]]).map((o) => o.id));
      expect(store.find((o) => o.id === asc[0])?.submit_date).toBeNull();
    });

    it("sorts by several keys, later keys breaking ties", async () => {
      const store = emu.orders;
      const tieBreakDesc = await sortedIds("-submit_date,-id");
      expect(tieBreakDesc).toEqual(
        referenceSort(store, [
          ["submit_date", true],
          ["id", true],
        ]).map((o) => o.id),
      );
      expect(tieBreakDesc).not.toEqual(await sortedIds("-submit_date"));
      expect(await sortedIds("-total_amount,submit_date")).toEqual(
        referenceSort(store, [
          ["total_amount", true],
          ["submit_date", false],
        ]).map((o) => o.id),
      );
    });

    it("reads an unencoded + (a space once decoded) as ascending", async () => {
      expect(await sortedIds("+id", true)).toEqual(await sortedIds("id"));
      expect(await sortedIds("%2Bid", true)).toEqual(await sortedIds("id"));
    });

    it("answers 400 with the error body for an unknown sort field", async () => {
      for (const sort of ["name", "total", "-status", "id,paid", "--id", "-", "id,"]) {
        const answer = await list(emu.url, token, { sort });
        expect(answer.status, sort).toBe(400);
        expectErrorBody(answer, 400, 1302, "InvalidSortCriteria");
      }
    });
  });

  describe("paging", () => {
    it("answers a bare array with X-page, X-per-page, X-pages and X-count", async () => {
      const answer = await list(emu.url, token, {});
      expect(Array.isArray(answer.body)).toBe(true);
      expect(answer.headers.get("x-page")).toBe("1");
      expect(answer.headers.get("x-per-page")).toBe("1000");
      expect(answer.headers.get("x-pages")).toBe("1");
      expect(answer.headers.get("x-count")).toBe("300");
      expect((answer.body as unknown[]).length).toBe(300);

      const small = await list(emu.url, token, { per_page: "40", page: "3", q: "status>=1" });
      const count = emu.orders.filter((o) => (o.status?.id ?? 0) >= 1).length;
      expect(small.headers.get("x-page")).toBe("3");
      expect(small.headers.get("x-per-page")).toBe("40");
      expect(small.headers.get("x-count")).toBe(String(count));
      expect(small.headers.get("x-pages")).toBe(String(Math.ceil(count / 40)));
      expect((small.body as unknown[]).length).toBe(40);
    });

    it("walks all pages with no gap and no duplicate", async () => {
      for (const sort of [null, "id", "-total_amount", "submit_date"]) {
        const seen: number[] = [];
        let page = 1;
        let pages = 1;
        do {
          const params: Record<string, string> = { per_page: "37", page: String(page) };
          if (sort !== null) params["sort"] = sort;
          const answer = await list(emu.url, token, params);
          expect(answer.headers.get("x-page")).toBe(String(page));
          pages = Number(answer.headers.get("x-pages"));
          seen.push(...idsOf(answer.body));
          page += 1;
        } while (page <= pages);
        expect(pages).toBe(Math.ceil(300 / 37));
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort((a, b) => a - b)).toEqual(emu.orders.map((o) => o.id));
        const full = await list(emu.url, token, sort === null ? {} : { sort });
        expect(seen).toEqual(idsOf(full.body));
      }
    });

    it("clamps page and per_page as emnify's collection conventions say", async () => {
      const last = await list(emu.url, token, { per_page: "50", page: "99", sort: "id" });
      expect(last.headers.get("x-page")).toBe("6");
      expect(idsOf(last.body)).toEqual(emu.orders.slice(250).map((o) => o.id));
      const first = await list(emu.url, token, { per_page: "50", page: "0", sort: "id" });
      expect(first.headers.get("x-page")).toBe("1");
      expect(idsOf(first.body)).toEqual(emu.orders.slice(0, 50).map((o) => o.id));
      const defaulted = await list(emu.url, token, { per_page: "0" });
      expect(defaulted.headers.get("x-per-page")).toBe("1000");
      const capped = await list(emu.url, token, { per_page: "5000" });
      expect(capped.headers.get("x-per-page")).toBe("1000");
      for (const params of [{ per_page: "ten" }, { page: "1.5" }] as Record<string, string>[]) {
        expectErrorBody(await list(emu.url, token, params), 400, 1403, "InvalidFormat");
      }
    });

    it("describes page and per_page in /openapi.json as lowered or raised, not refused (no bounds declared)", async () => {
      const doc = (await getRaw(emu.url, null, "/openapi.json")).body as {
        paths: Record<string, { get: { parameters: Array<{ name: string; description?: string; schema: Record<string, unknown> }> } }>;
      };
      const parameters = doc.paths[ORDER_PATH]?.get.parameters ?? [];
      const perPage = parameters.find((p) => p.name === "per_page");
      const page = parameters.find((p) => p.name === "page");
      expect(perPage?.schema).toEqual({ type: "integer", default: 1000 });
      expect(perPage?.description).toContain("lowered to 1000, not refused");
      expect(page?.schema).toEqual({ type: "integer", default: 1 });
      // The description follows the emulator's own settings.
      const small = await startEmnifyEmulator({ size: 5, maxPerPage: 50, defaultPerPage: 20 });
      try {
        const smallDoc = (await getRaw(small.url, null, "/openapi.json")).body as typeof doc;
        const smallPerPage = smallDoc.paths[ORDER_PATH]?.get.parameters.find((p) => p.name === "per_page");
        expect(smallPerPage?.schema).toEqual({ type: "integer", default: 20 });
        expect(smallPerPage?.description).toContain("lowered to 50, not refused");
      } finally {
        await small.close();
      }
    });

    it("answers an empty array and zero pages when nothing matches", async () => {
      const answer = await list(emu.url, token, { q: "id:1" });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([]);
      expect(answer.headers.get("x-count")).toBe("0");
      expect(answer.headers.get("x-pages")).toBe("0");
      expect(answer.headers.get("x-page")).toBe("1");
    });
  });

  describe("GET /api/v1/shop/order/{id}", () => {
    it("answers the order as stored", async () => {
      for (const order of [emu.orders[0], emu.orders[123], emu.orders.at(-1)]) {
        const answer = await getRaw(emu.url, token, `${ORDER_PATH}/${order?.id}`);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(order);
      }
      const slash = await getRaw(emu.url, token, `${ORDER_PATH}/${emu.orders[5]?.id}/`);
      expect(slash.body).toEqual(emu.orders[5]);
    });

    it("answers 404 with the error body for an unknown id and 400 for a non-numeric one", async () => {
      expectErrorBody(await getRaw(emu.url, token, `${ORDER_PATH}/1`), 404, 1201, "NotFound");
      expectErrorBody(await getRaw(emu.url, token, `${ORDER_PATH}/99999999`), 404, 1201, "NotFound");
      expectErrorBody(await getRaw(emu.url, token, `${ORDER_PATH}/abc`), 400, 1403, "InvalidFormat");
      expectErrorBody(await getRaw(emu.url, token, "/api/v1/shop/invoice"), 404, 1201, "NotFound");
    });

    it("reads the live store", async () => {
      const original = emu.orders;
      try {
        const extra = { ...(original[0] as EmnifyOrder), id: 999_999 };
        emu.orders = [...original, extra];
        expect((await getRaw(emu.url, token, `${ORDER_PATH}/999999`)).body).toEqual(extra);
      } finally {
        emu.orders = original;
      }
    });
  });

  describe("rate limit", () => {
    it("documents 100 requests per 5 minutes", () => {
      expect(EMNIFY_DOCUMENTED_RATE_LIMIT).toEqual({ max: 100, windowMs: 300_000 });
    });

    it("counts every request per client IP, authenticate included, and answers 429 beyond", async () => {
      let now = Date.UTC(2025, 0, 1);
      const limited = await startEmnifyEmulator({ rateLimit: { max: 5, windowMs: 60_000 }, clock: () => now, size: 10 });
      try {
        const limitedToken = await appLogin(limited.url);
        for (let i = 0; i < 4; i++) expect((await getRaw(limited.url, limitedToken, ORDER_PATH)).status).toBe(200);
        const over = await getRaw(limited.url, limitedToken, ORDER_PATH);
        expectErrorBody(over, 429, 1105, "TooManyRequests");
        expect(over.headers.get("retry-after")).toBe("60");
        expect((await authenticate(limited.url, { application_token: EMNIFY_DEFAULT_CREDENTIALS.applicationToken })).status).toBe(429);
        // Another client (as seen through X-Forwarded-For) has its own budget.
        const other = await getRaw(limited.url, limitedToken, ORDER_PATH, { "x-forwarded-for": "203.0.113.7" });
        expect(other.status).toBe(200);
        now += 60_000;
        expect((await getRaw(limited.url, limitedToken, ORDER_PATH)).status).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it("rateLimit: true applies the documented numbers; off by default", async () => {
      const documented = await startEmnifyEmulator({ rateLimit: true, size: 5 });
      try {
        const t = await appLogin(documented.url);
        const statuses: number[] = [];
        for (let i = 0; i < 100; i++) statuses.push((await getRaw(documented.url, t, ORDER_PATH)).status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(99);
        expect(statuses.at(-1)).toBe(429);
      } finally {
        await documented.close();
      }
      const unlimited = await startEmnifyEmulator({ size: 5 });
      try {
        const t = await appLogin(unlimited.url);
        for (let i = 0; i < 110; i++) expect((await getRaw(unlimited.url, t, ORDER_PATH)).status).toBe(200);
      } finally {
        await unlimited.close();
      }
    });
  });

  describe("data", () => {
    it("is deterministic per seed and served as generated", async () => {
      const a = generateEmnifyData({ seed: 1, size: 300 });
      expect(generateEmnifyData()).toEqual(a);
      expect(emu.orders).toEqual(a.orders);
      expect(generateEmnifyData({ seed: 2, size: 300 }).orders).not.toEqual(a.orders);
      const twin = await startEmnifyEmulator();
      try {
        const twinToken = await appLogin(twin.url);
        expect((await list(twin.url, twinToken, {})).body).toEqual((await list(emu.url, token, {})).body);
      } finally {
        await twin.close();
      }
      const sized = await startEmnifyEmulator({ seed: 7, size: 20 });
      try {
        const answer = await list(sized.url, await appLogin(sized.url), {});
        expect(answer.headers.get("x-count")).toBe("20");
        expect(answer.body).toEqual(referenceSort(generateEmnifyData({ seed: 7, size: 20 }).orders, [["submit_date", true]]));
      } finally {
        await sized.close();
      }
    });

    it("has the documented variety: statuses, dates by status, ties, currencies, repeats, nulls", () => {
      const orders = emu.orders;
      expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
      expect(new Set(orders.map((o) => o.status?.description))).toEqual(
        new Set(["EDITING", "SUBMITTED", "SHIPPED", "DELIVERED", "CANCELED"]),
      );
      for (const o of orders) {
        const status = o.status?.id;
        if (status === EMNIFY_STATUS.EDITING) expect(o.submit_date).toBeNull();
        if (status === EMNIFY_STATUS.SHIPPED || status === EMNIFY_STATUS.DELIVERED) expect(o.shipped_date).not.toBeNull();
        else expect(o.shipped_date).toBeNull();
        expect(o.delivered_date === null).toBe(status !== EMNIFY_STATUS.DELIVERED);
        const net = (o.line ?? []).reduce((sum, line) => sum + Math.round(line.total * 100), 0);
        expect(Math.round((o.total ?? 0) * 100)).toBe(net + Math.round((o.vat ?? 0) * 100));
        for (const line of o.line ?? []) expect(Math.round(line.unit_price * line.quantity * 100)).toBe(Math.round(line.total * 100));
      }
      const dates = orders.map((o) => o.submit_date).filter((d) => d !== null);
      expect(dates.length - new Set(dates).size).toBeGreaterThan(2);
      expect(new Set(orders.map((o) => o.currency?.code))).toEqual(new Set(["EUR", "USD", "GBP"]));
      expect(new Set(orders.map((o) => o.customer_organisation?.id)).size).toBeLessThan(orders.length / 4);
      expect(new Set(orders.map((o) => o.customer_user?.id)).size).toBeLessThan(orders.length / 2);
      for (const field of [
        "customer_user",
        "purchase_order_number",
        "meta",
        "vat",
        "shipping_address",
        "external_shipping_reference",
      ] as const) {
        expect(
          orders.some((o) => o[field] === null),
          field,
        ).toBe(true);
      }
    });
  });
});
