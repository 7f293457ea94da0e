import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PromotionStatus } from "@/lib/db/generated/client";
import { TRANSITIONS, transition } from "./transitions";

describe("the promotion state machine", () => {
  it("names every status, and only statuses, as sources and targets", () => {
    const statuses = Object.values(PromotionStatus);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...statuses].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(statuses).toContain(t);
  });

  it("refuses a transition the table does not allow before touching the database", async () => {
    const untouchable = new Proxy({}, { get: () => { throw new Error("the database was touched"); } });
    await expect(transition({ promotion: untouchable } as never, "id", ["verified"], "copying")).rejects.toThrow("illegal promotion transition verified → copying");
    await expect(transition({ promotion: untouchable } as never, "id", ["requested", "copying"], "rejected")).rejects.toThrow("illegal promotion transition copying → rejected");
  });

  it("no code in lib/promotion writes a status except through transition()", () => {
    const dir = import.meta.dirname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "transitions.ts")) {
      const source = readFileSync(path.join(dir, file), "utf8");
      // an update of a promotion row whose data names a status, e.g. promotion.update({ …, data: { status: … } })
      expect(source, file).not.toMatch(/promotion\.update(Many)?\(\{[^;]*data:\s*\{[^;]*\bstatus\b/s);
    }
  });
});
