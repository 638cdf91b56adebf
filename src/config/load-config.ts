/**
 * Loads the config file: YAML or JSON, `${ENV}` interpolation for secrets,
 * validation with errors that name the key path.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { configSchema, type OrdergraphConfig } from "./config.schema.ts";

/** A config problem, with every issue's key path in the message. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Formats a key path as `providers[0].credentials.apiKey`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

/** Turns zod issues into ConfigError lines, prefixed by a base path. */
export function issuesOf(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return error.issues.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`);
}

/** Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed document. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = [], missing: string[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      missing.push(`${formatPath(path)}: environment variable ${name} is not set`);
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...path, i], missing));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k], missing)]));
  }
  return value;
}

/** Parses and validates config text (YAML is a superset of JSON, so both parse). */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env, source = "config"): OrdergraphConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${source}: not valid YAML or JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`]);
  }
  const missing: string[] = [];
  const interpolated = interpolateEnv(raw, env, [], missing);
  if (missing.length > 0) throw new ConfigError(missing);
  const result = configSchema.safeParse(interpolated);
  if (!result.success) throw new ConfigError(issuesOf(result.error));
  return result.data;
}

/** Reads the config file named by `--config` or ORDERGRAPH_CONFIG. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<OrdergraphConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  return parseConfig(text, env, path);
}
