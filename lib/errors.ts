/**
 * A refusal the caller can act on (invalid input, wrong state, self-approval…): its message is shown
 * as it is, in a form or as an API error with this HTTP status. Anything else that escapes a server
 * action or route is logged and reported as an internal error.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 = 400,
  ) {
    super(message);
  }
}
