/**
 * GraphiQL in a real browser (Debian's chromium driven by playwright-core),
 * from the demo, with every request to another host refused: the page must
 * work from the server's own assets, run a query with the pre-filled demo key,
 * and run a mutation, all under the page's Content-Security-Policy without
 * one violation of it.
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
  // Chromium reports what the CSP blocked on the console ("Refused to ...") and as securitypolicyviolation events.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
  // Browser code as text: the tests are type-checked without the DOM library.
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) => reportViolation(event.violatedDirective + " " + event.blockedURI));`,
  });
  await page.goto(`${demo.url}${path}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
  return { page, context, foreign, errors, violations };
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
    const { page, context, foreign, errors, violations } = await openPage("/graphiql");
    const text = await runAndRead(page);
    expect(text).toContain('"orders"');
    expect(text).toContain('"nodes"');
    expect(text).toMatch(/"number": "\d+"/);
    expect(text).not.toContain("UNAUTHENTICATED");
    await page.screenshot({ path: join(OUTPUT, "graphiql-query.png"), fullPage: true });
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("opens its dialogs and docs without a CSP violation", async () => {
    const { page, context, errors, violations } = await openPage("/graphiql");
    // The dialogs insert <style> elements of their own (see graphiqlPage).
    for (const label of ["Show Documentation Explorer", "Show History", "Open settings dialog", "Open short keys dialog"]) {
      await page.locator(`[aria-label="${label}"]`).first().click();
      await page.keyboard.press("Escape");
    }
    await page.locator(".graphiql-query-editor .CodeMirror").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nquery More { ord");
    await page.keyboard.press("Control+Space");
    await page.locator(".CodeMirror-hints").waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("is served under a CSP that blocks an injected inline script and framing", async () => {
    const { page, context, violations } = await openPage("/graphiql");
    const policy = (await page.request.get(`${demo.url}/graphiql`)).headers()["content-security-policy"] ?? "";
    expect(policy).toContain("frame-ancestors 'none'");
    const scriptSources = /(?:^|; )script-src ([^;]*)/.exec(policy)?.[1] ?? "";
    expect(scriptSources).toMatch(/^'self' 'sha256-[A-Za-z0-9+/]+=*'$/);
    expect(policy).not.toContain("'unsafe-eval'");
    // What an injection into the page would try: an inline script of its own.
    const ran = await page.evaluate(`(async () => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true;";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return window.injected === true;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => violations.filter((v) => v.startsWith("script-src")).length).toBeGreaterThanOrEqual(1);
    // A page elsewhere (here: the same server's /healthz, any document will do) cannot frame GraphiQL.
    const framing = await context.newPage();
    const refused: string[] = [];
    framing.on("console", (message) => {
      if (/frame-ancestors/.test(message.text())) refused.push(message.text());
    });
    await framing.goto(`${demo.url}/healthz`);
    await framing.evaluate(
      `document.body.append(Object.assign(document.createElement("iframe"), { src: ${JSON.stringify(`${demo.url}/graphiql`)} }))`,
    );
    await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
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
    const { page, context, foreign, violations } = await openPage(`/graphiql?query=${encodeURIComponent(mutation)}`);
    const text = await runAndRead(page);
    expect(text).toContain('"status": "PROCESSING"');
    expect(text).toContain('"userErrors": []');
    await page.screenshot({ path: join(OUTPUT, "graphiql-mutation.png"), fullPage: true });
    expect(foreign).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });
});
