/**
 * OpenAPI 3.1 description of the Iteras orders API as the emulator serves it
 * (`GET /openapi.json`, no auth), written from the provider's documentation
 * and this folder's README, for load tools, client generators and users.
 */
import { jsonOf } from "../shared/openapi-parts.ts";
import { ITERAS_STATUSES } from "./iteras.data.ts";

const address = {
  type: "object",
  properties: {
    name: { type: "string" },
    company: { type: "string" },
    address: { type: "string", description: 'Street and town on separate lines ("street\\nzip city").' },
    country: { type: "string" },
  },
} as const;

/** The description served at `GET /openapi.json`. */
export const ITERAS_OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "Iteras orders API (emulator)",
    version: "1",
    description:
      "One GET without paging: at most 10,000 orders per answer, oldest first, silently cut (narrow with created_after). Only filled-in fields are present. Prices carry no currency (the account's). Authentication: the pre-shared API key in the X-Iteras-Key header (or the iteras-key query parameter).",
  },
  servers: [{ url: "/", description: "this emulator (the real API is https://app.iteras.dk/api/)" }],
  security: [{ keyHeader: [] }, { keyQuery: [] }],
  paths: {
    "/api/orders/": {
      get: {
        operationId: "listOrders",
        summary: "Orders matching all the given filters (AND), oldest first, at most 10,000",
        parameters: [
          {
            name: "fields",
            in: "query",
            description: "Comma list of `data` and `invoice_lines` (default `data`).",
            schema: { type: "string" },
          },
          { name: "order_id", in: "query", schema: { type: "string", pattern: "^\\d+$" } },
          { name: "customer", in: "query", schema: { type: "string", pattern: "^\\d+$" } },
          {
            name: "campaign",
            in: "query",
            description: "Campaign id (repeatable).",
            schema: { type: "array", items: { type: "string" } },
            explode: true,
          },
          {
            name: "status",
            in: "query",
            description: "Status (repeatable).",
            schema: { type: "array", items: { type: "string", enum: [...ITERAS_STATUSES] } },
            explode: true,
          },
          {
            name: "created_after",
            in: "query",
            description: "Local date, inclusive.",
            schema: { type: "string", format: "date" },
          },
          {
            name: "created_before",
            in: "query",
            description: "Local date, inclusive.",
            schema: { type: "string", format: "date" },
          },
          { name: "iframe", in: "query", description: "Set: resume_ordering_url in its iframe form.", schema: { type: "string" } },
          { name: "language", in: "query", schema: { type: "string", enum: ["da", "en"] } },
        ],
        responses: {
          "200": {
            description: "The matching orders (possibly none).",
            content: jsonOf("OrderList"),
          },
          "400": {
            description: "A parameter has an invalid value.",
            content: jsonOf("Error"),
          },
          "404": {
            description:
              'Missing or wrong API key (the docs give "a 40x status (400, 404)" for bad keys); the message names the key, which tells it from an unknown path.',
            content: jsonOf("Error"),
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      keyHeader: { type: "apiKey", in: "header", name: "X-Iteras-Key" },
      keyQuery: { type: "apiKey", in: "query", name: "iteras-key" },
    },
    schemas: {
      Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
      OrderList: {
        type: "object",
        required: ["orders"],
        properties: { orders: { type: "array", items: { $ref: "#/components/schemas/Order" } } },
      },
      Product: {
        type: "object",
        description: "A campaign product (campaign_id, subscribed_to) or a stand-alone product (name, external_id).",
        properties: {
          campaign_id: { type: "string" },
          campaign_name: { type: "string" },
          campaign_customer_facing_name: { type: "string" },
          name: { type: "string" },
          customer_facing_name: { type: "string" },
          external_id: { type: "string" },
          text: { type: "string" },
          quantity: { type: "integer" },
          price: { type: "number", description: "Unit price including VAT." },
          subscribed_to: {
            type: "array",
            description: "The publications the campaign subscribes the customer to.",
            items: {
              type: "object",
              required: ["name"],
              properties: { name: { type: "string" }, external_id: { type: "string" } },
              additionalProperties: true,
            },
          },
        },
        additionalProperties: true,
      },
      InvoiceLine: {
        type: "object",
        properties: {
          description: { type: "string" },
          quantity: { type: "number" },
          unit_price: { type: "number" },
          amount: { type: "number" },
          vat_rate: { type: "number", description: "A percentage." },
          vat_amount: { type: "number" },
          campaign_id: { type: "string" },
          external_id: { type: "string" },
        },
      },
      Order: {
        type: "object",
        description: 'Custom form fields appear as extra keys starting with ":" (e.g. ":Phone").',
        properties: {
          id: { type: "integer", description: "Absent on a few orders." },
          created: { type: "string", description: "Local wall-clock time YYYY-MM-DDTHH:MM:SS, no zone." },
          ordering_form: { type: "string" },
          resume_ordering_url: { type: "string" },
          address,
          email: { type: "string" },
          billing_address: address,
          password: { type: "string", description: "A password hash." },
          ip: { type: "string" },
          ordering_code: { type: "string" },
          products: { type: "array", items: { $ref: "#/components/schemas/Product" } },
          status: { type: "string", enum: [...ITERAS_STATUSES] },
          customer: { type: "string", description: "Customer id (digits); absent for guests." },
          payment_agreement: { type: "object", properties: { id: { type: "string" }, text: { type: "string" } } },
          subscriptions: { type: "array", items: { type: "string" } },
          invoice_lines: { type: "array", items: { $ref: "#/components/schemas/InvoiceLine" } },
        },
        additionalProperties: true,
      },
    },
  },
} as const;
