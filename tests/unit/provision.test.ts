/**
 * scripts/provision.sh, the step `npm test` runs first (pretest) and `.ci/run`
 * sources: run for real with PATH arranged so that binaries are missing. It
 * must install them with apt-get where it can, or stop at once with the
 * command to run; and `npm test` must not start the suite half-broken.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { onPath } from "../helpers/binaries.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "provision.sh");

let dir: string;
/** A bin directory holding only what the script may use: bash, id, node (this one), npm, and fakes. */
let bin: string;

function link(name: string, target: string | undefined): void {
  if (!target) throw new Error(`${name} is not on this machine's PATH`);
  symlinkSync(target, join(bin, name));
}

function script(path: string, text: string): void {
  writeFileSync(path, `#!/bin/bash\n${text}\n`);
  chmodSync(path, 0o755);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "og-provision-"));
  bin = join(dir, "bin");
  mkdirSync(bin);
  link("bash", onPath("bash"));
  link("id", onPath("id"));
  link("node", process.execPath);
  // sudo that runs its command: the script asks for it only when not root.
  script(join(bin, "sudo"), 'if [ "$1" = "-n" ]; then shift; fi; exec "$@"');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}, command = "bash") {
  const result = spawnSync(command, [SCRIPT, ...args], {
    env: { PATH: bin, HOME: dir, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("scripts/provision.sh", () => {
  it("stops at once naming the exact install command when binaries are missing and it may not install", () => {
    const result = run([], { ORDERGRAPH_PROVISION_INSTALL: "never" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/redis-server \(shared-cache and coordination tests\), chromium \(GraphiQL browser test\)/);
    expect(result.stderr).toMatch(/Install with: (sudo )?apt-get update && (sudo )?apt-get install -y redis-server chromium\n$/);
    // One message, no stack trace.
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("stops the same way where apt-get is not available", () => {
    const result = run([]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/apt-get install -y redis-server chromium/);
  });

  it("names only what is missing", () => {
    script(join(bin, "redis-server"), "exit 0");
    const result = run([], { ORDERGRAPH_PROVISION_INSTALL: "never" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/need chromium \(GraphiQL browser test\), not found/);
    expect(result.stderr).toMatch(/apt-get install -y chromium\n$/);
  });

  it("installs what is missing with apt-get, printing what it installs, then passes", () => {
    const log = join(dir, "apt.log");
    // apt-get that records its calls and, on install, puts the packages' binaries on PATH.
    script(
      join(bin, "apt-get"),
      `echo "$@" >> ${log}
if [[ " $* " == *" install "* ]]; then
  for p in "$@"; do case "$p" in redis-server|chromium) printf '#!/bin/bash\\nexit 0\\n' > ${bin}/$p; /bin/chmod 755 ${bin}/$p;; esac; done
fi`,
    );
    const result = run([]);
    expect(result.stderr).toMatch(/installing redis-server chromium from Debian's packages/);
    expect(result.status).toBe(0);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe("update -qq");
    expect(calls[1]).toBe("install -y -qq redis-server chromium");
    // Installed now: a second run does nothing.
    const again = run([]);
    expect(again.status).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("reports an install that did not bring the binary", () => {
    script(join(bin, "apt-get"), "exit 0");
    const result = run([]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/redis-server is installed but redis-server is still not found/);
  });

  it("takes the override variables the tests use (REDIS_SERVER, CHROMIUM_PATH)", () => {
    const redis = join(dir, "my-redis");
    const chromium = join(dir, "my-chromium");
    script(redis, "exit 0");
    script(chromium, "exit 0");
    expect(run([], { REDIS_SERVER: redis, CHROMIUM_PATH: chromium, ORDERGRAPH_PROVISION_INSTALL: "never" }).status).toBe(0);
    // An override that names nothing is missing, whatever PATH has.
    script(join(bin, "chromium"), "exit 0");
    const result = run([], { REDIS_SERVER: redis, CHROMIUM_PATH: join(dir, "nothing"), ORDERGRAPH_PROVISION_INSTALL: "never" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/need chromium/);
  });

  describe("Node", () => {
    let prefix: string;
    beforeEach(() => {
      // A machine whose node is 20, as Debian ships it.
      rmSync(join(bin, "node"));
      script(
        join(bin, "node"),
        `case "$*" in *process.versions*) echo 20;; *--version*) echo v20.20.2;; *) echo "node 20 must not run this" >&2; exit 3;; esac`,
      );
      prefix = join(dir, "node24");
    });

    it("runs the command with Node 24 from the prefix when the machine's node is older than 22", () => {
      mkdirSync(join(prefix, "node_modules", ".bin"), { recursive: true });
      symlinkSync(process.execPath, join(prefix, "node_modules", ".bin", "node"));
      const result = run(["--node", "--", "node", "-p", "process.versions.node"], { ORDERGRAPH_NODE_PREFIX: prefix });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(process.versions.node);
    });

    it("says at once what to run when it cannot fetch Node 24", () => {
      const result = run(["--node", "--", "node", "-v"], { ORDERGRAPH_NODE_PREFIX: prefix });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/needs Node.js 22 or newer, and this machine has v20.20.2 and no npm to fetch one/);
      expect(result.stderr).toContain(`Run: npm install --prefix ${prefix} node@24 && export PATH=${prefix}/node_modules/.bin:$PATH`);
    });

    it("installs Node 24 with npm when it is missing", () => {
      const log = join(dir, "npm.log");
      // npm that records the call and "installs" by linking this test's node (22+) into the prefix.
      script(
        join(bin, "npm"),
        `echo "$@" >> ${log}; /bin/mkdir -p ${prefix}/node_modules/.bin && /bin/ln -s ${process.execPath} ${prefix}/node_modules/.bin/node`,
      );
      const result = run(["--node", "--", "node", "-p", "process.versions.node"], { ORDERGRAPH_NODE_PREFIX: prefix });
      expect(result.stderr).toMatch(/node v20.20.2 is older than 22: installing node@24 from the npm registry/);
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(process.versions.node);
      expect(readFileSync(log, "utf8")).toMatch(/^install --prefix \S+node24 .*node@24$/m);
    });
  });

  it("keeps `npm test` from starting the suite when a service is missing", () => {
    link("npm", onPath("npm"));
    link("sh", onPath("sh"));
    const result = spawnSync("npm", ["test", "--", "--reporter=verbose"], {
      cwd: ROOT,
      env: { PATH: bin, HOME: dir, ORDERGRAPH_PROVISION_INSTALL: "never", npm_config_update_notifier: "false" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/provision: the tests need redis-server .*apt-get install -y redis-server chromium/);
    // vitest never started.
    expect(result.stdout).not.toMatch(/RUN|Test Files/);
  });

  it("is the step both `npm test` and .ci/run take", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.pretest).toBe("bash scripts/provision.sh");
    expect(scripts.test).toMatch(/^bash scripts\/provision.sh --node -- vitest run$/);
    const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^source scripts\/provision.sh$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
