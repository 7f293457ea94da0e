import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config/load";
import { windowsSchema, type ChangeWindows } from "@/lib/config/windows";
import { evaluateWindows, formatInZone } from "./windows";

const windows = (w: unknown): ChangeWindows => windowsSchema.parse(w);
/** the Friday-afternoon-to-Monday-morning freeze of the issue */
const freeze = windows({ timeZone: "Europe/Berlin", deny: [{ days: ["fri"], from: "16:00", to: "08:00", until: "mon" }] });
const officeHours = windows({ timeZone: "Europe/Berlin", allow: [{ days: ["mon", "tue", "wed", "thu"], from: "09:00", to: "17:00" }] });
const at = (iso: string) => new Date(iso);
const closedUntil = (w: ChangeWindows, iso: string) => {
  const v = evaluateWindows(w, at(iso));
  if (v.open) throw new Error(`expected closed at ${iso}`);
  return v.until?.toISOString() ?? null;
};

describe("deny Fri 16:00 – Mon 08:00 Europe/Berlin", () => {
  it("is open until Friday 16:00 wall-clock and closed from then on", () => {
    expect(evaluateWindows(freeze, at("2026-11-27T14:59:59Z"))).toEqual({ open: true }); // Fri 15:59:59 CET
    expect(closedUntil(freeze, "2026-11-27T15:00:00Z")).toBe("2026-11-30T07:00:00.000Z"); // Fri 16:00 CET → Mon 08:00 CET
    expect(evaluateWindows(freeze, at("2026-11-30T07:00:00Z"))).toEqual({ open: true });
    expect(closedUntil(freeze, "2026-11-30T06:59:00Z")).toBe("2026-11-30T07:00:00.000Z");
  });

  it("says why it is closed", () => {
    const v = evaluateWindows(freeze, at("2026-11-28T12:00:00Z"));
    expect(v).toMatchObject({ open: false, reason: "inside the deny window fri 16:00–mon 08:00 (Europe/Berlin)" });
  });

  it("follows the autumn 2026 change (Sun 25 Oct 03:00 CEST → 02:00 CET): starts at 14:00Z, ends at 07:00Z, 65 real hours", () => {
    expect(evaluateWindows(freeze, at("2026-10-23T13:59:00Z"))).toEqual({ open: true }); // Fri 15:59 CEST
    expect(closedUntil(freeze, "2026-10-23T14:00:00Z")).toBe("2026-10-26T07:00:00.000Z");
    // inside the hour that happens twice, still closed, same opening
    expect(closedUntil(freeze, "2026-10-25T00:30:00Z")).toBe("2026-10-26T07:00:00.000Z"); // 02:30 CEST
    expect(closedUntil(freeze, "2026-10-25T01:30:00Z")).toBe("2026-10-26T07:00:00.000Z"); // 02:30 CET
    expect(Date.parse("2026-10-26T07:00:00Z") - Date.parse("2026-10-23T14:00:00Z")).toBe(65 * 3_600_000);
  });

  it("follows the spring 2027 change (Sun 28 Mar 02:00 CET → 03:00 CEST): starts at 15:00Z, ends at 06:00Z, 63 real hours", () => {
    expect(evaluateWindows(freeze, at("2027-03-26T14:59:00Z"))).toEqual({ open: true }); // Fri 15:59 CET
    expect(closedUntil(freeze, "2027-03-26T15:00:00Z")).toBe("2027-03-29T06:00:00.000Z");
    expect(closedUntil(freeze, "2027-03-28T01:00:00Z")).toBe("2027-03-29T06:00:00.000Z"); // 03:00 CEST, just after the jump
    expect(evaluateWindows(freeze, at("2027-03-29T06:00:00Z"))).toEqual({ open: true }); // Mon 08:00 CEST
    expect(closedUntil(freeze, "2027-03-29T05:30:00Z")).toBe("2027-03-29T06:00:00.000Z"); // 07:30 CEST, an hour after 08:00 CET
  });
});

describe("allow Mon–Thu 09:00–17:00 Europe/Berlin", () => {
  it("is open on a Wednesday noon and closed on a Thursday evening until Monday 09:00", () => {
    expect(evaluateWindows(officeHours, at("2026-12-02T11:00:00Z"))).toEqual({ open: true });
    expect(closedUntil(officeHours, "2026-12-03T16:00:00Z")).toBe("2026-12-07T08:00:00.000Z"); // Thu 17:00 CET → Mon 09:00 CET
    expect(evaluateWindows(officeHours, at("2026-12-03T16:00:00Z"))).toMatchObject({ reason: "outside every allow window (Europe/Berlin)" });
  });

  it("opens at 09:00 local on both sides of a DST change", () => {
    expect(closedUntil(officeHours, "2027-03-27T12:00:00Z")).toBe("2027-03-29T07:00:00.000Z"); // Mon 09:00 CEST
    expect(closedUntil(officeHours, "2026-10-24T12:00:00Z")).toBe("2026-10-26T08:00:00.000Z"); // Mon 09:00 CET
  });

  it("combined with a deny range, the first instant that is allowed and not denied", () => {
    const both = windows({ ...officeHours, deny: [{ days: ["mon"], from: "00:00", to: "12:00" }] });
    expect(closedUntil(both, "2026-12-05T12:00:00Z")).toBe("2026-12-07T11:00:00.000Z"); // Sat → Mon 12:00 CET
  });
});

describe("wall-clock times that do not exist or exist twice", () => {
  it("a range starting inside the spring gap starts when the clock shows that time an hour later (02:30 → 03:30 CEST)", () => {
    const w = windows({ timeZone: "Europe/Berlin", deny: [{ days: ["sun"], from: "02:30", to: "04:00" }] });
    expect(evaluateWindows(w, at("2027-03-28T01:15:00Z"))).toEqual({ open: true }); // 03:15 CEST
    expect(closedUntil(w, "2027-03-28T01:30:00Z")).toBe("2027-03-28T02:00:00.000Z"); // 03:30 → 04:00 CEST
  });

  it("a range starting inside the autumn overlap starts at the first of the two 02:30s", () => {
    const w = windows({ timeZone: "Europe/Berlin", deny: [{ days: ["sun"], from: "02:30", to: "03:00" }] });
    expect(evaluateWindows(w, at("2026-10-25T00:29:00Z"))).toEqual({ open: true });
    expect(closedUntil(w, "2026-10-25T00:30:00Z")).toBe("2026-10-25T02:00:00.000Z"); // 02:30 CEST → 03:00 CET
  });

  it("another zone, another offset: America/New_York changes on other dates", () => {
    const w = windows({ timeZone: "America/New_York", deny: [{ days: ["fri"], from: "16:00", to: "08:00", until: "mon" }] });
    expect(closedUntil(w, "2027-03-12T21:00:00Z")).toBe("2027-03-15T12:00:00.000Z"); // Fri 16:00 EST → Mon 08:00 EDT (US change on 14 Mar)
  });
});

it("a window that never opens within two weeks says so (until null)", () => {
  const never = windows({ timeZone: "UTC", deny: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] }] });
  expect(evaluateWindows(never, at("2026-12-01T00:00:00Z"))).toMatchObject({ open: false, until: null });
});

it("formats the opening time as people in the zone read it", () => {
  expect(formatInZone(at("2027-03-29T06:00:00Z"), "Europe/Berlin")).toBe("Mon, 29 Mar 2027, 08:00 CEST (Europe/Berlin)");
});

describe("dockmaster.yaml validation", () => {
  const config = (windowsYaml: string) => `
registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:5000" }
environments:
  - name: prod
    order: 3
    registry: local
    gates:
      windows:
${windowsYaml}
`;
  const problems = (text: string) => {
    try {
      parseConfig(text, "dockmaster.yaml", {});
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  };

  it("accepts the documented syntax", () => {
    const cfg = parseConfig(config(`        timeZone: Europe/Berlin\n        allow: [{ days: [mon, tue, wed, thu], from: "09:00", to: "17:00" }]\n        deny: [{ days: [fri], from: "16:00", to: "08:00", until: mon }]`), "dockmaster.yaml", {});
    expect(cfg.environments[0]!.gates!.windows!.deny[0]).toEqual({ days: ["fri"], from: "16:00", to: "08:00", until: "mon" });
  });

  it("refuses an unknown zone and a bad time, naming the line", () => {
    expect(problems(config(`        timeZone: Europe/Berlinn\n        deny: [{ days: [fri], from: "16:00", to: "08:00" }]`))).toEqual([
      "dockmaster.yaml:10: environments[0].gates.windows.timeZone: is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)",
    ]);
    expect(problems(config(`        timeZone: Europe/Berlin\n        deny:\n          - { days: [fri], from: "16:00", to: "25:00" }`))).toEqual([
      'dockmaster.yaml:12: environments[0].gates.windows.deny[0].to: must be a time "HH:MM" from 00:00 to 24:00',
    ]);
    expect(problems(config(`        timeZone: UTC\n        deny:\n          - { days: [friday] }`))[0]).toMatch(/^dockmaster\.yaml:12: environments\[0\]\.gates\.windows\.deny\[0\]\.days\[0\]: must be a weekday/);
  });
});
