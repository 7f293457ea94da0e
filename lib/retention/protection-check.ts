/**
 * The question execution asks right before each deletion: would a protection save this digest now?
 * Planning decided with the index as it was; between plan and execution a digest may have been
 * promoted to prod or become the subject of an open promotion. Any implementation will do (the
 * planning side's full protection rules, or protection-live.ts on its own), as long as it answers
 * from the current state, not from the plan.
 */
export interface ProtectionQuery {
  /** the environment the plan deletes from */
  environment: string;
  repository: string;
  /** null: an untagged manifest */
  tag: string | null;
  digest: string;
}

/** null when nothing protects the digest now; otherwise the reason in plain words ("running in prod", "open promotion #12"). */
export type ProtectionCheck = (q: ProtectionQuery) => Promise<string | null>;
