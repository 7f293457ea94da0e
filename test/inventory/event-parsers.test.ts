/**
 * The Harbor, ECR and Docker Hub event parsers, fed the payload examples of their vendors' own
 * documentation (test/inventory/fixtures, copied from specs/events/): what each example means for the
 * index, that a replayed payload yields the same change ids, and that a malformed one is refused
 * naming the field.
 */
import { describe, expect, it } from "vitest";
import { dockerhubChanges } from "@/lib/inventory/index/events/dockerhub";
import { ecrChanges } from "@/lib/inventory/index/events/ecr";
import { harborChanges } from "@/lib/inventory/index/events/harbor";
import type { ParsedEvents } from "@/lib/inventory/index/events/types";
import { dockerhubSpecExamples } from "./fixtures/dockerhub-webhooks";
import { ecrSpecExamples } from "./fixtures/ecr-eventbridge-events";
import { harborSpecExamples as harbor } from "./fixtures/harbor-webhooks";

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const changes = (parsed: ParsedEvents) => {
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
};
const withoutIds = (parsed: ParsedEvents) => changes(parsed).map(({ id: _id, ...c }) => c);
const errorOf = (parsed: ParsedEvents) => ("error" in parsed ? parsed.error : "(parsed)");

/** The spec's sample digests are 60 hex digits; a real sha256 digest has 64. */
const realDigest = (d: string) => d.padEnd(71, "0");

describe("Harbor webhook payloads", () => {
  const pushed = harbor["Artifact pushed / Default"];
  /** The push of a tag: the `event_data` of the spec's Slack example ("latest"), in the Default format. */
  const pushedTag = {
    type: "PUSH_ARTIFACT",
    occur_at: 1586922308,
    operator: "admin",
    event_data: {
      resources: [{ digest: "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8", tag: "latest", resource_url: "hub.harbor.com/test-webhook/debian:latest" }],
      repository: { date_created: 1586922308, name: "debian", namespace: "test-webhook", repo_full_name: "test-webhook/debian", repo_type: "private" },
    },
  };

  it("every example of the spec is understood, in both formats", () => {
    for (const [name, example] of Object.entries(harbor)) expect(errorOf(harborChanges(copy(example))), name).toBe("(parsed)");
  });

  it("a pushed tag is `tagged` with its digest, in the project/repository named by repo_full_name", () => {
    expect(withoutIds(harborChanges(pushedTag))).toEqual([
      { repository: "test-webhook/debian", kind: "tagged", tag: "latest", digest: "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8", actor: "admin" },
    ]);
    const noFullName = copy(pushedTag);
    delete (noFullName.event_data.repository as { repo_full_name?: string }).repo_full_name;
    expect(withoutIds(harborChanges(noFullName))[0]).toMatchObject({ repository: "test-webhook/debian" });
  });

  it("a push by digest (Harbor repeats the digest as the tag) names no tag: `touched`", () => {
    expect(withoutIds(harborChanges(copy(pushed)))).toEqual([{ repository: "harbor/alpine", kind: "touched", actor: "harbor-jobservice" }]);
    expect(withoutIds(harborChanges(copy(harbor["Artifact pushed / CloudEvents"])))).toEqual([{ repository: "harbor/alpine", kind: "touched", actor: "harbor-jobservice" }]);
  });

  it("a deleted artifact removes its manifest and so every tag of it", () => {
    const expected = [{ repository: "harbor/alpine", kind: "manifest-deleted", digest: "sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14", actor: "harbor-jobservice" }];
    expect(withoutIds(harborChanges(copy(harbor["Artifact deleted / Default"])))).toEqual(expected);
    expect(withoutIds(harborChanges(copy(harbor["Artifact deleted / CloudEvents"])))).toEqual(expected);
  });

  it("a pull is `pulled` at the event's time, in either format; a pull time that is no plausible time is ignored", () => {
    const pulled = harbor["Artifact pulled / Default"];
    const expected = { repository: "harbor/alpine", kind: "pulled", digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4", at: "2023-04-03T06:12:52.000Z" };
    expect(withoutIds(harborChanges(copy(pulled)))).toEqual([expected]);
    const cloud = { specversion: "1.0", id: "718eab63-2efa-4f88-8c27-8bcacc34929b", type: "harbor.artifact.pulled", time: "2023-04-03T06:12:52Z", data: pulled.event_data, operator: pulled.operator };
    expect(harborChanges(cloud)).toEqual([{ id: "718eab63-2efa-4f88-8c27-8bcacc34929b#0", ...expected }]);
    // hostile times: a pull a year ahead would shield the tag from retention; no time at all says nothing
    expect(changes(harborChanges({ ...copy(pulled), occur_at: Math.floor(Date.now() / 1000) + 365 * 86_400 })).map((c) => c.kind)).toEqual(["ignored"]);
    expect(changes(harborChanges({ ...cloud, time: "yesterday" })).map((c) => c.kind)).toEqual(["ignored"]);
    expect(changes(harborChanges({ ...cloud, time: undefined })).map((c) => c.kind)).toEqual(["ignored"]);
  });

  it("a completed scan re-reads the artifact's report; stopped or failed scans and quota warnings are ignored", () => {
    const scanned = [{ repository: "harbor/alpine", kind: "scanned", digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4", actor: "auto" }];
    expect(withoutIds(harborChanges(copy(harbor["Scanning completed / Default"])))).toEqual(scanned);
    expect(withoutIds(harborChanges(copy(harbor["Scanning completed / CloudEvents"])))).toEqual(scanned);
    for (const name of ["Scanning stopped / Default", "Scanning failed / CloudEvents", "Quota exceeded / Default", "Quota near threshold / CloudEvents"] as const) {
      expect(changes(harborChanges(copy(harbor[name]))).map((c) => c.kind), name).toEqual(["ignored"]);
    }
  });

  it("a successful replication and a retention run re-read the repositories they name under their project", () => {
    expect(withoutIds(harborChanges(copy(harbor["Replication status changed / Default"])))).toEqual([{ repository: "harbor/alpine", kind: "touched", actor: "MANUAL" }]);
    expect(withoutIds(harborChanges(copy(harbor["Tag retention finished / CloudEvents"])))).toEqual([{ repository: "harbor/alpine", kind: "touched", actor: "MANUAL" }]);
    const failed = copy(harbor["Replication status changed / Default"]) as { event_data: { replication: { job_status: string } } };
    failed.event_data.replication.job_status = "Failed";
    expect(changes(harborChanges(failed)).map((c) => c.kind)).toEqual(["ignored"]);
  });

  it("the Default format has no id: the derived one is the same on a replay and differs for another event", () => {
    const first = changes(harborChanges(pushedTag))[0]!.id;
    expect(changes(harborChanges(copy(pushedTag)))[0]!.id).toBe(first);
    expect(changes(harborChanges({ ...pushedTag, occur_at: pushedTag.occur_at + 1 }))[0]!.id).not.toBe(first);
    expect(changes(harborChanges(copy(harbor["Artifact deleted / CloudEvents"])))[0]!.id).toBe("343f1623-7cba-487c-88f1-c5ebf55e93aa#0");
  });

  it("a malformed payload is refused naming the field", () => {
    const badDigest = copy(pushedTag);
    badDigest.event_data.resources[0]!.digest = "sha256:zzz";
    expect(errorOf(harborChanges(badDigest))).toMatch(/^event_data\.resources\.0\.digest: /);
    expect(errorOf(harborChanges({ type: "PUSH_ARTIFACT", event_data: {} }))).toMatch(/^occur_at: /);
    expect(errorOf(harborChanges({ ...copy(pushedTag), event_data: { resources: [] } }))).toMatch(/^event_data\.repository: required/);
    expect(errorOf(harborChanges({ specversion: "1.0", type: "harbor.artifact.pushed", data: {} }))).toMatch(/^id: /);
  });
});

describe("ECR EventBridge events", () => {
  const push = ecrSpecExamples["a completed image push"];
  const withRealDigest = <T extends { detail: { "image-digest": string } }>(e: T): T => ({ ...copy(e), detail: { ...e.detail, "image-digest": realDigest(e.detail["image-digest"]) } });

  it("the spec's sample digest (60 hex digits) is refused naming the field: the parser checks digests strictly", () => {
    expect(errorOf(ecrChanges(copy(push)))).toMatch(/^detail\.image-digest: /);
  });

  it("a successful push of a tag is `tagged`, with EventBridge's event id", () => {
    const event = withRealDigest(push);
    expect(changes(ecrChanges(event))).toEqual([{ id: "13cde686-328b-6117-af20-0e5566167482", repository: "my-repository-name", kind: "tagged", tag: "latest", digest: event.detail["image-digest"] }]);
    const byDigest = copy(event) as { detail: { "image-tag"?: string } };
    delete byDigest.detail["image-tag"];
    expect(withoutIds(ecrChanges(byDigest))).toEqual([{ repository: "my-repository-name", kind: "touched" }]);
  });

  it("a delete by tag removes the tag, one by digest the manifest; a failed action is ignored", () => {
    const deletion = withRealDigest(ecrSpecExamples["an image deletion"]);
    expect(withoutIds(ecrChanges(deletion))).toEqual([{ repository: "my-repository-name", kind: "tag-deleted", tag: "latest" }]);
    const byDigest = copy(deletion) as { detail: { "image-tag"?: string } };
    delete byDigest.detail["image-tag"];
    expect(withoutIds(ecrChanges(byDigest))).toEqual([{ repository: "my-repository-name", kind: "manifest-deleted", digest: deletion.detail["image-digest"] }]);
    expect(withoutIds(ecrChanges({ ...deletion, detail: { ...deletion.detail, result: "FAILURE" } }))).toEqual([{ repository: "my-repository-name", kind: "ignored" }]);
  });

  it("a completed scan re-reads the image's report (the repository when the digest is unusable); a scan-resource change is ignored", () => {
    // the spec's sample digest is cut short (60 hex digits): nothing to read by it
    expect(changes(ecrChanges(copy(ecrSpecExamples["a completed image scan (basic scanning)"])))).toEqual([{ id: "85fc3613-e913-7fc4-a80c-a3753e4aa9ae", repository: "my-repository-name", kind: "touched" }]);
    const example = ecrSpecExamples["a completed image scan (basic scanning)"];
    const digest = example.detail["image-digest"].padEnd(71, "0");
    expect(changes(ecrChanges({ ...copy(example), detail: { ...example.detail, "image-digest": digest } }))).toEqual([{ id: example.id, repository: "my-repository-name", kind: "scanned", digest }]);
    const resourceChange = ecrSpecExamples["a change notification on a resource with enhanced scanning enabled (enhanced scanning)"];
    expect(changes(ecrChanges(copy(resourceChange))).map((c) => c.kind)).toEqual(["ignored"]);
  });

  it("a malformed event is refused naming the field", () => {
    expect(errorOf(ecrChanges({ ...withRealDigest(push), id: undefined }))).toMatch(/^id: /);
    expect(errorOf(ecrChanges({ ...withRealDigest(push), detail: { result: "SUCCESS", "action-type": "PUSH" } }))).toMatch(/^detail\.repository-name: /);
    expect(errorOf(ecrChanges([withRealDigest(push)]))).toMatch(/^body: /);
  });
});

describe("Docker Hub webhooks", () => {
  const push = dockerhubSpecExamples.push;

  it("a push names no digest: `touched` for namespace/name, so the re-read asks the Hub", () => {
    expect(withoutIds(dockerhubChanges(copy(push)))).toEqual([{ repository: "svendowideit/testhook", kind: "touched", actor: "trustedbuilder" }]);
  });

  it("a payload with a digest is `tagged` at once", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(withoutIds(dockerhubChanges({ ...copy(push), push_data: { ...push.push_data, digest } }))).toEqual([
      { repository: "svendowideit/testhook", kind: "tagged", tag: "latest", digest, actor: "trustedbuilder" },
    ]);
  });

  it("the derived id is the same on a replay and differs for the next push of the tag", () => {
    const first = changes(dockerhubChanges(copy(push)))[0]!.id;
    expect(changes(dockerhubChanges(copy(push)))[0]!.id).toBe(first);
    expect(changes(dockerhubChanges({ ...copy(push), push_data: { ...push.push_data, pushed_at: push.push_data.pushed_at + 60 } }))[0]!.id).not.toBe(first);
  });

  it("a malformed payload is refused naming the field", () => {
    expect(errorOf(dockerhubChanges({ ...copy(push), push_data: { ...push.push_data, tag: "" } }))).toMatch(/^push_data\.tag: /);
    expect(errorOf(dockerhubChanges({ ...copy(push), repository: { name: "testhook" } }))).toMatch(/^repository\.repo_name: /);
  });
});
