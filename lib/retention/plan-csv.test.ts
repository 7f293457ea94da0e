import { describe, expect, it } from "vitest";
import { planCsv } from "./plan-csv";

const d = `sha256:${"a".repeat(64)}`;

describe("planCsv", () => {
  it("lists deletions then protections, quoting what needs it and defusing formulas", () => {
    const csv = planCsv({
      items: [
        { repository: "dev/api", tag: "build-1", digest: d, rule: "rules[0] (*)", bytes: 1024, deletesManifest: true },
        { repository: "dev/api", tag: null, digest: d, rule: "rules[1] (api, web)", bytes: 0, deletesManifest: true },
      ],
      protected: [
        { repository: "dev/api", tag: "=HYPERLINK()", digest: d, reason: 'running in prod, "main"' },
      ],
    });
    expect(csv.split("\r\n")).toEqual([
      "action,repository,tag,digest,rule_or_reason,bytes,deletes_manifest",
      `delete,dev/api,build-1,${d},rules[0] (*),1024,true`,
      `delete,dev/api,,${d},"rules[1] (api, web)",0,true`,
      `protected,dev/api,'=HYPERLINK(),${d},"running in prod, ""main""",,`,
      "",
    ]);
  });
});
