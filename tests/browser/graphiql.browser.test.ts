/**
 * GraphiQL in a real browser (Debian's chromium driven by playwright-core),
 * from the demo, with every request to another host refused: the page must
 * work from the server's own assets, run a query with the pre-filled demo key,
 * and run a mutation.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDemo, startDemo } from "../../src/demo/demo.ts";
import { chromiumPath } from "../helpers/binaries.ts";

const CHROMIUM = chromiumPath();
const OUTPUT = join(process.cwd(), "test-output", "browser");
let demo: RunningDemo;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  demo = await startDemo({ port: 0, key: "browser-test-key-0123456789" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function openPage(path: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const foreign: string[] = [];
  const origin = new URL(demo.url).origin;
  // The network is cut off: anything not served by the demo itself is refused and recorded.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    foreign.push(url);
    return route.abort("internetdisconnected");
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${demo.url}${path}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
  return { page, context, foreign, errors };
}

async function runAndRead(page: import("playwright-core").Page): Promise<string> {
  await page.click(".graphiql-execute-button");
  const result = page.locator(".result-window");
  await expect
    .poll(async () => (await result.innerText()).includes('"data"') || (await result.innerText()).includes('"errors"'), { timeout: 20_000 })
    .toBe(true);
  return result.innerText();
}

describe("GraphiQL in Chromium, offline", () => {
  it("runs the pre-filled query with the demo key and shows orders", async () => {
    const { page, context, foreign, errors } = await openPage("/graphiql");
    const text = await runAndRead(page);
    expect(text).toContain('"orders"');
    expect(text).toContain('"nodes"');
    expect(text).toMatch(/"number": "\d+"/);
    expect(text).not.toContain("UNAUTHENTICATED");
    await page.screenshot({ path: join(OUTPUT, "graphiql-query.png"), fullPage: true });
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("runs a mutation", async () => {
    const list = await fetch(`${demo.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${demo.key}` },
      body: JSON.stringify({ query: '{ orders(first: 1, providers: ["shop-cscart"]) { nodes { id } } }' }),
    });
    const id = ((await list.json()) as { data: { orders: { nodes: Array<{ id: string }> } } }).data.orders.nodes[0]!.id;
    const mutation = `mutation { updateOrderStatus(input: { orderId: "${id}", status: PROCESSING }) { order { status } userErrors { code } } }`;
    const { page, context, foreign } = await openPage(`/graphiql?query=${encodeURIComponent(mutation)}`);
    const text = await runAndRead(page);
    expect(text).toContain('"status": "PROCESSING"');
    expect(text).toContain('"userErrors": []');
    await page.screenshot({ path: join(OUTPUT, "graphiql-mutation.png"), fullPage: true });
    expect(foreign).toEqual([]);
    await context.close();
  });
});
