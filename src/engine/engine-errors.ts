/**
 * Errors the engine raises for the client's input or for limits it hits; the
 * GraphQL layer turns them into coded errors.
 */

/** Bad input: answered as BAD_USER_INPUT. */
export class UserInputError extends Error {
  readonly argument: string | undefined;
  constructor(message: string, argument?: string) {
    super(message);
    this.name = "UserInputError";
    this.argument = argument;
  }
}

/** A request the provider cannot serve (e.g. a sort on a field it lacks): NOT_SUPPORTED. */
export class NotSupportedError extends Error {
  readonly provider: string;
  constructor(message: string, provider: string) {
    super(message);
    this.name = "NotSupportedError";
    this.provider = provider;
  }
}

/** A page could not be filled within the scan limit: never answered as a short page. */
export class ScanLimitError extends Error {
  readonly provider: string;
  constructor(message: string, provider: string) {
    super(message);
    this.name = "ScanLimitError";
    this.provider = provider;
  }
}
