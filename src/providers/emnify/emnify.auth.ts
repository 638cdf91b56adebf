/**
 * emnify's session tokens: `POST /api/v1/authenticate` with the configured
 * secret gives an `auth_token` (and, for a username login, a `refresh_token`).
 * The token is cached; a 401 on a later call renews it once. Renewals are
 * single-flight: however many calls hit the expired token at once, one login
 * (or refresh) runs and they all wait for it.
 */
import type { CallContext } from "../core/call-context.ts";
import type { ProviderHttpClient } from "../core/http-client.ts";
import { credentialsRejected, invalidResponse, unexpectedStatus } from "../core/upstream-error.ts";
import { emnifyAuthSchema } from "./emnify.schemas.ts";

/** The configured secret: an application token, or a user's login. */
export type EmnifyCredentials = { applicationToken: string } | { username: string; password: string };

/** The current session. */
interface Session {
  authToken: string;
  /** Only a username login gets one. */
  refreshToken: string | null;
}

/** The authenticate path. */
export const EMNIFY_AUTH_PATH = "/api/v1/authenticate";

/** Holds and renews one provider's emnify session. */
export class EmnifyAuth {
  private readonly http: ProviderHttpClient;
  private readonly credentials: EmnifyCredentials;
  private readonly provider: string;
  private session: Session | null = null;
  private pending: Promise<Session> | null = null;

  constructor(http: ProviderHttpClient, credentials: EmnifyCredentials, provider: string) {
    this.http = http;
    this.credentials = credentials;
    this.provider = provider;
  }

  /** The current token, logging in first when there is none. */
  async token(call: CallContext): Promise<string> {
    if (this.session) return this.session.authToken;
    return (await this.renew(call, null)).authToken;
  }

  /**
   * A token to retry with after `rejected` answered 401. When another call
   * already replaced that token, its successor is returned without a call.
   */
  async refresh(call: CallContext, rejected: string): Promise<string> {
    if (this.session && this.session.authToken !== rejected) return this.session.authToken;
    return (await this.renew(call, rejected)).authToken;
  }

  private renew(call: CallContext, rejected: string | null): Promise<Session> {
    if (this.pending) return this.pending;
    const previous = this.session;
    // The shared login must not die with the request that happened to start it.
    const shared: CallContext = { meter: call.meter };
    const pending = (async () => {
      try {
        // Set before `pending` clears, so no caller ever sees neither the new session nor the login in flight.
        this.session = await this.obtain(shared, rejected === null ? null : previous);
        return this.session;
      } catch (error) {
        this.session = null;
        throw error;
      } finally {
        this.pending = null;
      }
    })();
    this.pending = pending;
    return pending;
  }

  /** Refreshes with the refresh token when there is one, else (or when it is refused) logs in again. */
  private async obtain(call: CallContext, previous: Session | null): Promise<Session> {
    if (previous?.refreshToken) {
      const refreshed = await this.authenticate(call, { refresh_token: previous.refreshToken }, true);
      if (refreshed) return { authToken: refreshed.authToken, refreshToken: refreshed.refreshToken ?? previous.refreshToken };
    }
    const body: Record<string, string> =
      "applicationToken" in this.credentials
        ? { application_token: this.credentials.applicationToken }
        : { username: this.credentials.username, password: this.credentials.password };
    return (await this.authenticate(call, body, false)) as Session;
  }

  /** One authenticate call; with `soft`, a 401 (expired refresh token) answers null instead of throwing. */
  private async authenticate(call: CallContext, body: Record<string, string>, soft: boolean): Promise<Session | null> {
    // A login changes nothing upstream, so it is retried like a read.
    const response = await this.http.request(call, { method: "POST", path: EMNIFY_AUTH_PATH, json: body, idempotent: true });
    if (response.status === 401 || response.status === 403) {
      if (soft) return null;
      throw credentialsRejected(this.provider, response.status);
    }
    if (response.status !== 200) {
      if (soft && response.status === 400) return null;
      throw unexpectedStatus(this.provider, response.status, "a login");
    }
    const parsed = emnifyAuthSchema.safeParse(response.body);
    if (!parsed.success) {
      throw invalidResponse(this.provider, "a login");
    }
    return { authToken: parsed.data.auth_token, refreshToken: parsed.data.refresh_token ?? null };
  }
}
