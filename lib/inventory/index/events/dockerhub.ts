/**
 * Docker Hub webhooks (specs/events/dockerhub-webhooks.md): one POST per push, naming the repository
 * (`repository.repo_name`, i.e. namespace/name) and the tag, but no digest. So a push is a `touched`
 * change: the re-read asks the Hub what the tag now points at. Should a payload ever carry a digest,
 * it is applied at once as `tagged`.
 *
 * The payload has no event id (`callback_url` is per webhook and no longer supported), so the id is
 * derived from what identifies the push: repository, tag and `pushed_at`. The Hub re-sends the same
 * payload on a failed delivery, which then hashes to the same id and is applied once.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { DIGEST_PATTERN, describeIssues, type ParsedEvents } from "./types";

const webhook = z.looseObject({
  push_data: z.looseObject({
    pushed_at: z.number().int().nonnegative(),
    pusher: z.string().max(255).optional(),
    tag: z.string().min(1).max(128),
    digest: z.string().regex(DIGEST_PATTERN, "must be a sha256: digest").optional(),
  }),
  repository: z.looseObject({
    repo_name: z.string().regex(/^[a-z0-9._-]+\/[a-z0-9._/-]+$/, "must be namespace/name").max(255),
  }),
});

export function dockerhubChanges(body: unknown): ParsedEvents {
  const parsed = webhook.safeParse(body);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
  const { push_data: push, repository } = parsed.data;
  const id = "hub:" + createHash("sha256").update([repository.repo_name, push.tag, String(push.pushed_at)].join("\u0000")).digest("hex");
  const actor = push.pusher || undefined;
  const base = { id, repository: repository.repo_name, actor };
  return [push.digest ? { ...base, kind: "tagged", tag: push.tag, digest: push.digest } : { ...base, kind: "touched" }];
}
