/**
 * The compiled executor on its own, without Apollo's plugins in front: it runs
 * only the operation the client named, and none when the name matches nothing.
 */
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { compiledExecution } from "../../src/server/compiled-execution.ts";

const SCHEMA = buildSchema(`
  type Query { ping: String }
  type Mutation { write: String }
`);

async function executorFor(writes: string[]) {
  const root = SCHEMA.getMutationType()?.getFields().write;
  if (root)
    root.resolve = () => {
      writes.push("write");
      return "written";
    };
  const query = SCHEMA.getQueryType()?.getFields().ping;
  if (query) query.resolve = () => "pong";
  const loaded = await compiledExecution(SCHEMA)?.load({
    apollo: { key: "", keyHash: "", graphRef: "", graphId: "", graphVariant: "" },
  } as never);
  const executor = loaded?.executor;
  if (!executor) throw new Error("no executor");
  return executor;
}

/** What Apollo hands the executor: the operation it resolved (none when the name matched nothing) and the request. */
function gatewayRequest(source: string, operationName: string | undefined, resolved: boolean) {
  const document = parse(source);
  const operation = resolved ? document.definitions[0] : undefined;
  return { document, operation, operationName: null, context: {}, request: { operationName, variables: {} } } as never;
}

describe("compiledExecution", () => {
  it("runs no operation when the client's name matches none, even when the document holds only one", async () => {
    const writes: string[] = [];
    const executor = await executorFor(writes);
    const result = await executor(gatewayRequest("mutation Write { write }", "Other", false));
    expect(writes).toEqual([]);
    expect(result?.data).toBeUndefined();
    expect(result?.errors?.[0]?.message).toBe('Unknown operation named "Other".');
  });

  it("runs the operation the client named", async () => {
    const writes: string[] = [];
    const executor = await executorFor(writes);
    const result = await executor(gatewayRequest("mutation Write { write }", "Write", true));
    expect(writes).toEqual(["write"]);
    expect(result?.data).toEqual({ write: "written" });
  });
});
