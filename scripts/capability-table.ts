/**
 * Rewrites the README's provider capability table from the connectors' own
 * tables (`npm run docs:capabilities`); tests/unit/readme.test.ts fails when
 * the README and the code disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { capabilityTableMarkdown } from "../src/providers/capability-table.ts";
import { PROVIDER_DEFINITIONS } from "../src/providers/registry.ts";

const START = "<!-- capabilities:start -->";
const END = "<!-- capabilities:end -->";
const readme = readFileSync("README.md", "utf8");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error("README.md has no capabilities markers");
const table = capabilityTableMarkdown(PROVIDER_DEFINITIONS);
writeFileSync("README.md", `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`);
process.stdout.write(`${table}\n`);
