/**
 * How a hand-written integration reaches each bench provider: its
 * authentication and its "newest n orders" list call. The limit baseline
 * (bench/baseline-limit.ts) and the decoding benchmark (bench/decode-bench.ts)
 * both read providers this way. Nothing here imports the emulators, so the
 * limit's process loads none of them.
 */

/** Where a provider is and the credentials it takes (a `DescribedEmulator` has these). */
export interface ProviderAccess {
  id: string;
  baseUrl: string;
  credentials: Record<string, string>;
}

/** What a call needs to be let in: headers, query parameters, or both. */
export interface ProviderAuth {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** A provider's auth; for emnify, one login (with the application token, or the user's), as an integration does at start. */
export async function providerAuth(described: ProviderAccess): Promise<ProviderAuth> {
  const { credentials } = described;
  switch (described.id) {
    case "shop-cscart":
      return {
        headers: { authorization: `Basic ${Buffer.from(`${credentials["email"]}:${credentials["apiKey"]}`).toString("base64")}` },
        query: {},
      };
    case "news-iteras":
    case "news-iteras-archive":
      return { headers: { "x-iteras-key": credentials["apiKey"] ?? "" }, query: {} };
    case "billing-activeplatform":
      return { headers: {}, query: { api_token: credentials["apiToken"] ?? "" } };
    case "shop-djangoshop":
      return { headers: { authorization: `Token ${credentials["token"]}` }, query: {} };
    case "sims-emnify": {
      const login = await fetch(`${described.baseUrl}/api/v1/authenticate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          credentials["applicationToken"] === undefined
            ? { username: credentials["username"], password: credentials["password"] }
            : { application_token: credentials["applicationToken"] },
        ),
      });
      if (login.status !== 200) throw new Error(`emnify login: HTTP ${login.status}`);
      const { auth_token: token } = (await login.json()) as { auth_token: string };
      return { headers: { authorization: `Bearer ${token}` }, query: {} };
    }
    default:
      throw new Error(`no bench provider ${described.id}`);
  }
}

/** The one list call for a provider's newest `n` orders (Iteras has no paging: all of them). */
export function newestListCall(id: string, n: number): { path: string; params: Record<string, string | number> } {
  switch (id) {
    case "news-iteras":
      return { path: "/orders/", params: {} };
    case "sims-emnify":
      return { path: "/api/v1/shop/order", params: { sort: "-submit_date", per_page: n } };
    case "shop-cscart":
      return { path: "/orders", params: { sort_by: "date", sort_order: "desc", items_per_page: n } };
    case "billing-activeplatform":
      return { path: "/api/vendor/v1/orders.json", params: { "sorting[field]": "created_at", "sorting[reversed]": "true", per_page: n } };
    case "shop-djangoshop":
      return { path: "/orders/", params: { limit: n } };
    default:
      throw new Error(`no bench provider ${id}`);
  }
}
