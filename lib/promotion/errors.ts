import { UserFacingError, type UserFacingKind } from "@/lib/errors";

/** A promotion refused for its state or its input (wrong state, self-approval, missing justification…). */
export class PromotionError extends UserFacingError {
  override name = "PromotionError";
  constructor(
    message: string,
    kind: UserFacingKind = "conflict",
    /** the request field the refusal is about, so a form shows it beside that field */
    readonly field?: string,
  ) {
    super(message, kind);
  }
}
