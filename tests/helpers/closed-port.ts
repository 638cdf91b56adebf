/**
 * A loopback port nothing listens on, for a provider that is down: one the
 * system just handed out and took back (port 1 is only closed by convention).
 */
import { createServer } from "node:net";

/** A port of 127.0.0.1 that refuses connections (until something else takes it). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("the probe server had no address");
  return address.port;
}
