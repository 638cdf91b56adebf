/**
 * Refuses unintended breaking changes of the public API (`npm run schema:check`):
 * diffs the schema the code builds against the last committed schema.graphql
 * with GraphQL Inspector, prints every change with its criticality, and exits
 * 1 when a breaking change is not listed as intended in schema-changes.json.
 *
 * schema-changes.json: `{ "intended": [{ "path": "Order.number", "reason": "…" }] }`;
 * an entry matches a change by its `path` (as Inspector prints it) and, when
 * given, its `message` too. Entries whose change is already committed are
 * reported as stale and can be removed.
 *
 *   node scripts/check-schema.ts [--ref <git revision, default HEAD>] [--against <sdl file>]
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Change, CriticalityLevel, diff } from "@graphql-inspector/core";
import { projectRoot } from "../src/server/paths.ts";
import { apiSchema, graphql, publicSdl, SCHEMA_FILE } from "./print-schema.ts";

/** The file listing intended breaking changes, relative to the project root. */
export const INTENDED_CHANGES_FILE = "schema-changes.json";

/** A breaking change someone decided to make, with why. */
export interface IntendedChange {
  /** The change's path as Inspector reports it, e.g. `Order.number` or `Query.orders.first`. */
  path?: string | undefined;
  /** The change's message, to tell apart several changes of one path. */
  message?: string | undefined;
  reason: string;
}

/** One change between the committed and the current schema. */
export interface SchemaChange {
  level: "BREAKING" | "DANGEROUS" | "NON_BREAKING";
  type: string;
  path: string | null;
  message: string;
  /** The intended-change entry that allows it (breaking changes only). */
  intended: IntendedChange | null;
}

/** The result of a check: every change, and whether the check passes. */
export interface SchemaCheckResult {
  changes: SchemaChange[];
  /** Breaking changes that no intended entry allows: the check fails when there is one. */
  unintended: SchemaChange[];
  /** Intended entries that matched no change (already committed, or misspelt). */
  stale: IntendedChange[];
  ok: boolean;
}

const LEVELS: Record<CriticalityLevel, SchemaChange["level"]> = {
  [CriticalityLevel.Breaking]: "BREAKING",
  [CriticalityLevel.Dangerous]: "DANGEROUS",
  [CriticalityLevel.NonBreaking]: "NON_BREAKING",
};

const matches = (entry: IntendedChange, change: Change) =>
  (entry.path !== undefined || entry.message !== undefined) &&
  (entry.path === undefined || entry.path === change.path) &&
  (entry.message === undefined || entry.message === change.message);

/** Compares two SDL texts; breaking changes pass only when an intended entry matches them. */
export async function checkSchemaChanges(
  previousSdl: string,
  currentSdl: string,
  intended: readonly IntendedChange[] = [],
): Promise<SchemaCheckResult> {
  const found = await diff(graphql.buildSchema(previousSdl), graphql.buildSchema(currentSdl));
  const used = new Set<IntendedChange>();
  const changes = found.map((change): SchemaChange => {
    const level = LEVELS[change.criticality.level];
    const entry = level === "BREAKING" ? (intended.find((e) => matches(e, change)) ?? null) : null;
    if (entry) used.add(entry);
    return { level, type: String(change.type), path: change.path ?? null, message: change.message, intended: entry };
  });
  const unintended = changes.filter((c) => c.level === "BREAKING" && !c.intended);
  return { changes, unintended, stale: intended.filter((e) => !used.has(e)), ok: unintended.length === 0 };
}

/** Reads and checks schema-changes.json; a missing file means nothing is intended. */
export function parseIntendedChanges(text: string): IntendedChange[] {
  const parsed = JSON.parse(text) as { intended?: unknown };
  if (!Array.isArray(parsed.intended)) throw new Error(`${INTENDED_CHANGES_FILE}: "intended" must be an array`);
  return parsed.intended.map((entry: unknown, index) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof e[key] === "string" && e[key] !== "" ? (e[key] as string) : undefined);
    if (!text("reason")) throw new Error(`${INTENDED_CHANGES_FILE}: intended[${index}] needs a "reason"`);
    if (!text("path") && !text("message")) throw new Error(`${INTENDED_CHANGES_FILE}: intended[${index}] needs a "path" or a "message"`);
    return { path: text("path"), message: text("message"), reason: text("reason") as string };
  });
}

/** The lines the CLI prints for a result. */
export function formatSchemaCheck(result: SchemaCheckResult): string[] {
  const lines = result.changes.map(
    (c) => `${c.level.padEnd(12)} ${c.path ?? "(schema)"}: ${c.message}${c.intended ? `  [intended: ${c.intended.reason}]` : ""}`,
  );
  if (result.changes.length === 0) lines.push("no changes against the previous schema");
  for (const entry of result.stale) {
    lines.push(
      `note: intended change ${entry.path ?? entry.message} matches no change (already committed?): remove it from ${INTENDED_CHANGES_FILE}`,
    );
  }
  lines.push(
    result.ok
      ? `schema check passed (${result.changes.length} change(s))`
      : `schema check FAILED: ${result.unintended.length} unintended breaking change(s); if intended, list them in ${INTENDED_CHANGES_FILE} with a reason`,
  );
  return lines;
}

/** schema.graphql at a git revision, or null outside a git checkout or where the revision has no such file. */
function committedSchema(root: string, ref: string): string | null {
  try {
    return execFileSync("git", ["show", `${ref}:${SCHEMA_FILE}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
}

if (import.meta.main) {
  // --ref compares against another revision (e.g. origin/main in a pull request),
  // --against against a file (e.g. the schema a deployed version serves).
  const { values } = parseArgs({ options: { ref: { type: "string", default: "HEAD" }, against: { type: "string" } } });
  const root = projectRoot();
  const previous = values.against ? readFileSync(values.against, "utf8") : committedSchema(root, values.ref);
  if (previous === null) {
    process.stdout.write(
      `note: no ${SCHEMA_FILE} at ${values.ref} (not a git checkout, or not committed yet): nothing to compare, check passed\n`,
    );
  } else {
    const intendedFile = join(root, INTENDED_CHANGES_FILE);
    const intended = existsSync(intendedFile) ? parseIntendedChanges(readFileSync(intendedFile, "utf8")) : [];
    const result = await checkSchemaChanges(previous, publicSdl(apiSchema()), intended);
    process.stdout.write(`${formatSchemaCheck(result).join("\n")}\n`);
    if (!result.ok) process.exitCode = 1;
  }
}
