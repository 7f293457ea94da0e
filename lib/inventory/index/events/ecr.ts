/**
 * Amazon ECR events as an EventBridge rule's API destination delivers them: the whole event JSON,
 * one event per request (specs/events/ecr-eventbridge-events.md), with EventBridge's unique `id`.
 *
 * - "ECR Image Action", result SUCCESS: PUSH with a tag → `tagged`, without one (a push by digest)
 *   → `touched`; DELETE with a tag → `tag-deleted` (ECR removes the tag, and the image only when it
 *   was its last tag: the re-read tells), without one → `manifest-deleted`.
 * - "ECR Image Scan": the image's findings changed → `scanned` (its report is re-read into the index);
 *   without a usable digest → `touched`.
 * - FAILURE results, "ECR Scan Resource Change" and anything else → `ignored`.
 * ECR repository names are the full repository name (`team/api`), as the ECR provider lists them.
 */
import { z } from "zod";
import { DIGEST_PATTERN, describeIssues, type ParsedEvents } from "./types";

const repositoryName = z.string().min(1).max(256);
const imageAction = z.looseObject({
  result: z.string().max(32),
  "repository-name": repositoryName,
  "image-digest": z.string().regex(DIGEST_PATTERN, "must be a sha256: digest").optional(),
  "action-type": z.string().max(32),
  "image-tag": z.string().min(1).max(300).optional(),
});
const imageScan = z.looseObject({ "repository-name": repositoryName, "scan-status": z.string().max(32).optional(), "image-digest": z.string().max(200).optional() });
const envelope = z.looseObject({
  id: z.string().min(1).max(200),
  "detail-type": z.string().min(1).max(128),
  source: z.string().max(128),
  detail: z.looseObject({}),
});

export function ecrChanges(body: unknown): ParsedEvents {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
  const e = parsed.data;
  const detailType = e["detail-type"];
  if (e.source !== "aws.ecr" || (detailType !== "ECR Image Action" && detailType !== "ECR Image Scan")) {
    return [{ id: e.id, repository: "", kind: "ignored" }];
  }
  if (detailType === "ECR Image Scan") {
    const scan = imageScan.safeParse(e.detail);
    if (!scan.success) return { error: describeIssues(scan.error.issues.map((i) => ({ ...i, path: ["detail", ...i.path] }))) };
    const repository = scan.data["repository-name"];
    const scanned = scan.data["image-digest"];
    // the spec's own sample digest is cut short: such a digest names nothing to read, the re-read finds the rest
    return [scanned && DIGEST_PATTERN.test(scanned) ? { id: e.id, repository, kind: "scanned", digest: scanned } : { id: e.id, repository, kind: "touched" }];
  }
  const action = imageAction.safeParse(e.detail);
  if (!action.success) return { error: describeIssues(action.error.issues.map((i) => ({ ...i, path: ["detail", ...i.path] }))) };
  const d = action.data;
  const repository = d["repository-name"];
  const tag = d["image-tag"];
  const digest = d["image-digest"];
  if (d.result !== "SUCCESS") return [{ id: e.id, repository, kind: "ignored" }];
  if (d["action-type"] === "PUSH") return [tag && digest ? { id: e.id, repository, kind: "tagged", tag, digest } : { id: e.id, repository, kind: "touched" }];
  if (d["action-type"] === "DELETE" && tag) return [{ id: e.id, repository, kind: "tag-deleted", tag }];
  if (d["action-type"] === "DELETE" && digest) return [{ id: e.id, repository, kind: "manifest-deleted", digest }];
  return [{ id: e.id, repository, kind: "ignored" }];
}
