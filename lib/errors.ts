/**
 * Refusals the caller can act on. A service throws one of these with a *kind* (what went wrong),
 * never an HTTP status: lib/error-contract.ts maps kinds to statuses once, for route handlers and
 * server actions alike. Anything else that escapes is an internal error: logged with a request id,
 * reported to the caller generically.
 */
export type UserFacingKind = "invalid_input" | "unauthenticated" | "forbidden" | "not_found" | "conflict" | "too_large" | "unsupported_media_type";

// Next.js bundles server code per layer (route handlers, server components, actions), so one process
// can hold two copies of these classes; a registered symbol keeps instanceof true across copies.
const USER_FACING = Symbol.for("dockmaster.UserFacingError");
const INVALID_INPUT = Symbol.for("dockmaster.InvalidInputError");

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

export class UserFacingError extends Error {
  static [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    // Subclasses (AuthError, PromotionError…) keep the ordinary prototype check; the base class
    // answers by brand so a copy from another bundle layer still counts.
    if (this !== UserFacingError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return branded(value, USER_FACING);
  }
  readonly [USER_FACING] = true;

  constructor(
    message: string,
    readonly kind: UserFacingKind = "invalid_input",
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

/**
 * The caller supplied a value that is invalid on its face (a form field, a reference, a digest, a
 * page cursor…). The one "invalid input" error: lib/registry throws it too (it knows nothing of
 * HTTP, only that the input can never work).
 */
export class InvalidInputError extends UserFacingError {
  static override [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    if (this !== InvalidInputError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return branded(value, INVALID_INPUT);
  }
  readonly [INVALID_INPUT] = true;
  /** the offending value, when there is one */
  readonly input?: string;

  constructor(message: string, input?: string) {
    super(message, "invalid_input");
    this.name = "InvalidInputError";
    this.input = input;
  }
}

/**
 * Invalid input that only a service can see (it needs the database or the configuration), tied to one
 * form field: server actions show it beside that field, the REST API names the field in its 400.
 */
export class FieldError extends InvalidInputError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "FieldError";
  }
}

/** The thing asked for does not exist (or the caller may not know it exists). */
export class NotFoundError extends UserFacingError {
  constructor(message: string) {
    super(message, "not_found");
    this.name = "NotFoundError";
  }
}
