import { describe, expect, it } from "vitest";
import { parseConfig } from "./load";
import { refusalProblems } from "../../test/support/config-problems";

const base = (retention: string, extra = "") => `registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:5000" }
environments:
  - name: dev
    order: 1
    registry: local
    namespace: dev
    retention:
${retention}
  - { name: prod, order: 2, registry: local, namespace: prod, protected: true${extra} }
`;

const problems = (text: string) => refusalProblems(text);

describe("retention in dockmaster.yaml", () => {
  it("parses rules, protections and who may execute, with defaults", () => {
    const cfg = parseConfig(
      base(`      rules:
        - { repositories: "*", keepTags: "^(v\\\\d+\\\\.\\\\d+\\\\.\\\\d+|latest)$", keepLast: 10, deleteOlderThanDays: 30 }
        - { repositories: "api*", untaggedOlderThanDays: 7, autoExecute: true }
      pinned: [{ repository: api, tag: "1.0.0", reason: customer LTS }]
      protectedEnvironments: [prod]
      executeBy: approver
      schedule: { everyHours: 24 }`),
      "dockmaster.yaml",
      {},
    );
    expect(cfg.environments[0]!.retention).toEqual({
      rules: [
        { repositories: "*", keepTags: "^(v\\d+\\.\\d+\\.\\d+|latest)$", keepLast: 10, deleteOlderThanDays: 30 },
        { repositories: "api*", untaggedOlderThanDays: 7, autoExecute: true },
      ],
      allowEmpty: false,
      recentPromotionDays: 7,
      pinned: [{ repository: "api", tag: "1.0.0", reason: "customer LTS" }],
      protectedEnvironments: ["prod"],
      executeBy: "approver",
      schedule: { everyHours: 24 },
    });
    expect(new RegExp(cfg.environments[0]!.retention!.rules[0]!.keepTags!).test("v1.2.3")).toBe(true);
  });

  it("refuses an invalid pattern at its line, with the regex engine's reason", () => {
    expect(problems(base(`      rules:\n        - repositories: "*"\n          keepTags: "^(v\\\\d+"`))).toEqual([
      'dockmaster.yaml:11: environments[0].retention.rules[0].keepTags: is not a valid regular expression: /^(v\\d+/: Unterminated group',
    ]);
  });

  it("refuses durations that are not whole positive days, each at its line", () => {
    const p = problems(base(`      rules:\n        - repositories: "*"\n          deleteOlderThanDays: 0\n          untaggedOlderThanDays: 1.5\n          unlessPulledWithinDays: "7d"`));
    expect(p).toEqual([
      "dockmaster.yaml:11: environments[0].retention.rules[0].deleteOlderThanDays: must be at least 1 day",
      "dockmaster.yaml:13: environments[0].retention.rules[0].unlessPulledWithinDays: must be a number of days (tags pulled this recently are kept), e.g. 30",
      "dockmaster.yaml:12: environments[0].retention.rules[0].untaggedOlderThanDays: must be a whole number of days",
    ].sort((a, b) => p.indexOf(a) - p.indexOf(b)));
    expect(p).toHaveLength(3);
  });

  it("refuses bad repository globs, unknown keys, unknown protected environments and a bad executeBy", () => {
    const p = problems(base(`      rules:\n        - { repositories: "API/*", keepLast: 3, keepLatest: 1 }\n      protectedEnvironments: [qa]\n      executeBy: developer`));
    expect(p.some((x) => /^dockmaster\.yaml:10: environments\[0\]\.retention\.rules\[0\]\.repositories: must be a repository name pattern/.test(x))).toBe(true);
    expect(p.some((x) => /^dockmaster\.yaml:10: environments\[0\]\.retention\.rules\[0\]: Unrecognized key: "keepLatest"/.test(x))).toBe(true);
    expect(p.some((x) => /^dockmaster\.yaml:12: environments\[0\]\.retention\.executeBy: must be "admin" or "approver"/.test(x))).toBe(true);
    const refs = problems(base(`      rules: [{ repositories: "*", keepLast: 3 }]\n      protectedEnvironments: [qa]`));
    expect(refs).toEqual(['dockmaster.yaml:10: environments[0].retention.protectedEnvironments[0]: refers to environment "qa", which is not declared under environments']);
  });

  it("refuses autoExecute in a protected environment, and rules that are missing", () => {
    const p = problems(base(`      rules: [{ repositories: "*", keepLast: 3 }]`, `, retention: { rules: [{ repositories: "*", keepLast: 5, autoExecute: true }] }`));
    expect(p).toEqual(['dockmaster.yaml:10: environments[1].retention.rules[0].autoExecute: cannot be true in the protected environment "prod": its plans are executed only by a person who confirms the plan\'s hash']);
    expect(problems(base(`      rules: []`))).toEqual(["dockmaster.yaml:9: environments[0].retention.rules: needs at least one rule"]);
  });
});
