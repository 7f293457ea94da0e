import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LATENCY_CURVE, LatencyChart, SUCCESS_CURVE, SuccessChart } from "@/components/probes/charts";
import type { TargetView } from "@/lib/probe/overview";

// recharts curve types that never draw a value between two points beyond the two measured ones.
// "monotone", "basis", "natural" and "cardinal" splines may bend past them; those are not allowed.
const NON_OVERSHOOTING = new Set(["linear", "monotoneX", "step", "stepBefore", "stepAfter"]);

const target = (id: string, name: string, p95: number | null): TargetView =>
  ({ id, name, series: [{ t: 1, p95, count: 1, successRate: 1 }] }) as unknown as TargetView;

describe("probe charts", () => {
  it("join measured points without smoothing that overshoots", () => {
    expect(NON_OVERSHOOTING.has(LATENCY_CURVE)).toBe(true);
    expect(NON_OVERSHOOTING.has(SUCCESS_CURVE)).toBe(true);
  });

  it("carry their title and a legend of the probes drawn, beside the chart and before it draws", () => {
    const html = renderToStaticMarkup(createElement(LatencyChart, { targets: [target("1", "dev-up", 12), target("2", "prod-up", 30), target("3", "idle-up", null)], range: "1h" }));
    expect(html).toContain("<figcaption");
    expect(html).toContain("p95 latency per probe (ms)");
    const legend = html.slice(html.indexOf('data-testid="chart-legend"'), html.indexOf("</ul>"));
    expect(legend).toContain("dev-up");
    expect(legend).toContain("prod-up");
    // a probe without a successful run has no line, so no legend entry either
    expect(legend).not.toContain("idle-up");
    const success = renderToStaticMarkup(createElement(SuccessChart, { targets: [target("1", "dev-up", 12)], range: "1h" }));
    expect(success).toContain("Success rate, all probes of this registry (%)");
  });
});
