/**
 * GraphQL over HTTP conformance: graphql-http's server audits against a
 * running ordergraph. Every MUST audit is a test of its own; the SHOULD and
 * MAY results must be the ones docs/conformance.md lists, so the page stays true.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AuditResult, serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { projectRoot } from "../../src/server/paths.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const DOC = "docs/conformance.md";

let emulator: CsCartEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 5 });
  server = await startTestServer({
    providers: [csCartEntry(emulator)],
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

// The audits speak plain GraphQL over HTTP; ordergraph also wants a client key.
// Nothing else is added: no CSRF preflight header, which a request with a key does not need.
const withKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  return fetch(input, { ...init, headers });
};

// The url is a function: the server only listens once beforeAll has run.
const audits = serverAudits({ url: () => `${server.url}/graphql`, fetchFn: withKey });
const level = (name: string) => name.split(" ")[0] as "MUST" | "SHOULD" | "MAY";

/** What the doc's tables give each audit: `pass` for ok, else graphql-http's status (warn, notice, error). */
function documentedResults(): Map<string, string> {
  const text = readFileSync(join(projectRoot(), DOC), "utf8");
  const rows = [...text.matchAll(/^\| ([0-9A-Z]{4}) \| [^|]+ \| (pass|warn|notice|error) \|/gm)];
  return new Map(rows.map((m) => [m[1] as string, m[2] as string]));
}

const shown = (result: AuditResult) => (result.status === "ok" ? "pass" : result.status);

describe("GraphQL over HTTP: MUST", () => {
  const musts = audits.filter((audit) => level(audit.name) === "MUST");

  it("has the audits this suite was written for", () => {
    expect(musts.length).toBeGreaterThanOrEqual(13);
  });

  for (const audit of musts) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      const failure = result.status === "ok" ? "" : `${result.reason} (HTTP ${result.response.status}: ${await result.response.text()})`;
      expect(failure, `${audit.id} ${audit.name}`).toBe("");
    });
  }
});

describe("GraphQL over HTTP: SHOULD and MAY", () => {
  it(`have the results ${DOC} gives them`, async () => {
    const documented = documentedResults();
    const actual: Record<string, string> = {};
    const expected: Record<string, string | undefined> = {};
    for (const audit of audits.filter((a) => level(a.name) !== "MUST")) {
      const key = `${audit.id} ${audit.name}`;
      actual[key] = shown(await audit.fn());
      expected[key] = documented.get(audit.id);
    }
    // A difference names the audit: update the doc (and its "why") with the new result.
    expect(actual, `results differ from ${DOC}`).toEqual(expected);
  });

  it(`${DOC} lists every audit once, and every MUST as passing`, () => {
    const documented = documentedResults();
    expect([...documented.keys()].sort()).toEqual(audits.map((a) => a.id).sort());
    for (const audit of audits.filter((a) => level(a.name) === "MUST")) expect(documented.get(audit.id), audit.id).toBe("pass");
  });

  it("runs a GET query with URL-encoded variables and the key, without a CSRF preflight header", async () => {
    // Beyond the MAY audits D6D5/6A70: variables that pick a provider, answered as the spec's media type.
    const params = new URLSearchParams({
      query: "query Kinds($ids: [ID!]) { orders(first: 1, providers: $ids) { nodes { provider { id } } } }",
      variables: JSON.stringify({ ids: ["shop-cscart"] }),
    });
    const response = await fetch(`${server.url}/graphql?${params}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, accept: "application/graphql-response+json" },
    });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
    expect((JSON.parse(body) as { data: unknown }).data).toEqual({ orders: { nodes: [{ provider: { id: "shop-cscart" } }] } });
  });
});
