/**
 * The limit baseline: a bare Fastify server with one route per scenario that
 * makes exactly the upstream calls a hand-written integration would make, with
 * undici keep-alive pools, and returns the upstream JSON unchanged (several
 * answers are joined as raw text, never parsed and re-serialised, except where
 * the integration must read an id or a count from them). No validation, no
 * mapping, no GraphQL: what is left is the cost of the provider calls, which is
 * the most any integration layer can hope for.
 *
 * Runs in its own process (started by bench/run-bench.ts); BENCH_EMULATORS
 * holds the emulators' base URLs and credentials.
 */
import Fastify from "fastify";
import { Pool } from "undici";
import { serveParent } from "./bench-process.ts";
import { newestListCall, type ProviderAuth, providerAuth } from "./provider-calls.ts";

interface Described {
  id: string;
  kind: string;
  baseUrl: string;
  credentials: Record<string, string>;
}

const emulators = JSON.parse(process.env.BENCH_EMULATORS ?? "[]") as Described[];
const byId = new Map(emulators.map((e) => [e.id, e]));

/** The same pool size ordergraph uses per provider (config `connections`, default 16). */
const CONNECTIONS = 16;
/** Iteras' documented answer cap. */
const ITERAS_CAP = 10_000;

/** One provider's HTTP access: a keep-alive pool, its base path and auth. */
class Upstream {
  private readonly pool: Pool;
  private readonly basePath: string;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;

  constructor(described: Described, auth: ProviderAuth) {
    const url = new URL(described.baseUrl);
    this.pool = new Pool(url.origin, { connections: CONNECTIONS });
    this.basePath = url.pathname.replace(/\/$/, "");
    this.headers = auth.headers;
    this.query = auth.query;
  }

  /** One call; the body as text. Anything but 2xx is an error, as an integration would treat it. */
  async text(path: string, params: Record<string, string | number> = {}, init: { method?: "GET" | "PUT" | "POST"; body?: string } = {}) {
    const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), ...this.query });
    const search = query.size > 0 ? `?${query}` : "";
    const response = await this.pool.request({
      path: `${this.basePath}${path}${search}`,
      method: init.method ?? "GET",
      headers: init.body === undefined ? this.headers : { ...this.headers, "content-type": "application/json" },
      body: init.body,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`${path}: HTTP ${response.statusCode}`);
    return text;
  }

  close() {
    return this.pool.close();
  }
}

function described(id: string): Described {
  const found = byId.get(id);
  if (!found) throw new Error(`BENCH_EMULATORS has no emulator ${id}`);
  return found;
}

/** A provider's upstream, with the auth an integration uses (emnify logs in once, at start). */
const upstream = async (id: string) => {
  const found = described(id);
  return new Upstream(found, await providerAuth(found));
};
const [cscart, iteras, activeplatform, djangoshop, archive, emnify] = (await Promise.all(
  ["shop-cscart", "news-iteras", "billing-activeplatform", "shop-djangoshop", "news-iteras-archive", "sims-emnify"].map(upstream),
)) as [Upstream, Upstream, Upstream, Upstream, Upstream, Upstream];

/** Raw JSON texts joined into one array, without parsing them. */
const rawArray = (texts: string[]) => `[${texts.join(",")}]`;

/** One detail call per native id, per provider: how an integration fetches orders by id. */
const detailOf: Record<string, (nativeId: string) => Promise<string>> = {
  "news-iteras": (id) => iteras.text("/orders/", { order_id: id, fields: "data,invoice_lines" }),
  "sims-emnify": (id) => emnify.text(`/api/v1/shop/order/${encodeURIComponent(id)}`),
  "shop-cscart": (id) => cscart.text(`/orders/${encodeURIComponent(id)}`),
  "billing-activeplatform": (id) => activeplatform.text(`/api/vendor/v1/orders/${encodeURIComponent(id)}.json`),
  "shop-djangoshop": (id) => djangoshop.text(`/orders/${encodeURIComponent(id)}/`),
};

/** The newest `n` orders of every provider, one list call each. */
const newestOf = (n: number) =>
  (
    [
      ["news-iteras", iteras],
      ["sims-emnify", emnify],
      ["shop-cscart", cscart],
      ["billing-activeplatform", activeplatform],
      ["shop-djangoshop", djangoshop],
    ] as const
  ).map(([id, provider]) => {
    const call = newestListCall(id, n);
    return provider.text(call.path, call.params);
  });

/** Every order of the Iteras archive: one call, split by date while an answer reaches the cap. */
async function iterasAll(after = "2000-01-01", before = "2100-12-31"): Promise<string[]> {
  const text = await archive.text("/orders/", { created_after: after, created_before: before });
  const count = (JSON.parse(text) as { orders: unknown[] }).orders.length;
  if (count < ITERAS_CAP || after === before) return [text];
  const from = Date.parse(`${after}T00:00:00Z`);
  const to = Date.parse(`${before}T00:00:00Z`);
  const middle = new Date(from + Math.floor((to - from) / 86_400_000 / 2) * 86_400_000);
  const next = new Date(middle.getTime() + 86_400_000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const [left, right] = await Promise.all([iterasAll(after, day(middle)), iterasAll(day(next), before)]);
  return [...left, ...right];
}

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const json = "application/json; charset=utf-8";

/** CS-Cart's newest `n` orders: the list call of the single-provider routes. */
const cscartNewest = (n: number) => {
  const call = newestListCall("shop-cscart", n);
  return cscart.text(call.path, call.params);
};

app.post<{ Body: { first: number } }>("/one-provider", async (request, reply) => {
  const text = await cscartNewest(request.body.first);
  return reply.type(json).send(text);
});

app.post<{ Body: { first: number } }>("/one-provider-items", async (request, reply) => {
  const list = await cscartNewest(request.body.first);
  // The list rows have no products: the integration reads each order's details.
  const ids = (JSON.parse(list) as { orders: Array<{ order_id: string | number }> }).orders.map((o) => String(o.order_id));
  const details = await Promise.all(ids.map((id) => cscart.text(`/orders/${id}`)));
  return reply.type(json).send(rawArray(details));
});

app.post<{ Body: { first: number } }>("/merged", async (request, reply) => {
  return reply.type(json).send(rawArray(await Promise.all(newestOf(request.body.first))));
});

app.post<{ Body: { ids: Record<string, string[]> } }>("/nodes", async (request, reply) => {
  const calls = Object.entries(request.body.ids).flatMap(([provider, ids]) => {
    const detail = detailOf[provider];
    if (!detail) throw new Error(`no provider ${provider}`);
    return ids.map((id) => detail(id));
  });
  return reply.type(json).send(rawArray(await Promise.all(calls)));
});

app.post<{ Body: { customers: string[]; first: number } }>("/customers", async (request, reply) => {
  const lists = await Promise.all(
    request.body.customers.map((user) =>
      cscart.text("/orders", { user_id: user, sort_by: "date", sort_order: "desc", items_per_page: request.body.first }),
    ),
  );
  return reply.type(json).send(rawArray(lists));
});

app.post("/iteras-all", async (_request, reply) => reply.type(json).send(rawArray(await iterasAll())));

app.post<{ Body: { orderId: string; status: string } }>("/update-status", async (request, reply) => {
  const path = `/orders/${encodeURIComponent(request.body.orderId)}`;
  await cscart.text(path, {}, { method: "PUT", body: JSON.stringify({ status: request.body.status, notify_user: 0 }) });
  return reply.type(json).send(await cscart.text(path));
});

// The floor of the pipeline-floor table: what a bare Fastify route costs with no provider call at all.
const EMPTY_OPERATION = JSON.stringify({ data: { __typename: "Query" } });
app.post("/empty-operation", async (_request, reply) => reply.type(json).send(EMPTY_OPERATION));

const url = await app.listen({ port: 0, host: "127.0.0.1" });
serveParent({ url }, {}, async () => {
  await app.close();
  await Promise.all([cscart, iteras, archive, activeplatform, djangoshop, emnify].map((u) => u.close()));
});
