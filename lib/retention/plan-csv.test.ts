import { describe, expect, it } from "vitest";
import { planCsv } from "./plan-csv";

const d = `sha256:${"a".repeat(64)}`;

describe("planCsv", () => {
  it("lists deletions then protections, quoting what needs it and defusing formulas", () => {
    const csv = planCsv({
      items: [
        { repository: "dev/api", tag: "build-1", digest: d, rule: "rules[0] (*)", bytes: 1024, deletesManifest: true, reclaimed: 512 },
        { repository: "dev/api", tag: null, digest: d, rule: "rules[1] (api, web)", bytes: 0, deletesManifest: true },
      ],
      protected: [
        { repository: "dev/api", tag: "=HYPERLINK()", digest: d, reason: 'running in prod, "main"' },
      ],
    });
    expect(csv.split("\r\n")).toEqual([
      "action,repository,tag,digest,rule_or_reason,bytes,deletes_manifest,reclaimed_bytes,reclaimed_upper_bound",
      `delete,dev/api,build-1,${d},rules[0] (*),1024,true,512,false`,
      // a plan computed before reclaimed bytes existed: the new cells stay empty
      `delete,dev/api,,${d},"rules[1] (api, web)",0,true,,`,
      `protected,dev/api,'=HYPERLINK(),${d},"running in prod, ""main""",,,,`,
      "",
    ]);
  });
});
