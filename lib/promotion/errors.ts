/** A refusal the caller can act on (wrong state, self-approval, missing justification…), with its HTTP status for the API. */
export class PromotionError extends Error {
  override name = "PromotionError";
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 = 409,
  ) {
    super(message);
  }
}
