import { describe, expect, it } from "vitest";
import { describeRule, parseRetentionLog } from "./retention";

// The shape Harbor's retention job logs (tablewriter upper-cases the header), with a log prefix line.
const LOG = `2026-02-02T03:00:05Z [INFO] [/pkg/retention/job.go:119]: Run retention process.
 Repository : prod/web
 Rule id : 1
2026-02-02T03:00:05Z [INFO] [/pkg/retention/job.go:183]:
+-------------------------------------------------------------------------+------+-------+--------+-----------------+------------+-----------------+-----------+
|                                 DIGEST                                  | TAG  | KIND  | LABELS |   PUSHEDTIME    | PULLEDTIME |   CREATEDTIME   | RETENTION |
+-------------------------------------------------------------------------+------+-------+--------+-----------------+------------+-----------------+-----------+
| sha256:a2ae0e4d63801111111111111111111111111111111111111111111111111111 | 1.0  | image |        | 2025/12/02 12:00 |            | 2025/12/01 00:00 | DEL       |
| sha256:0c1b099187d11111111111111111111111111111111111111111111111111111 | 1.1  | image | release | 2026/01/11 12:00 | 2026/02/03 | 2026/01/11 00:00 | RETAIN    |
+-------------------------------------------------------------------------+------+-------+--------+-----------------+------------+-----------------+-----------+
`;

describe("Harbor retention", () => {
  it("reads the dry-run table: digest, tag and RETAIN/DEL, whatever the header case", () => {
    expect(parseRetentionLog(LOG)).toEqual([
      { digest: "sha256:a2ae0e4d63801111111111111111111111111111111111111111111111111111", tag: "1.0", action: "delete" },
      { digest: "sha256:0c1b099187d11111111111111111111111111111111111111111111111111111", tag: "1.1", action: "retain" },
    ]);
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
