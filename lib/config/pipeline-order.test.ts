import { describe, expect, it } from "vitest";
import { pipelineOrderConflict } from "./pipeline-order";
import { configSchema } from "./schema";

const pipeline = [
  { name: "dev", order: 1 },
  { name: "test", order: 2 },
  { name: "prod", order: 3 },
];

describe("pipelineOrderConflict: one environment per place in the pipeline", () => {
  it("accepts an order nobody holds", () => {
    expect(pipelineOrderConflict(pipeline, { name: "staging", order: 4 })).toBeNull();
    expect(pipelineOrderConflict([], { name: "dev", order: 1 })).toBeNull();
    expect(pipelineOrderConflict(pipeline, { name: "sandbox", order: 0 })).toBeNull();
  });

  it("refuses a taken order, naming the holder and the next free place", () => {
    expect(pipelineOrderConflict(pipeline, { name: "staging", order: 2 })).toBe(
      'order 2 is already taken by environment "test"; each environment needs its own place in the pipeline (4 is free)',
    );
    expect(pipelineOrderConflict([{ name: "dev", order: 1 }, { name: "prod", order: 5 }], { name: "qa", order: 1 })).toMatch(/taken by environment "dev".*\(2 is free\)$/);
  });

  it("does not count the environment against itself (the same entry re-read)", () => {
    expect(pipelineOrderConflict(pipeline, { name: "test", order: 2 })).toBeNull();
  });
});

describe("dockmaster.yaml: duplicate pipeline orders", () => {
  it("are refused at the second environment's order", () => {
    const result = configSchema.safeParse({
      registries: [{ name: "local", kind: "oci", url: "http://127.0.0.1:5000" }],
      environments: [
        { name: "dev", order: 1, registry: "local" },
        { name: "qa", order: 1, registry: "local" },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["environments.1.order", expect.stringContaining('order 1 is already taken by environment "dev"')]]);
  });
});
