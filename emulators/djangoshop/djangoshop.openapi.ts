/**
 * OpenAPI 3.1 description of the djangoshop orders API (a Django REST
 * Framework shop) as the emulator serves it (`GET /openapi.json`, no auth),
 * from the provider's excerpt, stock DRF behaviour and this folder's README.
 */
import { DJANGOSHOP_STATUSES } from "./djangoshop.data.ts";

// The emulator's ordering fields, repeated here: importing them would make the two modules import each other.
const ORDERING_FIELDS = [
  "id",
  "status",
  "customer__id",
  "customer__username",
  "customer__first_name",
  "customer__last_name",
  "shipping_cost",
  "created_at",
  "updated_at",
];

const detail = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Detail" } } },
});

const query = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "query",
  description,
  schema,
});

const idFilters = ["customer", "payment_method", "shipping_method", "billing_country", "billing_state", "billing_city"].flatMap((name) => [
  query(name, `Id of the order's ${name.replace("_", " ")}.`, { type: "integer" }),
  query(`${name}_in`, "Comma list of ids."),
]);

const hasFilters = [
  "customer",
  "payment_method",
  "shipping_method",
  "billing_country",
  "billing_state",
  "billing_city",
  "billing_address",
  "billing_postal_code",
  "billing_national_code",
  "billing_mobile_number",
  "billing_first_name",
  "billing_last_name",
  "notes",
].map((name) => query(`has_${name}`, `Whether the order has a ${name.replaceAll("_", " ")}.`, { type: "boolean" }));

const nullableObject = { type: ["object", "null"], additionalProperties: true } as const;

/** The description served at `GET /openapi.json`. */
export const DJANGOSHOP_OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "djangoshop orders API (emulator)",
    version: "1",
    description:
      'A read-only DRF viewset with limit/offset paging (at most 100 per page). Amounts are integers in minor units of the shop currency. Authentication: `Authorization: Token <key>` of a staff user. Paths end with "/" (without it: 301).',
  },
  servers: [{ url: "/", description: "this emulator" }],
  security: [{ token: [] }],
  paths: {
    "/api/orders/": {
      get: {
        operationId: "listOrders",
        summary: "Orders, filtered, searched, ordered and paged",
        parameters: [
          query("limit", "Page size (default 20, at most 100).", { type: "integer", minimum: 1, maximum: 100, default: 20 }),
          query("offset", "Rows to skip.", { type: "integer", minimum: 0, default: 0 }),
          query("ordering", `Comma list of ${ORDERING_FIELDS.join(", ")}, each optionally prefixed with "-"; default -created_at,-id.`),
          query("search", "Whitespace-separated terms, each contained in one of the searched fields."),
          query("status", "Status.", { type: "string", enum: [...DJANGOSHOP_STATUSES] }),
          query("status_in", "Comma list of statuses."),
          ...idFilters,
          query("shipping_cost_min", "Inclusive, minor units.", { type: "number" }),
          query("shipping_cost_max", "Inclusive, minor units.", { type: "number" }),
          query("id_min", "Inclusive.", { type: "integer" }),
          query("id_max", "Inclusive.", { type: "integer" }),
          ...hasFilters,
          query("created_date", "UTC date of created_at.", { type: "string", format: "date" }),
          query("updated_date", "UTC date of updated_at.", { type: "string", format: "date" }),
          query("created_from", "Inclusive; a date or a date-time."),
          query("created_to", "Inclusive; a date covers its whole UTC day."),
          query("updated_from", "Inclusive; a date or a date-time."),
          query("updated_to", "Inclusive; a date covers its whole UTC day."),
        ],
        responses: {
          "200": {
            description: "A page of orders in DRF's limit/offset envelope.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/OrderPage" } } },
          },
          "400": {
            description: "Invalid filter values: a list of messages per field.",
            content: {
              "application/json": { schema: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } } },
            },
          },
          "401": detail("Missing or invalid token."),
          "403": detail("The token's user is not staff."),
        },
      },
    },
    "/api/orders/{id}/": {
      get: {
        operationId: "getOrder",
        summary: "One order",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": { description: "The order.", content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
          "401": detail("Missing or invalid token."),
          "403": detail("The token's user is not staff."),
          "404": detail("Unknown order."),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      token: { type: "apiKey", in: "header", name: "Authorization", description: "`Token <key>` (DRF TokenAuthentication)." },
    },
    schemas: {
      Detail: { type: "object", required: ["detail"], properties: { detail: { type: "string" } } },
      OrderPage: {
        type: "object",
        required: ["count", "next", "previous", "results"],
        properties: {
          count: { type: "integer" },
          next: { type: ["string", "null"], format: "uri" },
          previous: { type: ["string", "null"], format: "uri" },
          results: { type: "array", items: { $ref: "#/components/schemas/Order" } },
        },
      },
      OrderItem: {
        type: "object",
        properties: {
          id: { type: "integer" },
          product: { type: ["integer", "null"] },
          product_name: { type: ["string", "null"] },
          product_data: {
            type: "object",
            properties: { name: { type: "string" }, sku: { type: "string" }, price: { type: "integer" }, category: { type: "string" } },
          },
          unit_price: { type: "integer" },
          unit_discount: { type: "integer" },
          quantity: { type: "integer" },
          notes: { type: "string" },
          subtotal: { type: "integer" },
          discount: { type: "integer" },
          total: { type: "integer" },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
        },
      },
      Order: {
        type: "object",
        properties: {
          id: { type: "integer" },
          key: { type: "string" },
          status: { type: "string", enum: [...DJANGOSHOP_STATUSES] },
          customer_data: nullableObject,
          payment_method_data: nullableObject,
          shipping_method_data: nullableObject,
          shipping_cost: { type: "integer" },
          notes: { type: "string" },
          extra: { type: "object", additionalProperties: true },
          created_at: { type: "string", format: "date-time" },
          updated_at: { type: "string", format: "date-time" },
          billing_country_data: nullableObject,
          billing_state_data: nullableObject,
          billing_city_data: nullableObject,
          billing_address: { type: ["string", "null"] },
          billing_postal_code: { type: ["string", "null"] },
          billing_national_code: { type: ["string", "null"] },
          billing_mobile_number: { type: ["string", "null"] },
          billing_first_name: { type: ["string", "null"] },
          billing_last_name: { type: ["string", "null"] },
          count: { type: "integer" },
          quantity: { type: "integer" },
          items_subtotal: { type: "integer" },
          items_discount: { type: "integer" },
          subtotal: { type: "integer" },
          total_discount: { type: "integer" },
          total: { type: "integer" },
          amount_paid: { type: "integer" },
          amount_outstanding: { type: "integer" },
          is_paid: { type: "boolean" },
          items: { type: "array", items: { $ref: "#/components/schemas/OrderItem" } },
          payments: { type: "array", items: { type: "object", additionalProperties: true } },
        },
      },
    },
  },
} as const;
