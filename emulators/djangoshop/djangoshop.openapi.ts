/**
 * OpenAPI 3.1 description of the djangoshop orders API (a Django REST
 * Framework shop) as the emulator serves it (`GET /openapi.json`, no auth),
 * from the provider's excerpt, stock DRF behaviour and this folder's README.
 * It follows the emulator's settings (page sizes, amount form, time zone), as
 * a DRF schema generator reflects the project's settings.
 */
import { getOrderOperation, jsonOf } from "../shared/openapi-parts.ts";
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
  content: jsonOf("Detail"),
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

/** The emulator settings the description depends on. */
export interface DjangoShopOpenApiSettings {
  /** DRF `PAGE_SIZE`. */
  defaultLimit: number;
  /** The paginator's `max_limit`; null for none. */
  maxLimit: number | null;
  /** Unit of the order-level amounts. */
  orderAmounts: "minor" | "decimal";
  /** DRF's `COERCE_DECIMAL_TO_STRING` (decimal amounts only). */
  coerceDecimalToString: boolean;
  /** Django's `TIME_ZONE`. */
  timeZone: string;
}

/** The description served at `GET /openapi.json` by an emulator with these settings. */
export function djangoShopOpenApi(settings: DjangoShopOpenApiSettings) {
  const { defaultLimit, maxLimit, timeZone } = settings;
  const decimal = settings.orderAmounts === "decimal";
  // DRF's DecimalField is a string with format "decimal" when coerced, a number otherwise (as drf-spectacular writes it).
  const money = !decimal
    ? { type: "integer", description: "Minor units of the shop currency." }
    : settings.coerceDecimalToString
      ? { type: "string", format: "decimal", description: "Major units, as DRF renders a DecimalField." }
      : { type: "number", description: "Major units (a DRF DecimalField with COERCE_DECIMAL_TO_STRING off)." };
  const amounts = decimal
    ? "Item amounts are integers in minor units of the shop currency; order-level amounts, payments and shipping prices are decimals in major units."
    : "Amounts are integers in minor units of the shop currency.";
  const limitText =
    maxLimit === null
      ? `Page size. Absent, not an integer or below 1: ${defaultLimit}. No upper bound.`
      : `Page size. Absent, not an integer or below 1: ${defaultLimit}. Above ${maxLimit} (the paginator's max_limit) it is cut to ${maxLimit}, not refused.`;
  return {
    openapi: "3.1.0",
    info: {
      title: "djangoshop orders API (emulator)",
      version: "1",
      description: `A read-only DRF viewset with limit/offset paging${maxLimit === null ? "" : ` (at most ${maxLimit} per page)`}. ${amounts} Timestamps are rendered in the time zone ${timeZone}. Authentication: \`Authorization: Token <key>\` of a staff user. Paths end with "/" (without it: 301).`,
    },
    servers: [{ url: "/", description: "this emulator" }],
    security: [{ token: [] }],
    paths: {
      "/api/orders/": {
        get: {
          operationId: "listOrders",
          summary: "Orders, filtered, searched, ordered and paged",
          parameters: [
            // No minimum or maximum: DRF's LimitOffsetPagination corrects an out-of-range value instead of refusing it.
            query("limit", limitText, { type: "integer", default: defaultLimit }),
            query("offset", "Rows to skip. Not an integer or negative: 0.", { type: "integer", default: 0 }),
            query("ordering", `Comma list of ${ORDERING_FIELDS.join(", ")}, each optionally prefixed with "-"; default -created_at,-id.`),
            query("search", "Whitespace-separated terms, each contained in one of the searched fields."),
            query("status", "Status.", { type: "string", enum: [...DJANGOSHOP_STATUSES] }),
            query("status_in", "Comma list of statuses."),
            ...idFilters,
            query("shipping_cost_min", `Inclusive, ${decimal ? "major" : "minor"} units.`, { type: "number" }),
            query("shipping_cost_max", `Inclusive, ${decimal ? "major" : "minor"} units.`, { type: "number" }),
            query("id_min", "Inclusive.", { type: "integer" }),
            query("id_max", "Inclusive.", { type: "integer" }),
            ...hasFilters,
            query("created_date", `Date of created_at in ${timeZone}.`, { type: "string", format: "date" }),
            query("updated_date", `Date of updated_at in ${timeZone}.`, { type: "string", format: "date" }),
            query("created_from", `Inclusive; a date or a date-time (without an offset: ${timeZone}).`),
            query("created_to", `Inclusive; a date covers its whole day in ${timeZone}.`),
            query("updated_from", `Inclusive; a date or a date-time (without an offset: ${timeZone}).`),
            query("updated_to", `Inclusive; a date covers its whole day in ${timeZone}.`),
          ],
          responses: {
            "200": {
              description: "A page of orders in DRF's limit/offset envelope.",
              content: jsonOf("OrderPage"),
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
        get: getOrderOperation({
          "401": detail("Missing or invalid token."),
          "403": detail("The token's user is not staff."),
          "404": detail("Unknown order."),
        }),
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
            shipping_cost: money,
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
            items_subtotal: money,
            items_discount: money,
            subtotal: money,
            total_discount: money,
            total: money,
            amount_paid: money,
            amount_outstanding: money,
            is_paid: { type: "boolean" },
            items: { type: "array", items: { $ref: "#/components/schemas/OrderItem" } },
            payments: { type: "array", items: { type: "object", additionalProperties: true } },
          },
        },
      },
    },
  };
}
