/**
 * OpenAPI 3.1 description of emnify's SIM order API as the emulator serves it
 * (`GET /openapi.json`, no auth), from the provider's docs and this folder's
 * README. It follows the emulator's page-size settings.
 */

import { getOrderOperation, jsonOf } from "../shared/openapi-parts.ts";

const error = (description: string) => ({ description, content: jsonOf("Error") });

const ref = { type: ["object", "null"], properties: { id: { type: "integer" }, name: { type: "string" } } } as const;
const currency = {
  type: ["object", "null"],
  properties: { id: { type: "integer" }, code: { type: "string" }, symbol: { type: "string" } },
} as const;

/** The emulator settings the description depends on. */
export interface EmnifyOpenApiSettings {
  /** Page size when `per_page` is absent or below 1. */
  defaultPerPage: number;
  /** The size a larger `per_page` is lowered to. */
  maxPerPage: number;
}

/** The description served at `GET /openapi.json` by an emulator with these settings. */
export function emnifyOpenApi({ defaultPerPage, maxPerPage }: EmnifyOpenApiSettings) {
  return {
    openapi: "3.1.0",
    info: {
      title: "emnify SIM order API (emulator)",
      version: "1",
      description:
        "Log in with POST /api/v1/authenticate (an application token, a user login or a refresh token) and send the auth_token as a bearer token. Lists are bare arrays; paging in the X-page, X-per-page, X-pages and X-count headers.",
    },
    servers: [{ url: "/", description: "this emulator (the real API is https://cdn.emnify.net)" }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/authenticate": {
        post: {
          operationId: "authenticate",
          summary: "Exchange a secret for an auth token",
          security: [],
          requestBody: {
            required: true,
            content: jsonOf("AuthenticateRequest"),
          },
          responses: {
            "200": {
              description: "The tokens (a refresh token only for a user login).",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["auth_token"],
                    properties: { auth_token: { type: "string" }, refresh_token: { type: "string" } },
                  },
                },
              },
            },
            "400": error("The body is not one of the three forms."),
            "401": { description: "Wrong secret (empty body)." },
          },
        },
      },
      "/api/v1/shop/order": {
        get: {
          operationId: "listOrders",
          summary: "Get list of orders",
          parameters: [
            {
              name: "q",
              in: "query",
              description:
                "Comma-separated filter terms <field><operator><value> over id, submit_date, status (0-4) and paid (0/1), e.g. status:1,submit_date>=2024-01-01.",
              schema: { type: "string" },
            },
            {
              name: "sort",
              in: "query",
              description: "Comma-separated [-|+]field over id, submit_date, total_amount; default -submit_date.",
              schema: { type: "string" },
            },
            // No minimum or maximum: emnify's collection conventions correct out-of-range values instead of refusing them.
            {
              name: "page",
              in: "query",
              description: "Page number. Below 1: the first page; past the last page: the last page (stop by X-pages).",
              schema: { type: "integer", default: 1 },
            },
            {
              name: "per_page",
              in: "query",
              description: `Orders per page. Below 1: ${defaultPerPage}. Above ${maxPerPage} it is lowered to ${maxPerPage}, not refused; X-per-page tells the size used.`,
              schema: { type: "integer", default: defaultPerPage },
            },
          ],
          responses: {
            "200": {
              description: "One page of orders.",
              headers: {
                "X-page": { schema: { type: "integer" } },
                "X-per-page": { description: "The page size used (per_page after lowering).", schema: { type: "integer" } },
                "X-pages": { schema: { type: "integer" } },
                "X-count": { schema: { type: "integer" } },
              },
              content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Order" } } } },
            },
            "400": error("Invalid q, sort, page or per_page."),
            "401": error("Missing, unknown or expired token."),
            "429": error("Rate limit exceeded."),
          },
        },
      },
      "/api/v1/shop/order/{id}": {
        get: getOrderOperation({ "401": error("Missing, unknown or expired token."), "404": error("Unknown order.") }),
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Error: {
          type: "object",
          properties: { error_code: { type: "integer" }, error_token: { type: "string" }, message: { type: "string" } },
        },
        AuthenticateRequest: {
          type: "object",
          description: "Exactly one of: application_token; username and password; refresh_token.",
          properties: {
            application_token: { type: "string" },
            username: { type: "string" },
            password: { type: "string" },
            refresh_token: { type: "string" },
          },
        },
        Address: {
          type: ["object", "null"],
          properties: {
            name: { type: ["string", "null"] },
            company: { type: ["string", "null"] },
            street: { type: ["string", "null"] },
            zip: { type: ["string", "null"] },
            city: { type: ["string", "null"] },
            state: { type: ["string", "null"] },
            country: {
              type: ["object", "null"],
              properties: { id: { type: "integer" }, code: { type: "string" }, name: { type: "string" } },
            },
            phone: { type: ["string", "null"] },
          },
        },
        OrderLine: {
          type: "object",
          properties: {
            id: { type: "integer" },
            product: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" }, sku: { type: "string" } } },
            quantity: { type: "integer" },
            unit_price: { type: "number" },
            total: { type: "number" },
          },
        },
        Order: {
          type: "object",
          properties: {
            id: { type: "integer" },
            line: { type: ["array", "null"], items: { $ref: "#/components/schemas/OrderLine" } },
            paid: { type: ["boolean", "null"] },
            status: {
              type: ["object", "null"],
              properties: { id: { type: "integer" }, description: { type: "string" } },
              description: "0 EDITING, 1 SUBMITTED, 2 SHIPPED, 3 DELIVERED, 4 CANCELED.",
            },
            customer_organisation: ref,
            customer_user: {
              type: ["object", "null"],
              properties: { id: { type: "integer" }, name: { type: "string" }, username: { type: "string" } },
            },
            shipping_option: { type: ["object", "null"], additionalProperties: true },
            shipped_with: ref,
            payment_option: ref,
            invoice_address: { $ref: "#/components/schemas/Address" },
            shipping_address: { $ref: "#/components/schemas/Address" },
            currency,
            submit_date: { type: ["string", "null"], format: "date-time" },
            shipped_date: { type: ["string", "null"], format: "date-time" },
            delivered_date: { type: ["string", "null"], format: "date-time" },
            external_payment_reference: { type: ["string", "null"] },
            external_shipping_reference: { type: ["string", "null"] },
            total: { type: ["number", "null"] },
            vat: { type: ["number", "null"] },
            vat_rate: { type: ["number", "null"], description: "A fraction (0.19 = 19 %)." },
            meta: { type: ["object", "null"], additionalProperties: true },
            auto_provisioning: { type: ["boolean", "null"] },
            purchase_order_number: { type: ["string", "null"] },
          },
        },
      },
    },
  };
}
