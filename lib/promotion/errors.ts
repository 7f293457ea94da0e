import { UserFacingError, type UserFacingKind } from "@/lib/errors";

/** A promotion refused for its state or its input (wrong state, self-approval, missing justification…). */
export class PromotionError extends UserFacingError {
  override name = "PromotionError";
  constructor(message: string, kind: UserFacingKind = "conflict") {
    super(message, kind);
  }
}
