/**
 * Harbor webhook payloads (specs/events/harbor-webhooks.md), in either of the two formats a webhook
 * policy of kind HTTP can send: `Default` ({type, occur_at, operator, event_data}) or `CloudEvents`
 * ({specversion, id, type: "harbor.artifact.pushed", time, data, operator}); `data` and
 * `event_data` have the same shape.
 *
 * What each event means for the index:
 * - PUSH_ARTIFACT: one resource per tag pushed → `tagged`; a push by digest (Harbor then repeats the
 *   digest as the "tag") names no tag → `touched`.
 * - DELETE_ARTIFACT: Harbor deletes artifacts, i.e. manifests with all their tags → `manifest-deleted`.
 * - SCANNING_COMPLETED: the artifact's scan report changed → `scanned` (its report is re-read into the
 *   index); without a digest → `touched`.
 * - REPLICATION / TAG_RETENTION: name repositories only as "name [n item(s)…]" or "name:tag" under a
 *   project → `touched` for each, so the re-read finds what arrived or was removed.
 * - PULL_ARTIFACT: the artifact's tags were pulled at the event's time → `pulled` (their pull time,
 *   without a re-read: the hourly full sync reads Harbor's own pull_time, which stays the truth, e.g.
 *   where Harbor is told not to count a scanner's pulls); a time that is not a plausible pull → `ignored`.
 * - stopped or failed scans and quota warnings change nothing the index keeps → `ignored`.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { joinNamespace } from "@/lib/inventory/namespace";
import { pullTime } from "@/lib/registry";
import { DIGEST_PATTERN, describeIssues, type ParsedEvents, type RegistryEventChange } from "./types";

/** Harbor sends one artifact per push; a replication or retention run may list many, but not this many. */
const MAX_RESOURCES = 1000;

const digest = z.string().regex(DIGEST_PATTERN, "must be a sha256:/sha512: digest");
const repository = z.looseObject({
  name: z.string().min(1).max(512),
  namespace: z.string().min(1).max(255),
  repo_full_name: z.string().min(1).max(512).optional(),
});
const resource = z.looseObject({ digest: digest.optional(), tag: z.string().min(1).max(200).optional() });
const nameTagged = z.looseObject({ status: z.string().max(64).optional(), name_tag: z.string().min(1).max(700) });
const eventData = z.looseObject({
  resources: z.array(resource).max(MAX_RESOURCES).optional(),
  repository: repository.optional(),
  replication: z
    .looseObject({
      job_status: z.string().max(64).optional(),
      dest_resource: z.looseObject({ namespace: z.string().max(255).optional() }).optional(),
      successful_artifact: z.array(nameTagged).max(MAX_RESOURCES).optional(),
    })
    .optional(),
  retention: z
    .looseObject({
      project_name: z.string().min(1).max(255),
      deleted_artifact: z.array(nameTagged).max(MAX_RESOURCES).optional(),
    })
    .optional(),
});
const defaultFormat = z.looseObject({
  type: z.string().min(1).max(64),
  occur_at: z.number().int().nonnegative(),
  operator: z.string().max(255).optional(),
  event_data: eventData,
});
const cloudEvent = z.looseObject({
  specversion: z.string().max(16),
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  time: z.string().max(64).optional(),
  operator: z.string().max(255).optional(),
  data: eventData,
});

/** The CloudEvents type names of the Default format's event types. */
const CLOUD_EVENT_TYPES: Record<string, string> = {
  "harbor.artifact.pushed": "PUSH_ARTIFACT",
  "harbor.artifact.pulled": "PULL_ARTIFACT",
  "harbor.artifact.deleted": "DELETE_ARTIFACT",
  "harbor.scan.completed": "SCANNING_COMPLETED",
  "harbor.scan.stopped": "SCANNING_STOPPED",
  "harbor.scan.failed": "SCANNING_FAILED",
  "harbor.quota.exceeded": "QUOTA_EXCEED",
  "harbor.quota.warned": "QUOTA_WARNING",
  "harbor.replication.status.changed": "REPLICATION",
  "harbor.tag_retention.finished": "TAG_RETENTION",
};

export function harborChanges(body: unknown): ParsedEvents {
  const isCloudEvent = !!body && typeof body === "object" && "specversion" in body;
  if (isCloudEvent) {
    const parsed = cloudEvent.safeParse(body);
    if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
    const e = parsed.data;
    // A CloudEvent carries a unique id; one event may still name several artifacts, each its own change.
    return changesOf(CLOUD_EVENT_TYPES[e.type] ?? e.type, e.data, "data", e.operator, (n) => `${e.id}#${n}`, pullTime(e.time));
  }
  const parsed = defaultFormat.safeParse(body);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
  const e = parsed.data;
  // The Default format carries no event id. Harbor re-sends the same payload when a delivery fails,
  // so a hash of what the payload says (type, time, repository, digest, tag, position) is the same on
  // every retry and a replay is applied once. Two different events can only share it if they say the
  // same thing in the same second, and applying that a second time would change nothing anyway.
  const derived = (n: number, ...parts: (string | undefined)[]) =>
    "harbor:" + createHash("sha256").update([e.type, String(e.occur_at), String(n), ...parts.map((p) => p ?? "")].join("\u0000")).digest("hex");
  return changesOf(e.type, e.event_data, "event_data", e.operator, derived, pullTime(new Date(e.occur_at * 1000)));
}

type EventData = z.infer<typeof eventData>;

function changesOf(type: string, data: EventData, dataField: string, operator: string | undefined, idOf: (n: number, ...parts: (string | undefined)[]) => string, at?: string): ParsedEvents {
  const actor = operator || undefined;
  const repo = data.repository ? data.repository.repo_full_name || joinNamespace(data.repository.namespace, data.repository.name) : undefined;
  const resources = data.resources ?? [];
  const out: RegistryEventChange[] = [];

  if (type === "PUSH_ARTIFACT" || type === "DELETE_ARTIFACT" || type === "SCANNING_COMPLETED") {
    if (!repo) return { error: `${dataField}.repository: required for ${type}` };
    resources.forEach((r, n) => {
      const id = idOf(n, repo, r.digest, r.tag);
      const namedTag = r.tag && !DIGEST_PATTERN.test(r.tag) ? r.tag : undefined;
      if (type === "PUSH_ARTIFACT" && namedTag && r.digest) out.push({ id, repository: repo, kind: "tagged", tag: namedTag, digest: r.digest, actor });
      else if (type === "DELETE_ARTIFACT" && r.digest) out.push({ id, repository: repo, kind: "manifest-deleted", digest: r.digest, actor });
      else if (type === "DELETE_ARTIFACT" && namedTag) out.push({ id, repository: repo, kind: "tag-deleted", tag: namedTag, actor });
      else if (type === "SCANNING_COMPLETED" && r.digest) out.push({ id, repository: repo, kind: "scanned", digest: r.digest, actor });
      else out.push({ id, repository: repo, kind: "touched", actor });
    });
    return out;
  }
  if (type === "PULL_ARTIFACT" && repo && at) {
    resources.forEach((r, n) => {
      if (r.digest) out.push({ id: idOf(n, repo, r.digest, r.tag), repository: repo, kind: "pulled", digest: r.digest, at });
    });
    if (out.length) return out;
  }
  if (type === "REPLICATION" && data.replication) {
    const project = data.replication.dest_resource?.namespace;
    if (!project || !/^success/i.test(data.replication.job_status ?? "")) return [{ id: idOf(0), repository: "", kind: "ignored" }];
    (data.replication.successful_artifact ?? []).forEach((a, n) => {
      const name = repositoryOfNameTag(a.name_tag);
      if (name) out.push({ id: idOf(n, project, a.name_tag), repository: `${project}/${name}`, kind: "touched", actor });
    });
    return out;
  }
  if (type === "TAG_RETENTION" && data.retention) {
    const project = data.retention.project_name;
    (data.retention.deleted_artifact ?? []).forEach((a, n) => {
      const name = repositoryOfNameTag(a.name_tag);
      if (name) out.push({ id: idOf(n, project, a.name_tag), repository: `${project}/${name}`, kind: "touched", actor });
    });
    return out;
  }
  return [{ id: idOf(0, repo), repository: repo ?? "", kind: "ignored" }];
}

/** "alpine [1 item(s) in total]" or "alpine:3.8" → "alpine" (the repository name within its project). */
function repositoryOfNameTag(nameTag: string): string | null {
  const name = nameTag.replace(/\s*\[.*$/, "").replace(/[:@].*$/, "").trim();
  return name || null;
}
