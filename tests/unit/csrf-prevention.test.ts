/**
 * The CSRF prevention ordergraph configures (app.ts's CSRF_REQUEST_HEADERS)
 * keeps Apollo's protection: a "simple" request a browser could send
 * cross-site without a CORS preflight (a GET, or a form's POST, with no header
 * a page cannot set) is refused before it runs; one with `Authorization` (which
 * a browser never sends cross-site without a preflight) or Apollo's preflight
 * headers runs. The auth guard refuses requests without a key before Apollo,
 * so this is the check a keyless request would meet were it to get through.
 */
import { ApolloServer, HeaderMap } from "@apollo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_REQUEST_HEADERS } from "../../src/server/app.ts";

let apollo: ApolloServer;

beforeAll(async () => {
  apollo = new ApolloServer({
    typeDefs: "type Query { answer: Int }",
    resolvers: { Query: { answer: () => 42 } },
    csrfPrevention: { requestHeaders: [...CSRF_REQUEST_HEADERS] },
  });
  await apollo.start();
});

afterAll(async () => {
  await apollo?.stop();
});

async function send(method: "GET" | "POST", headers: Record<string, string>) {
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method,
      headers: new HeaderMap(Object.entries(headers)),
      search: method === "GET" ? "?query=%7Banswer%7D" : "",
      body: method === "POST" ? { query: "{ answer }" } : undefined,
    },
    context: async () => ({}),
  });
  const body = response.body.kind === "complete" ? response.body.string : "";
  return { status: response.status ?? 200, body };
}

describe("CSRF prevention", () => {
  it("refuses simple requests without any of the headers, GET and form POST alike", async () => {
    for (const [method, headers] of [
      ["GET", {}],
      ["POST", { "content-type": "text/plain" }],
      ["POST", { "content-type": "application/x-www-form-urlencoded" }],
    ] as const) {
      const answer = await send(method, headers);
      expect(answer.status, `${method} ${JSON.stringify(headers)}`).toBe(400);
      expect(answer.body).toContain("Cross-Site Request Forgery");
    }
  });

  it("runs a GET that carries Authorization, or one of Apollo's preflight headers", async () => {
    for (const header of CSRF_REQUEST_HEADERS) {
      const answer = await send("GET", { [header]: "Bearer some-key" });
      expect(answer.status, header).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { answer: 42 } });
    }
    expect(CSRF_REQUEST_HEADERS).toContain("authorization");
  });
});
