/**
 * GraphiQL served from the package's own files (react, react-dom, graphiql UMD
 * builds in node_modules): no CDN, so it works with the network off.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The static files the page loads, by the name it uses. */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  "react.js": { module: "react", file: "umd/react.production.min.js", type: "text/javascript; charset=utf-8" },
  "react-dom.js": { module: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.js": { module: "graphiql", file: "graphiql.min.js", type: "text/javascript; charset=utf-8" },
  "graphiql.css": { module: "graphiql", file: "graphiql.min.css", type: "text/css; charset=utf-8" },
};

const cache = new Map<string, Buffer>();

/** Reads one asset; null for names that are not ours. */
export async function graphiqlAsset(name: string): Promise<{ body: Buffer; type: string } | null> {
  const asset = ASSETS[name];
  if (!asset) return null;
  let body = cache.get(name);
  if (!body) {
    const packageDir = dirname(require.resolve(`${asset.module}/package.json`));
    body = await readFile(join(packageDir, asset.file));
    cache.set(name, body);
  }
  return { body, type: asset.type };
}

const DEFAULT_QUERY = `# Welcome to ordergraph. Press the run button (or Ctrl-Enter).
query NewestOrders {
  orders(first: 10) {
    totalCount
    nodes {
      id
      provider { id kind }
      number
      status
      nativeStatus { code label }
      createdAt
      total { amount currency }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

function escapeForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A GraphiQL page and the Content-Security-Policy that lets exactly it run. */
export interface GraphiqlPage {
  html: string;
  contentSecurityPolicy: string;
}

/** The CSP source of an inline script's text: its sha256, so no nonce (and no 'unsafe-inline') is needed. */
function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The HTML page (with a demo key, the Authorization header is pre-filled) and
 * its CSP: scripts from this server's /graphiql/assets and the page's own
 * inline bootstrap script (by hash), nothing else; requests, images and fonts
 * from this origin only; no framing (`frame-ancestors 'none'`), no plugins, no
 * `<base>` or form targets elsewhere.
 *
 * Styles allow 'unsafe-inline': GraphiQL's dialogs (react-remove-scroll)
 * insert `<style>` elements whose text holds the measured scrollbar width, so
 * no hash can list them, and the bundle's nonce hook is internal to it. An
 * injected style can load nothing from elsewhere (img-src, font-src), and
 * scripts stay hash-only.
 */
export function graphiqlPage(options: { endpoint: string; demoKey?: string | undefined }): GraphiqlPage {
  const headers = options.demoKey ? JSON.stringify({ Authorization: `Bearer ${options.demoKey}` }, null, 2) : "";
  const script = `
  const endpoint = ${escapeForScript(options.endpoint)};
  const fetcher = GraphiQL.createFetcher({ url: endpoint });
  // ?query=... opens GraphiQL with that document (links from docs, tests).
  const params = new URLSearchParams(window.location.search);
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: ${escapeForScript(DEFAULT_QUERY)},
    query: params.get("query") || undefined,
    defaultHeaders: ${escapeForScript(headers)},
    headers: ${escapeForScript(headers)},
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: ${options.demoKey ? "'headers'" : "false"},
  }));
`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ordergraph · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>${script}</script>
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' ${hashSource(script)}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return { html, contentSecurityPolicy };
}
