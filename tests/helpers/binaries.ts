/**
 * Where the tests find the binaries of their services: the override variable
 * first, then PATH, as scripts/provision.sh (the `pretest` step) looks for them.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Chromium for the browser tests: CHROMIUM_PATH, else `chromium` on PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? onPath("chromium") ?? "/usr/bin/chromium";
}

/** redis-server for the coordination and shared-cache tests: REDIS_SERVER, else `redis-server` on PATH. */
export function redisServerPath(): string {
  return process.env.REDIS_SERVER ?? onPath("redis-server") ?? "redis-server";
}
