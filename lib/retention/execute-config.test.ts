import { describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";
import { retentionExecuteBy } from "./execute-config";

describe("retention execution settings in dockmaster.yaml", () => {
  it("defaults to 10 deletes per second when the section is there without the key", () => {
    expect(parseAppConfig("retention:\n  recentPromotionDays: 3\n").retention).toEqual({ deleteRatePerSecond: 10, recentPromotionDays: 3 });
  });

  it("refuses a rate of 0 and an unknown key, naming the line", () => {
    expect(() => parseAppConfig("registries: []\nretention:\n  deleteRatePerSecond: 0\n")).toThrow(/dockmaster\.yaml:3.*must be above 0/s);
    expect(() => parseAppConfig("retention:\n  deletesPerSecond: 5\n")).toThrow(/dockmaster\.yaml:\d+/);
  });
});

describe("who executes an environment's plans", () => {
  it("approvers only where the environment's retention says executeBy: approver", () => {
    const envs = [{ name: "dev", retention: { executeBy: "approver" } }, { name: "prod", retention: {} }, { name: "test" }];
    expect(retentionExecuteBy(envs, "dev")).toBe("approver");
    expect(retentionExecuteBy(envs, "prod")).toBe("admin");
    expect(retentionExecuteBy(envs, "test")).toBe("admin");
    expect(retentionExecuteBy(envs, "absent")).toBe("admin");
  });
});
