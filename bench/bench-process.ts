/**
 * The bench runs each server (ordergraph, the limit baseline, the peer, the
 * emulators) in its own child process, so CPU and memory are measured per
 * process and the load generator does not share an event loop with what it
 * measures. This file is the small IPC protocol between them: the child
 * answers commands (peak RSS, CPU time, stop, and its own ones); the parent
 * forks, waits for "ready" and calls commands.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A command a child answers. */
export type CommandHandler = (args: unknown) => unknown;

interface Request {
  id: number;
  command: string;
  args?: unknown;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** Bytes as MB, to 0.1. */
export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Resident set size sampled often enough to see the peak of one scenario. */
const SAMPLE_MS = 20;

/**
 * Child side: tells the parent it is ready (with `info`, e.g. its URL) and
 * answers commands. `peak`, `resetPeak`, `cpu`, `liveMemory` and `stop` are built in.
 */
export function serveParent(info: Record<string, unknown>, commands: Record<string, CommandHandler>, stop: () => Promise<void>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("bench process started without an IPC channel: run it through bench/run-bench.ts");
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  sampler.unref();
  const builtIn: Record<string, CommandHandler> = {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    resetPeak: () => {
      peak = process.memoryUsage.rss();
      return peak;
    },
    cpu: () => process.cpuUsage(),
    // What is still reachable: a full collection first (the process must run with --expose-gc), then
    // the heap in use plus memory held outside it (Buffers). Unlike RSS, this does not depend on how
    // far V8 chose to grow its heap before collecting.
    liveMemory: () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error("liveMemory needs the process started with --expose-gc");
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.external;
    },
    stop: async () => {
      clearInterval(sampler);
      await stop();
      // Exit after the reply is flushed; --cpu-prof writes its profile on a normal exit.
      setImmediate(() => process.exit(0));
      return true;
    },
  };
  process.on("message", (message: Request) => {
    void (async () => {
      const handler = commands[message.command] ?? builtIn[message.command];
      const reply: Reply = { id: message.id };
      try {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        reply.result = await handler(message.args);
      } catch (error) {
        reply.error = error instanceof Error ? error.message : String(error);
      }
      send(reply);
    })();
  });
  // The parent going away must not leave servers behind.
  process.on("disconnect", () => process.exit(0));
  send({ ready: info });
}

/** Parent side: a forked bench process. */
export interface BenchProcess<Info> {
  readonly child: ChildProcess;
  readonly info: Info;
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** Asks the child to stop and waits for it to exit. */
  stop(): Promise<void>;
}

/** Forks `script` and waits until it reports ready (or fails). */
export async function startBenchProcess<Info>(
  script: string,
  options: { env?: Record<string, string>; execArgv?: string[]; cwd?: string; timeoutMs?: number } = {},
): Promise<BenchProcess<Info>> {
  const child = fork(script, [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    cwd: options.cwd,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start within ${options.timeoutMs ?? 60_000} ms`)),
      options.timeoutMs ?? 60_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before it was ready`));
    });
    child.on("message", (message: { ready?: Info } & Reply) => {
      if (message.ready !== undefined) {
        clearTimeout(timer);
        resolve(message.ready);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`${script}: ${message.error}`));
      else waiter.resolve(message.result);
    });
  });
  child.once("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (${code})`));
    pending.clear();
  });
  const call = <T>(command: string, args?: unknown): Promise<T> => {
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command, args } satisfies Request);
    });
  };
  return {
    child,
    info,
    call,
    async stop() {
      if (child.exitCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      try {
        await call("stop");
      } catch {
        // Already gone.
      }
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Compiles the measured servers (ordergraph and the limit) with the project's
 * `tsc` into dist/bench/ and returns the path of the compiled `name`, so they
 * run as shipped JavaScript (`ordergraph serve` runs dist/src/cli.js). Run
 * from the TypeScript sources, Node loads its type stripper (about 20 MB of
 * RSS) into the process whose memory is measured.
 */
export function compiledBenchScript(name: "ordergraph-process" | "baseline-limit" | "baseline-apollo"): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  if (!compiled) {
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [tsc, "-p", join(root, "bench", "tsconfig.build.json")], { stdio: ["ignore", "inherit", "inherit"] });
    compiled = true;
  }
  return join(root, "dist", "bench", `${name}.js`);
}
let compiled = false;

/**
 * Node flags of the ordergraph process: those docs/operations.md recommends
 * for production. A young generation of 2 × 4 MB: V8's default grows it to
 * 2 × 32 MB on this machine, all of it resident.
 */
export const RECOMMENDED_NODE_OPTIONS = ["--max-semi-space-size=4"];

/** ordergraph in its own process, compiled, as `ordergraph serve` builds it from `config`, with these node flags. */
export function startOrdergraph(config: unknown, execArgv: string[]): Promise<BenchProcess<{ url: string }>> {
  return startBenchProcess<{ url: string }>(compiledBenchScript("ordergraph-process"), {
    env: { BENCH_CONFIG: JSON.stringify(config), NODE_ENV: "production" },
    execArgv,
  });
}
