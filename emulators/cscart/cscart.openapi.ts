/**
 * OpenAPI 3.1 description of the CS-Cart orders API as the emulator serves it
 * (`GET /openapi.json`, no auth): CS-Cart documents its REST API in prose only,
 * so this is written from that prose and this folder's README. Load tools
 * (GraphQL Mesh, Hive Gateway) and users can generate clients from it.
 */
import { getOrderOperation, jsonOf } from "../shared/openapi-parts.ts";
import { CSCART_NOTIFY_NO, CSCART_NOTIFY_YES, CSCART_STATUS_DESCRIPTIONS, CSCART_STATUSES } from "./cscart.data.ts";

/** A CS-Cart number: most are strings (`"120.00"`), a few orders carry JSON numbers. */
const numeric = { type: ["string", "number"] } as const;
const nullableString = { type: ["string", "null"] } as const;

/** The `notify_user` values of one JSON type, "no" values first. */
const notifyValues = (type: "string" | "number") => [...CSCART_NOTIFY_NO, ...CSCART_NOTIFY_YES].filter((v) => typeof v === type);

/** The error body of every non-2xx answer. */
const errorResponse = (description: string) => ({
  description,
  content: jsonOf("Error"),
});

const orderIdParameter = {
  name: "order_id",
  in: "path",
  required: true,
  description: "The order id (CS-Cart casts it to an integer; leading zeros are accepted).",
  schema: { type: "string", pattern: "^\\d+$" },
} as const;

/** The description served at `GET /openapi.json`. */
export const CSCART_OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "CS-Cart REST API: orders (emulator)",
    version: "4.x",
    description:
      "The `orders` entity of a CS-Cart 4.x store and the `vendor_ref` add-on. Authentication: HTTP Basic with the administrator's e-mail as user and the API key as password.",
  },
  servers: [{ url: "/", description: "this emulator (a real store serves the API under https://<store>/api)" }],
  security: [{ basicAuth: [] }],
  paths: {
    "/api/orders": {
      get: {
        operationId: "listOrders",
        summary: "List orders (summary rows, paged)",
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
          { name: "items_per_page", in: "query", schema: { type: "integer", minimum: 1, default: 10 } },
          {
            name: "sort_by",
            in: "query",
            description: "Unknown values fall back to `date`.",
            schema: { type: "string", enum: ["date", "order_id", "status", "customer", "email", "total"], default: "date" },
          },
          { name: "sort_order", in: "query", schema: { type: "string", enum: ["asc", "desc"], default: "desc" } },
          {
            name: "status",
            in: "query",
            description:
              "One status code, usually one of the letters of `Status`; a store may define codes of its own, and a code no order has matches nothing (it is not refused). The value is taken whole: `status=P,C` is one code. Several statuses: `status[]`.",
            schema: { type: "string" },
          },
          {
            name: "status[]",
            in: "query",
            description: "Several status letters as a PHP array (`status[]=P&status[]=C`): orders in any of them.",
            style: "form",
            explode: true,
            schema: { type: "array", items: { type: "string" } },
          },
          {
            name: "user_id",
            in: "query",
            description:
              "One customer id, taken whole (`user_id=12,34` answers 400). `0` is ignored (PHP `empty()`). Several ids: `user_id[]`.",
            // A string, not an integer: query values are text, and `0` or "" still mean "no filter".
            schema: { type: "string" },
          },
          {
            name: "user_id[]",
            in: "query",
            description: "Several customer ids as a PHP array (`user_id[]=12&user_id[]=34`): orders of any of them.",
            style: "form",
            explode: true,
            schema: { type: "array", items: { type: "string" } },
          },
          { name: "email", in: "query", description: "Case-insensitive substring of the e-mail.", schema: { type: "string" } },
          { name: "invoice_id", in: "query", schema: { type: "integer" } },
          {
            name: "updated_at_from",
            in: "query",
            description: "Unix seconds, `YYYY-MM-DD` (UTC day) or an ISO 8601 date-time; inclusive.",
            schema: { type: "string" },
          },
          { name: "updated_at_to", in: "query", description: "As `updated_at_from`; inclusive.", schema: { type: "string" } },
          {
            name: "include_incompleted",
            in: "query",
            description: "`Y`, `1` or `true` also lists incomplete (N) orders.",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": {
            description: "A page of order rows and the processed parameters (`params.total_items` counts all matches).",
            content: jsonOf("OrderList"),
          },
          "400": errorResponse("A parameter has an invalid value."),
          "401": errorResponse("Missing or wrong credentials."),
        },
      },
    },
    "/api/orders/search": {
      get: {
        operationId: "searchOrdersByVendorRef",
        summary: "Orders carrying a vendor reference (vendor_ref add-on)",
        parameters: [{ name: "vendor_ref", in: "query", required: true, schema: { type: "string", minLength: 1 } }],
        responses: {
          "200": {
            description: "The detailed orders with that reference.",
            content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Order" } } } },
          },
          "400": errorResponse("vendor_ref missing or not a single string."),
          "401": errorResponse("Missing or wrong credentials."),
          "404": errorResponse("No order has that reference."),
        },
      },
    },
    "/api/orders/{order_id}": {
      get: getOrderOperation(
        { "401": errorResponse("Missing or wrong credentials."), "404": errorResponse("Unknown order.") },
        { summary: "One order with its products, taxes, payment and shipping", parameter: orderIdParameter },
      ),
      put: {
        operationId: "updateOrder",
        summary: "Change an order's status and/or vendor reference",
        parameters: [orderIdParameter],
        requestBody: {
          required: false,
          content: jsonOf("OrderUpdate"),
        },
        responses: {
          "200": {
            description: "The id of the updated order.",
            content: {
              "application/json": {
                schema: { type: "object", required: ["order_id"], properties: { order_id: { type: "string" } } },
              },
            },
          },
          "400": errorResponse("Invalid body, status or vendor_ref; nothing was changed."),
          "401": errorResponse("Missing or wrong credentials."),
          "404": errorResponse("Unknown order."),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      basicAuth: { type: "http", scheme: "basic", description: "User: the administrator's e-mail; password: the API key." },
    },
    schemas: {
      Error: {
        type: "object",
        required: ["message", "status"],
        properties: { message: { type: "string" }, status: { type: "integer" } },
      },
      Status: {
        type: "string",
        enum: [...CSCART_STATUSES],
        description: Object.entries(CSCART_STATUS_DESCRIPTIONS)
          .map(([code, label]) => `${code} ${label}`)
          .join(", "),
      },
      OrderRow: {
        type: "object",
        description: "The fixed fields of a list row.",
        properties: {
          order_id: numeric,
          issuer_id: nullableString,
          user_id: numeric,
          is_parent_order: { type: "string", enum: ["Y", "N"] },
          parent_order_id: { type: "string" },
          company_id: numeric,
          timestamp: { ...numeric, description: "Unix seconds when the order was placed." },
          firstname: { type: "string" },
          lastname: { type: "string" },
          email: { type: "string" },
          phone: { type: "string" },
          status: { $ref: "#/components/schemas/Status" },
          total: numeric,
          invoice_id: nullableString,
          credit_memo_id: nullableString,
        },
      },
      OrderList: {
        type: "object",
        required: ["orders", "params"],
        properties: {
          orders: { type: "array", items: { $ref: "#/components/schemas/OrderRow" } },
          params: {
            type: "object",
            description: "The query as received, overwritten by the processed values.",
            properties: {
              page: { type: "integer" },
              items_per_page: { type: "integer" },
              sort_by: { type: "string" },
              sort_order: { type: "string" },
              sort_order_rev: { type: "string" },
              total_items: { type: "string", description: "Count of all matching orders, as a string." },
            },
            additionalProperties: true,
          },
        },
      },
      OrderProduct: {
        type: "object",
        properties: {
          item_id: { type: "string" },
          order_id: { type: "string" },
          product_id: { type: "string" },
          product_code: { type: "string" },
          price: { type: "string", description: "Unit price charged." },
          amount: { type: "string", description: "Quantity." },
          product: { type: "string", description: "Product name." },
          base_price: { type: "string" },
          original_price: { type: "string" },
          subtotal: { type: "number" },
          extra: { type: "object", additionalProperties: true },
        },
        additionalProperties: true,
      },
      Order: {
        type: "object",
        description: "An order's details: every list field plus addresses, money, products and more.",
        properties: {
          order_id: numeric,
          user_id: numeric,
          company_id: numeric,
          issuer_id: nullableString,
          timestamp: numeric,
          updated_at: { type: "string", description: "Unix seconds of the last change." },
          status: { $ref: "#/components/schemas/Status" },
          total: numeric,
          subtotal: { type: "string" },
          discount: { type: "string" },
          subtotal_discount: { type: "string" },
          shipping_cost: { type: "string" },
          payment_surcharge: { type: "string" },
          firstname: { type: "string" },
          lastname: { type: "string" },
          email: { type: "string" },
          phone: { type: "string" },
          notes: { type: "string" },
          details: { type: "string" },
          lang_code: { type: "string" },
          vendor_ref: { type: "string", description: '`""` when unset.' },
          secondary_currency: { type: "string" },
          b_firstname: { type: "string" },
          b_lastname: { type: "string" },
          b_address: { type: "string" },
          b_city: { type: "string" },
          b_state: { type: "string" },
          b_country: { type: "string" },
          b_zipcode: { type: "string" },
          s_firstname: { type: "string" },
          s_lastname: { type: "string" },
          s_address: { type: "string" },
          s_city: { type: "string" },
          s_state: { type: "string" },
          s_country: { type: "string" },
          s_zipcode: { type: "string" },
          invoice_id: nullableString,
          credit_memo_id: nullableString,
          need_shipping: { type: "boolean" },
          products: {
            type: "object",
            description: "Keyed by item_id.",
            additionalProperties: { $ref: "#/components/schemas/OrderProduct" },
          },
          payment_method: { type: "object", additionalProperties: true },
          shipping: { type: "array", items: { type: "object", additionalProperties: true } },
        },
        additionalProperties: true,
      },
      NotifyUser: {
        description:
          'Whether a status change e-mails the customer. The docs write `"1"` / `"0"` (strings); the numbers `1` / `0` and JSON booleans are accepted too. Absent, `null` or `""` means no e-mail. Anything else answers 400.',
        // One branch per JSON type: load tools fold a mixed-type enum into one GraphQL enum and mangle it.
        oneOf: [
          { type: "string", enum: notifyValues("string") },
          { type: "integer", enum: notifyValues("number") },
          { type: "boolean" },
          { type: "null" },
        ],
      },
      OrderUpdate: {
        type: "object",
        properties: {
          status: { $ref: "#/components/schemas/Status" },
          notify_user: { $ref: "#/components/schemas/NotifyUser" },
          vendor_ref: {
            type: "string",
            maxLength: 255,
            description:
              'A single string; `""` clears it. Any other JSON value (object, array, number, null) is not added: it is skipped and the rest of the body still applies.',
          },
        },
      },
    },
  },
} as const;
