import { describe, expect, it } from "vitest";
import { recordStep } from "./record";

function fakeTx() {
  const audit: { action: string; detail: Record<string, unknown> }[] = [];
  const events: unknown[] = [];
  const tx = {
    promotionEvent: { create: async (a: { data: unknown }) => void events.push(a.data) },
    auditEvent: { create: async (a: { data: { action: string; detail: Record<string, unknown> } }) => void audit.push(a.data) },
  } as unknown as Parameters<typeof recordStep>[0];
  return { tx, audit, events };
}

describe("recordStep", () => {
  it("names the environments and keeps the gate results in the audit row", async () => {
    const { tx, audit, events } = fakeTx();
    const p = { id: "p1", number: 7, sourceEnv: "dev", targetEnv: "prod" };
    await recordStep(tx, p, { kind: "request", actor: null, message: "requested", detail: { gatesPassed: false, failedGates: ["scan"] } });
    expect(events).toHaveLength(1);
    expect(audit).toEqual([
      expect.objectContaining({
        action: "promotion.request",
        detail: { message: "requested", sourceEnv: "dev", targetEnv: "prod", gatesPassed: false, failedGates: ["scan"] },
      }),
    ]);
  });
});
