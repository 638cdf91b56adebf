/**
 * OpenAPI 3.1 description of the ActivePlatform vendor API v1 order endpoints
 * as the emulator serves them (`GET /openapi.json`, no auth), from the
 * provider's docs and this folder's README.
 */
import { getOrderOperation, jsonOf } from "../shared/openapi-parts.ts";
import { ACTIVEPLATFORM_ORDER_STATUSES, ACTIVEPLATFORM_ORDER_TYPES } from "./activeplatform.data.ts";

const errorResponse = (description: string) => ({
  description,
  content: jsonOf("Error"),
});

const dateFilter = (field: string) => ({
  name: `filters[${field}]`,
  in: "query",
  description: `Orders whose ${field} starts with this date, as printed in the account's own UTC offset.`,
  schema: { type: "string", format: "date" },
});

/** The description served at `GET /openapi.json`. */
export const ACTIVEPLATFORM_OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "ActivePlatform vendor API v1: orders (emulator)",
    version: "1",
    description:
      "Bare JSON arrays without counts: a page shorter than per_page is the last. per_page has no upper bound: every page is served in full. Amounts carry no currency (the installation's). Authentication: the api_token query parameter; a missing or wrong one answers 403.",
  },
  servers: [{ url: "/", description: "this emulator" }],
  security: [{ apiToken: [] }],
  paths: {
    "/api/vendor/v1/orders.json": {
      get: {
        operationId: "listOrders",
        summary: "Orders, filtered, sorted and paged",
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
          // No maximum: the docs name none, and a page lowered to a cap would break "a short page is the last".
          { name: "per_page", in: "query", schema: { type: "integer", minimum: 1, default: 25 } },
          {
            name: "sorting[field]",
            in: "query",
            schema: {
              type: "string",
              enum: [
                "id",
                "document_id",
                "status",
                "account_id",
                "type",
                "created_at",
                "updated_at",
                "expiration_date",
                "total",
                "promo_code",
                "payment_id",
              ],
              default: "id",
            },
          },
          { name: "sorting[reversed]", in: "query", schema: { type: "boolean", default: false } },
          dateFilter("created_at"),
          dateFilter("updated_at"),
          { name: "filters[account_id]", in: "query", schema: { type: "integer" } },
          { name: "filters[type]", in: "query", schema: { type: "string", enum: [...ACTIVEPLATFORM_ORDER_TYPES] } },
          { name: "filters[status]", in: "query", schema: { type: "string", enum: [...ACTIVEPLATFORM_ORDER_STATUSES] } },
        ],
        responses: {
          "200": {
            description: "One page of orders.",
            content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Order" } } } },
          },
          "403": errorResponse("api_token missing or wrong."),
          "422": errorResponse("A parameter has an invalid value."),
        },
      },
    },
    "/api/vendor/v1/orders/{id}.json": {
      get: getOrderOperation({ "403": errorResponse("api_token missing or wrong."), "404": errorResponse("Unknown order.") }),
    },
  },
  components: {
    securitySchemes: { apiToken: { type: "apiKey", in: "query", name: "api_token" } },
    schemas: {
      Error: { type: "object", required: ["status", "error"], properties: { status: { type: "integer" }, error: { type: "string" } } },
      Item: {
        type: "object",
        properties: {
          id: { type: "integer" },
          target_id: { type: "integer" },
          target_type: { type: "string" },
          type: { type: "string" },
          status: { type: "string" },
          description: { type: "string" },
        },
      },
      Charge: {
        type: "object",
        properties: {
          id: { type: "integer" },
          subscription_id: { type: "integer" },
          type: { type: "string" },
          status: { type: "string" },
          description: { type: "string" },
          amount: { type: "number" },
          start_date: { type: "string", format: "date" },
          end_date: { type: "string", format: "date" },
          close_date: { type: ["string", "null"], format: "date" },
        },
      },
      Order: {
        type: "object",
        properties: {
          id: { type: "integer" },
          document_id: { type: "string" },
          status: { type: "string", enum: [...ACTIVEPLATFORM_ORDER_STATUSES] },
          account_id: { type: "integer" },
          type: { type: "string", enum: [...ACTIVEPLATFORM_ORDER_TYPES] },
          created_at: { type: "string", format: "date-time", description: "In the account's UTC offset." },
          updated_at: { type: "string", format: "date-time" },
          expiration_date: { type: "string", format: "date" },
          total: { oneOf: [{ type: "number" }, { type: "string" }], description: "A number, or a decimal string on some orders." },
          promo_code: { type: ["string", "null"] },
          payment_id: { type: ["integer", "null"] },
          items: { type: "array", items: { $ref: "#/components/schemas/Item" } },
          charges: { type: "array", items: { $ref: "#/components/schemas/Charge" } },
        },
      },
    },
  },
} as const;
