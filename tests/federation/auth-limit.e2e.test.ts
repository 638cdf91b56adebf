/**
 * Failed-auth limiting behind a federation gateway (@apollo/gateway, set up as
 * examples/federation/gateway.ts is): the gateway calls ordergraph with its
 * router key, passes each client's key on and appends the client's address
 * to X-Forwarded-For, and ordergraph trusts the gateway's address
 * (`server.trustedProxies`). Ten wrong keys from one client lock out that
 * client's address only: another client's key still works through the same
 * gateway. The lock-out is 429 with Retry-After at ordergraph, and through
 * the gateway an UNAUTHENTICATED error with `retryAfterSeconds` (which the
 * example turns back into 429 with Retry-After); a plain @apollo/gateway
 * passes on only an error "429: Too Many Requests" with ordergraph's answer
 * in its extensions.
 */
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { parse } from "graphql";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { type GatewayContext, gatewayContext } from "../../examples/federation/gateway.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { composeSupergraph, fetchSubgraphSdl, type RunningGateway, startGateway } from "./federation-gateway.ts";

const ROUTER_KEY = "test-auth-router-key-0123456789";
/** server.authFailures' default: ten wrong keys. */
const MAX = 10;
const QUERY = "{ orders(first: 1) { nodes { id } } }";

let emulator: CsCartEmulator;
/** Trusts the gateway's address; another that does not (every client behind the gateway is then one address). */
let trusting: TestServer;
let untrusting: TestServer;
const agents: Agent[] = [];

/** Requests from another loopback address (Linux answers all of 127.0.0.0/8). */
function from(address: string): Agent {
  const agent = new Agent({ localAddress: address });
  agents.push(agent);
  return agent;
}

const start = (trustedProxies: string[]) =>
  startTestServer({
    definitions: [csCartDefinition as unknown as ProviderDefinition],
    providers: [csCartEntry(emulator)],
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
      { name: "gateway", key: ROUTER_KEY, scopes: [], router: true },
    ],
    server: { trustedProxies, authFailures: { max: MAX, windowMs: 60_000 } },
  });

/** A gateway in front of one ordergraph (ordergraph alone in the supergraph). */
async function gatewayFor(server: TestServer): Promise<RunningGateway> {
  const url = `${server.url}/graphql`;
  const sdl = await fetchSubgraphSdl(url, { authorization: `Bearer ${ROUTER_KEY}` });
  return startGateway(composeSupergraph([{ name: "ordergraph", url, typeDefs: parse(sdl) }]), ROUTER_KEY);
}

/** Sends ten wrong keys through a gateway from one address; each is refused as UNAUTHENTICATED. */
async function tenWrongKeys(gateway: RunningGateway, address: Agent): Promise<void> {
  for (let i = 0; i < MAX; i++) {
    const answer = await gateway.query(QUERY, `Bearer wrong-key-${i}-0123456789`, address);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(answer.body.errors?.[0]?.extensions).not.toHaveProperty("retryAfterSeconds");
  }
}

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 5 });
  [trusting, untrusting] = await Promise.all([start(["127.0.0.1"]), start([])]);
});

afterAll(async () => {
  await Promise.all([trusting?.close(), untrusting?.close()]);
  await emulator?.close();
  await Promise.all(agents.map((a) => a.close()));
});

describe("behind a gateway, with the gateway a trusted proxy", () => {
  let gateway: RunningGateway;
  const guesser = from("127.0.0.2");
  const other = from("127.0.0.3");

  beforeAll(async () => {
    gateway = await gatewayFor(trusting);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it("ten wrong keys from one client lock out that client only: another client's key still works", async () => {
    await tenWrongKeys(gateway, guesser);

    // The guesser's address is locked out, its right key included: the gateway answers 429 with Retry-After.
    const locked = await gateway.query(QUERY, `Bearer ${ADMIN_KEY}`, guesser);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(locked.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", retryAfterSeconds: retryAfter });
    expect(locked.body.errors?.[0]?.message).toMatch(/too many failed authentications/);

    // Another client, through the same gateway, is not affected; nor is the gateway's own key.
    const ok = await gateway.query(QUERY, `Bearer ${READER_KEY}`, other);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect((ok.body.data?.orders as { nodes: unknown[] } | undefined)?.nodes).toHaveLength(1);
    await expect(fetchSubgraphSdl(`${trusting.url}/graphql`, { authorization: `Bearer ${ROUTER_KEY}` })).resolves.toContain("type Query");
  });

  it("answers the locked-out address 429 with Retry-After directly too", async () => {
    const response = await fetch(`${trusting.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: QUERY }),
      dispatcher: guesser,
    } as RequestInit);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", retryAfterSeconds: retryAfter });
  });
});

describe("behind a gateway that is not a trusted proxy", () => {
  it("counts every client as the gateway's one address, so ten wrong keys lock out everyone behind it", async () => {
    const gateway = await gatewayFor(untrusting);
    try {
      await tenWrongKeys(gateway, from("127.0.0.4"));
      const bystander = await gateway.query(QUERY, `Bearer ${READER_KEY}`, from("127.0.0.5"));
      expect(bystander.status).toBe(429);
    } finally {
      await gateway.close();
    }
  });
});

describe("what a plain @apollo/gateway passes on", () => {
  it("an error '429: Too Many Requests' with HTTP 200, ordergraph's code and retryAfterSeconds only inside extensions.response", async () => {
    // Forwards as the example does, but keeps @apollo/gateway's own handling of a refused subgraph request.
    class Plain extends RemoteGraphQLDataSource<GatewayContext> {
      override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
        request.http?.headers.set("authorization", `Bearer ${ROUTER_KEY}`);
        if (context.authorization) request.http?.headers.set("x-forwarded-authorization", context.authorization);
        if (context.forwardedFor) request.http?.headers.set("x-forwarded-for", context.forwardedFor);
      }
    }
    const url = `${trusting.url}/graphql`;
    const sdl = await fetchSubgraphSdl(url, { authorization: `Bearer ${ROUTER_KEY}` });
    const server = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl: composeSupergraph([{ name: "ordergraph", url, typeDefs: parse(sdl) }]),
        buildService: ({ url: subgraphUrl }) => new Plain({ url: subgraphUrl }),
      }),
    });
    const { url: gatewayUrl } = await startStandaloneServer(server, {
      listen: { port: 0, host: "127.0.0.1" },
      context: async ({ req }) => gatewayContext(req),
    });
    try {
      // 127.0.0.2 is locked out by the first test.
      const response = await fetch(gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query: QUERY }),
        dispatcher: from("127.0.0.2"),
      } as RequestInit);
      expect(response.status).toBe(200);
      expect(response.headers.get("retry-after")).toBeNull();
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0]?.message).toBe("429: Too Many Requests");
      expect(body.errors[0]?.extensions.code).not.toBe("UNAUTHENTICATED");
      const passed = body.errors[0]?.extensions.response as { status: number; body: { errors: Array<{ extensions: unknown }> } };
      expect(passed.status).toBe(429);
      expect(passed.body.errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", retryAfterSeconds: expect.any(Number) });
    } finally {
      await server.stop();
    }
  });
});
