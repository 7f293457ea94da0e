import { describe, expect, it } from "vitest";
import { describeRule, parseRetentionLog } from "./retention";

// The shape Harbor's retention job logs (src/pkg/retention/job.go: one row per artifact, tags comma-joined,
// tablewriter with left/right borders only), after a log prefix line.
const LOG = `2026-02-02T03:00:05Z [INFO] [/pkg/retention/job.go:119]: Run retention process.
 Repository : prod/web
 Rule id : 1
2026-02-02T03:00:05Z [INFO] [/pkg/retention/job.go:183]:
|                                 Digest                                  |    Tag     | Kind  | Labels  |     PushedTime      |     PulledTime      |     CreatedTime     | Retention |
|-------------------------------------------------------------------------|------------|-------|---------|---------------------|---------------------|---------------------|-----------|
| sha256:a2ae0e4d63801111111111111111111111111111111111111111111111111111 | 1.0,latest | image |         | 2025/12/02 12:00:00 |                     | 2025/12/01 00:00:00 | DEL       |
| sha256:0c1b099187d11111111111111111111111111111111111111111111111111111 | 1.1        | image | release | 2026/01/11 12:00:00 | 2026/02/03 00:00:00 | 2026/01/11 00:00:00 | RETAIN    |
| sha256:99aa099187d11111111111111111111111111111111111111111111111111111 |            | image |         | 2026/01/12 12:00:00 |                     | 2026/01/12 00:00:00 | DEL       |
`;

describe("Harbor retention", () => {
  it("reads the dry-run table: one row per artifact, its tags split (none when untagged), RETAIN/DEL", () => {
    expect(parseRetentionLog(LOG)).toEqual([
      { digest: "sha256:a2ae0e4d63801111111111111111111111111111111111111111111111111111", tags: ["1.0", "latest"], action: "delete" },
      { digest: "sha256:0c1b099187d11111111111111111111111111111111111111111111111111111", tags: ["1.1"], action: "retain" },
      { digest: "sha256:99aa099187d11111111111111111111111111111111111111111111111111111", tags: [], action: "delete" },
    ]);
    // tablewriter upper-cases headers unless told not to: the case does not matter
    expect(parseRetentionLog(LOG.replace("Digest", "DIGEST").replace("Retention", "RETENTION"))).toHaveLength(3);
  });

  it("finds nothing in a log without the table", () => {
    expect(parseRetentionLog("2026-02-02 [INFO] no candidates\n")).toEqual([]);
    expect(parseRetentionLog("| A | B |\n| 1 | 2 |")).toEqual([]);
  });

  it("describes a rule in one line", () => {
    expect(
      describeRule({ template: "nDaysSinceLastPull", params: { nDaysSinceLastPull: 30 } as never, tag_selectors: [{ decoration: "excludes", pattern: "latest" }], scope_selectors: { repository: [{ decoration: "repoMatches", pattern: "web" }] } }),
    ).toBe("nDaysSinceLastPull (nDaysSinceLastPull=30) repositories repoMatches web tags excludes latest");
  });
});
