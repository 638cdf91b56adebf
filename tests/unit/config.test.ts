/** Config loading: every problem is reported with the key path it is at. */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, formatPath, parseConfig } from "../../src/config/load-config.ts";
import type { Connector } from "../../src/providers/core/connector.ts";
import { createConnectors } from "../../src/providers/registry.ts";

const KEY = "client-key-0123456789abcdef";
/** A `$\{NAME}` reference, written without a template placeholder in a plain string. */
const envRef = (body: string) => `$${"{"}${body}}`;

function base(): { clients: Array<Record<string, unknown>>; providers: Array<Record<string, unknown>> } & Record<string, unknown> {
  return {
    clients: [{ name: "app", key: KEY, scopes: ["orders:read"] }],
    providers: [
      {
        id: "shop-de",
        kind: "cscart",
        baseUrl: "http://127.0.0.1:9/api",
        currency: "EUR",
        credentials: { email: "admin@example.com", apiKey: "secret-api-key" },
      },
    ],
  };
}

/** The issues of a ConfigError thrown by `run`. */
function issues(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("expected a ConfigError");
}

const open: Connector[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe("parseConfig", () => {
  it("accepts a minimal config and fills the defaults", () => {
    const config = parseConfig(JSON.stringify(base()), {});
    expect(config.server).toMatchObject({ host: "127.0.0.1", port: 4000, exposeUpstreamFigures: true });
    expect(config.engine).toMatchObject({ defaultPageSize: 50, maxPageSize: 250 });
    expect(config.clients[0]?.providers).toEqual(["*"]);
    expect(config.providers[0]).toMatchObject({ timeZone: "UTC", timeoutMs: 10_000, detailConcurrency: 8 });
  });

  it("reads YAML too", () => {
    const yaml = `
clients:
  - name: app
    key: ${KEY}
    scopes: [orders:read]
providers:
  - id: shop-de
    kind: cscart
    baseUrl: http://127.0.0.1:9/api
    currency: EUR
    credentials: { email: admin@example.com, apiKey: k }
`;
    expect(parseConfig(yaml, {}).providers[0]?.id).toBe("shop-de");
  });

  it("interpolates environment references, with and without a default", () => {
    const config = base();
    (config.providers[0] as { credentials: Record<string, string> }).credentials["apiKey"] = envRef("CSCART_KEY");
    (config.clients[0] as Record<string, unknown>)["key"] = envRef("CLIENT_KEY:-fallback-key-0123456789");
    const parsed = parseConfig(JSON.stringify(config), { CSCART_KEY: "from-env" });
    expect((parsed.providers[0] as unknown as { credentials: { apiKey: string } }).credentials.apiKey).toBe("from-env");
    expect(parsed.clients[0]?.key).toBe("fallback-key-0123456789");
  });

  it("names the key path of a missing environment variable", () => {
    const config = base();
    (config.providers[0] as { credentials: Record<string, string> }).credentials["apiKey"] = envRef("CSCART_KEY");
    const found = issues(() => parseConfig(JSON.stringify(config), {}));
    expect(found).toEqual(["providers[0].credentials.apiKey: environment variable CSCART_KEY is not set"]);
  });

  it("names a bad currency", () => {
    const config = base();
    (config.providers[0] as Record<string, unknown>)["currency"] = "euro";
    expect(issues(() => parseConfig(JSON.stringify(config), {})).join("\n")).toMatch(/^providers\[0\]\.currency: .*ISO 4217/m);
  });

  it("names a duplicate provider id", () => {
    const config = base();
    config.providers.push({ ...(config.providers[0] as Record<string, unknown>) });
    expect(issues(() => parseConfig(JSON.stringify(config), {}))).toContain('providers[1].id: duplicate provider id "shop-de"');
  });

  it("names a client provider that is not configured", () => {
    const config = base();
    (config.clients[0] as Record<string, unknown>)["providers"] = ["shop-de", "shop-fr"];
    expect(issues(() => parseConfig(JSON.stringify(config), {}))).toContain('clients[0].providers[1]: unknown provider id "shop-fr"');
  });

  it("defaults each client's share of a provider's budgets to half, and reads a client's own shares", () => {
    const config = base();
    config.clients.push({
      name: "back-office",
      key: `${KEY}-2`,
      scopes: ["orders:read"],
      shares: { rate: 1, concurrency: 1, providers: { "shop-de": { rate: 0.25 } } },
    });
    const parsed = parseConfig(JSON.stringify(config), {});
    expect(parsed.providers[0]?.resilience.clientShare).toEqual({ rate: 0.5, concurrency: 0.5 });
    expect(parsed.clients[0]?.shares).toBeUndefined();
    expect(parsed.clients[1]?.shares).toEqual({ rate: 1, concurrency: 1, providers: { "shop-de": { rate: 0.25 } } });
  });

  it("names a share outside (0, 1], a share for an unknown provider and a duplicate client name", () => {
    const config = base();
    (config.providers[0] as Record<string, unknown>)["resilience"] = { clientShare: { rate: 0 } };
    config.clients.push({
      name: "app",
      key: `${KEY}-2`,
      scopes: ["orders:read"],
      shares: { concurrency: 1.5, providers: { "shop-fr": { rate: 0.5 } } },
    });
    const found = issues(() => parseConfig(JSON.stringify(config), {}));
    expect(found).toContain("providers[0].resilience.clientShare.rate: a share is more than 0");
    expect(found).toContain("clients[1].shares.concurrency: a share is at most 1 (all of the budget)");
    expect(found).toContain('clients[1].shares.providers.shop-fr: unknown provider id "shop-fr"');
    expect(found).toContain('clients[1].name: duplicate client name "app"');
  });

  it("checks keySha256 is 64 hex digits, and that exactly one of key and keySha256 is given", () => {
    const config = base();
    config.clients[0] = { name: "app", keySha256: "abc123", scopes: ["orders:read"] };
    expect(issues(() => parseConfig(JSON.stringify(config), {})).join("\n")).toMatch(/^clients\[0\]\.keySha256: must be 64 hex digits/m);
    config.clients[0] = { name: "app", keySha256: "a".repeat(64), scopes: ["orders:read"] };
    expect(parseConfig(JSON.stringify(config), {}).clients[0]?.keySha256).toBe("a".repeat(64));
    config.clients[0] = { name: "app", scopes: ["orders:read"] };
    expect(issues(() => parseConfig(JSON.stringify(config), {})).join("\n")).toContain("give exactly one of key or keySha256");
  });

  it("names unknown keys, bad scopes and short keys", () => {
    const config = base();
    config["serverr"] = {};
    config.clients[0] = { name: "app", key: "short", scopes: ["orders:delete"] };
    const found = issues(() => parseConfig(JSON.stringify(config), {})).join("\n");
    expect(found).toMatch(/serverr/);
    expect(found).toMatch(/^clients\[0\]\.key: a client key needs at least 16 characters/m);
    expect(found).toMatch(/^clients\[0\]\.scopes\[0\]: /m);
  });

  it("takes trusted proxies as addresses, CIDR ranges and proxy-addr's named ranges, and names a bad one", () => {
    const config = base();
    const proxies = ["10.0.0.5", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32", "loopback", "linklocal", "uniquelocal"];
    config["server"] = { trustedProxies: proxies };
    expect(parseConfig(JSON.stringify(config), {}).server.trustedProxies).toEqual(proxies);
    expect(parseConfig(JSON.stringify(base()), {}).server.trustedProxies).toEqual([]);
    config["server"] = { trustedProxies: ["10.0.0.0/33", "router.internal", "10.0.0.1/8/8", "::1/129", "10.0.0.0/x"] };
    const found = issues(() => parseConfig(JSON.stringify(config), {}));
    for (const index of [0, 1, 2, 3, 4]) {
      expect(found).toContain(
        `server.trustedProxies[${index}]: an IP address, a CIDR range such as 10.0.0.0/8, or loopback, linklocal or uniquelocal`,
      );
    }
  });

  it("lets only a router client have no scope", () => {
    const config = base();
    config.clients.push({ name: "router", key: `${KEY}-router`, scopes: [], router: true });
    expect(parseConfig(JSON.stringify(config), {}).clients[1]?.scopes).toEqual([]);
    config.clients[1] = { name: "app-2", key: `${KEY}-2`, scopes: [] };
    expect(issues(() => parseConfig(JSON.stringify(config), {}))).toContain(
      "clients[1].scopes: give at least one scope (only a router client may have none)",
    );
  });

  it("refuses a body timeout shorter than the header timeout, which Node would refuse at start", () => {
    const config = base();
    config["server"] = { http: { headersTimeoutMs: 5000, bodyTimeoutMs: 2000 } };
    expect(issues(() => parseConfig(JSON.stringify(config), {}))).toContain(
      "server.http.bodyTimeoutMs: must be at least server.http.headersTimeoutMs",
    );
    config["server"] = { http: { bodyTimeoutMs: 30_000 } };
    expect(parseConfig(JSON.stringify(config), {}).server.http).toEqual({
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
    });
  });

  it("refuses text that is neither YAML nor JSON, naming the source", () => {
    expect(issues(() => parseConfig("clients: [", {}, "ordergraph.yaml"))[0]).toMatch(/^ordergraph\.yaml: not valid YAML or JSON/);
  });
});

describe("createConnectors", () => {
  it("builds a CS-Cart connector from a valid entry", () => {
    const connectors = createConnectors(parseConfig(JSON.stringify(base()), {}));
    open.push(...connectors);
    expect(connectors.map((c) => [c.id, c.kind])).toEqual([["shop-de", "CSCART"]]);
  });

  it("names a missing credential with its full key path", () => {
    const config = base();
    (config.providers[0] as Record<string, unknown>)["credentials"] = { email: "admin@example.com" };
    const found = issues(() => createConnectors(parseConfig(JSON.stringify(config), {})));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^providers\[0\]\.credentials\.apiKey: /);
  });

  it("reports every bad entry at once, each with its index", () => {
    const config = base();
    config.providers.push({
      id: "shop-fr",
      kind: "cscart",
      baseUrl: "http://127.0.0.1:9/api",
      credentials: { email: "nope", apiKey: "k" },
    });
    const found = issues(() => createConnectors(parseConfig(JSON.stringify(config), {})));
    expect(found.some((line) => line.startsWith("providers[1].currency: "))).toBe(true);
    expect(found.some((line) => line.startsWith("providers[1].credentials.email: "))).toBe(true);
    expect(found.some((line) => line.startsWith("providers[0]"))).toBe(false);
  });

  it("refuses options the kind does not know", () => {
    const config = base();
    (config.providers[0] as Record<string, unknown>)["pageSize"] = 10;
    expect(issues(() => createConnectors(parseConfig(JSON.stringify(config), {}))).join("\n")).toMatch(/^providers\[0\]: .*pageSize/m);
  });
});

describe("formatPath", () => {
  it("writes indexes in brackets", () => {
    expect(formatPath(["providers", 0, "credentials", "apiKey"])).toBe("providers[0].credentials.apiKey");
    expect(formatPath([])).toBe("(root)");
  });
});
