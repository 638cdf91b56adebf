/** Starts a throwaway redis-server (Debian's package) on a free loopback port. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { redisServerPath } from "./binaries.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server without persistence; fails loudly when the binary is missing. */
export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const binary = redisServerPath();
  const child: ChildProcess = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const failed = new Promise<never>((_resolve, reject) =>
    child.once("error", (error) =>
      reject(
        new Error(
          `cannot start ${binary}: ${error.message} (npm test's pretest step, scripts/provision.sh, installs Debian's redis-server)`,
        ),
      ),
    ),
  );
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = createServer().listen(port, "127.0.0.1");
        socket.once("listening", () => socket.close(() => resolve(false)));
        socket.once("error", () => resolve(true));
      });
      if (ok) return;
      await sleep(50);
    }
    throw new Error("redis-server did not start listening");
  })();
  await Promise.race([ready, failed]);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
