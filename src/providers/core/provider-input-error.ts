/**
 * The error of a refused input: a connector that cannot serve what the client
 * asked (a filter value its API cannot carry, a filter that matches more than
 * it can ever read) says so with this, never with an `UpstreamError`. An
 * `UpstreamError` means the provider or the way to it failed, and a merged
 * page answers the other providers' orders beside it; a refused input is the
 * client's to change, so the whole read is refused (BAD_USER_INPUT) with the
 * provider and the argument named. Messages are ours and never quote the
 * provider's body.
 */

/** A provider refused what the client asked; answered as BAD_USER_INPUT with `provider` and `argument`. */
export class ProviderInputError extends Error {
  /** The provider id (as in the config) that refused it. */
  readonly provider: string;
  /** The argument the client can change, as a path from the field's arguments (e.g. `filter.createdAt`, or `filter` as a whole). */
  readonly argument: string;

  constructor(provider: string, argument: string, message: string) {
    super(message);
    this.name = "ProviderInputError";
    this.provider = provider;
    this.argument = argument;
  }
}
