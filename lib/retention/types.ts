/**
 * The retention plan's shape, shared by planning (lib/retention/plan*.ts) and execution
 * (lib/retention/execute*.ts). Planning never imports a delete call; execution only reads stored
 * plans. Both speak these types.
 */

/** One tag (or, with tag null, one untagged manifest) the plan would delete. */
export interface RetentionPlanItem {
  repository: string;
  /** null: an untagged manifest, deleted by digest */
  tag: string | null;
  digest: string;
  /** the rule that selected it, as written: "rules[0] (api*)" */
  rule: string;
  /** manifest + config + layers of this digest (children of an index included) */
  bytes: number;
  /** true when every tag of the digest is planned: the manifest itself goes too */
  deletesManifest: boolean;
  /**
   * What this item frees with shared layers counted once (lib/retention/reclaim.ts): the blobs no
   * kept manifest references, each attributed to the first item in plan order that frees it, so the
   * items' figures add up to their repository's and the plan's. Absent in plans computed before it.
   */
  reclaimed?: number;
  /** `reclaimed` is the manifest's full size: it has no blob list in the index (indexed before they were kept) */
  reclaimedUpperBound?: boolean;
}

/** The plan's total of RetentionPlanItem.reclaimed, and how sure it is. */
export interface PlanReclaim {
  /** bytes the plan frees, shared layers counted once */
  bytes: number;
  /** some manifest involved has no blob list: deleted ones count in full, kept ones may share layers unseen; `bytes` may be too high */
  upperBound: boolean;
  /** deleted manifests counted at their full size for want of a blob list */
  deletedWithoutBlobs: number;
  /** kept manifests of the environment whose layers the index does not know */
  keptWithoutBlobs: number;
}

/** A candidate a protection saved, and which protection. */
export interface RetentionProtectedItem {
  repository: string;
  tag: string | null;
  digest: string;
  /** plain words: "running in prod", "open promotion #12", "pinned by admin", "child of kept index sha256:…" */
  reason: string;
}

export type RetentionOutcomeStatus = "deleted" | "skipped" | "failed" | "pending";

export interface RetentionItemOutcome {
  /** position in RetentionPlan.items */
  index: number;
  status: RetentionOutcomeStatus;
  /** why skipped or failed: "now protected: running in prod", "tag moved to sha256:…", "registry: 503 …" */
  reason?: string;
  at?: string;
}
