import { UserFacingError } from "@/lib/errors";

/** A promotion refused for its state or its input (wrong state, self-approval, missing justification…). */
export class PromotionError extends UserFacingError {
  override name = "PromotionError";
  constructor(message: string, status: 400 | 403 | 404 | 409 = 409) {
    super(message, status);
  }
}
