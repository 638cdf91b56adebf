/**
 * The stack floor: Apollo Server 5 on Fastify (through @as-integrations/fastify,
 * as ordergraph serves it) with a one-field schema and Apollo's defaults, no
 * plugin of ordergraph's, no auth, no provider. The bench sends it
 * `{ __typename }` only, beside ordergraph and the limit's bare Fastify route,
 * so that its report can tell what of ordergraph's cost per operation is the
 * HTTP server, what is Apollo's request pipeline, and what is ordergraph's own.
 *
 * Runs in its own process (started by bench/run-bench.ts).
 */
import { ApolloServer } from "@apollo/server";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify from "fastify";
import { serveParent } from "./bench-process.ts";

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const apollo = new ApolloServer({
  typeDefs: "type Query { ok: Boolean! }",
  resolvers: { Query: { ok: () => true } },
  plugins: [fastifyApolloDrainPlugin(app)],
});
await apollo.start();
app.route({ url: "/graphql", method: ["GET", "POST", "OPTIONS"], handler: fastifyApolloHandler(apollo) });

const url = await app.listen({ port: 0, host: "127.0.0.1" });
serveParent({ url }, {}, () => apollo.stop());
