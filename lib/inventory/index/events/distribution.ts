/**
 * The CNCF Distribution notification envelope (specs/distribution/notifications-events-*.md): one
 * or more events, each with an id, an action (push, pull, delete, mount) and a target descriptor.
 * Only manifest pushes and deletes change what an environment holds; blob events and pulls are
 * ignored. Delete targets carry only the digest and repository (the spec says so), which removes
 * every tag that pointed at that manifest.
 */
import { z } from "zod";
import { DIGEST_PATTERN, describeIssues, type ParsedEvents, type RegistryEventChange } from "./types";

/** A cap on events per envelope: Distribution batches a few at a time; thousands means abuse. */
const MAX_EVENTS = 1000;

const digest = z.string().regex(DIGEST_PATTERN, "must be a sha256:/sha512: digest");
const target = z.looseObject({
  mediaType: z.string().max(255).optional(),
  digest: digest.optional(),
  repository: z.string().min(1).max(512),
  tag: z.string().max(128).optional(),
});
const event = z.looseObject({
  id: z.string().min(1).max(200),
  action: z.string().max(32),
  target,
  actor: z.looseObject({ name: z.string().max(200).optional() }).optional(),
});
const distributionEnvelope = z.looseObject({ events: z.array(event).max(MAX_EVENTS) });

const MANIFEST_TYPES = /(manifest|image\.index)[^/]*\+json$|manifest\.v1\+prettyjws$/;

export function distributionChanges(body: unknown): ParsedEvents {
  const parsed = distributionEnvelope.safeParse(body);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
  const out: RegistryEventChange[] = [];
  for (const e of parsed.data.events) {
    const t = e.target;
    const actor = e.actor?.name || undefined;
    if (e.action === "push" && t.digest && t.mediaType && MANIFEST_TYPES.test(t.mediaType)) {
      out.push(t.tag ? { id: e.id, repository: t.repository, kind: "tagged", tag: t.tag, digest: t.digest, actor } : { id: e.id, repository: t.repository, kind: "touched", actor });
    } else if (e.action === "delete" && t.tag) {
      out.push({ id: e.id, repository: t.repository, kind: "tag-deleted", tag: t.tag, actor });
    } else if (e.action === "delete" && t.digest) {
      out.push({ id: e.id, repository: t.repository, kind: "manifest-deleted", digest: t.digest, actor });
    } else {
      out.push({ id: e.id, repository: t.repository, kind: "ignored" });
    }
  }
  return out;
}
