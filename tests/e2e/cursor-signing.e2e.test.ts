/**
 * Cursors are signed with the server's key (`server.cursorSecret`): a client
 * that edits a cursor and recomputes an unkeyed hash over it is refused with
 * BAD_USER_INPUT, before any provider is asked; replicas sharing the secret
 * read each other's cursors, and a server with another (or a random) key
 * refuses them.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { OrdersPageDocument } from "../../src/generated/client/graphql.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const SECRET = "the-replicas-cursor-secret-0123456789";
let emulator: CsCartEmulator;
let first: TestServer;
let replica: TestServer;
let stranger: TestServer;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 40 });
  const start = (server: Record<string, unknown>) =>
    startTestServer({ definitions: [csCartDefinition], providers: [csCartEntry(emulator)], server });
  [first, replica, stranger] = await Promise.all([start({ cursorSecret: SECRET }), start({ cursorSecret: SECRET }), start({})]);
});

afterAll(async () => {
  await Promise.all([first?.close(), replica?.close(), stranger?.close()]);
  await emulator?.close();
});

/** Edits a cursor's JSON body and "signs" it again the way a client can: an unkeyed sha256 of the edited body. */
function rehashed(cursor: string, edit: (body: string) => string, length: number): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const body = edit(text.slice(0, text.lastIndexOf(".")));
  const checksum = createHash("sha256").update(body).digest("base64url").slice(0, length);
  return Buffer.from(`${body}.${checksum}`).toString("base64url");
}

/** Moves every native index in a cursor 20 rows on: a position the server never handed out. */
const skipAhead = (body: string) => body.replace(/"(i|shop-cscart)":(\d+)/g, (_m, key: string, n: string) => `"${key}":${Number(n) + 20}`);

describe("signed cursors", () => {
  it("refuses an edited and re-hashed cursor with BAD_USER_INPUT, and asks no provider", async () => {
    const page = await first.run(OrdersPageDocument, { first: 5 });
    expect(page.errors).toBeUndefined();
    const cursor = page.data?.orders.pageInfo.endCursor as string;
    expect(cursor).toBeTruthy();
    const calls = emulator.requests.length;
    for (const length of [16, 22, 43]) {
      const forged = rehashed(cursor, skipAhead, length);
      expect(forged).not.toBe(cursor);
      const answer = await first.run(OrdersPageDocument, { first: 5, after: forged });
      expect(answer.data?.orders ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
      expect(answer.errors?.[0]?.message).toMatch(/^after: .*bad signature/);
    }
    expect(emulator.requests.length).toBe(calls);
    // The cursor as handed out still works.
    const next = await first.run(OrdersPageDocument, { first: 5, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data?.orders.edges).toHaveLength(5);
  });

  it("is read by a replica with the same cursorSecret, and refused by a server with another key", async () => {
    const page = await first.run(OrdersPageDocument, { first: 5 });
    const cursor = page.data?.orders.pageInfo.endCursor as string;
    const here = await first.run(OrdersPageDocument, { first: 5, after: cursor });
    const there = await replica.run(OrdersPageDocument, { first: 5, after: cursor });
    expect(there.errors).toBeUndefined();
    expect(there.data?.orders.edges.map((e) => e.node.id)).toEqual(here.data?.orders.edges.map((e) => e.node.id));
    const refused = await stranger.run(OrdersPageDocument, { first: 5, after: cursor });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
    expect(refused.errors?.[0]?.message).toMatch(/another cursor secret/);
  });
});
