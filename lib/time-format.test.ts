import { describe, expect, it } from "vitest";
import { formatDateTime, formatRelative, isValidTimeZone, selectableTimeZones, zoneLabel } from "./time-format";

const at = "2026-11-30T13:05:09Z";

describe("formatDateTime", () => {
  it("writes the instant in the chosen zone and names the zone", () => {
    expect(formatDateTime(at, "UTC")).toBe("2026-11-30 13:05 UTC");
    expect(formatDateTime(at, "Europe/Berlin")).toBe("2026-11-30 14:05 CET");
    expect(formatDateTime(at, "Asia/Tokyo")).toBe("2026-11-30 22:05 GMT+9");
    expect(formatDateTime(at, "America/New_York")).toBe("2026-11-30 08:05 EST");
  });

  it("moves the date when the zone crosses midnight", () => {
    expect(formatDateTime("2026-11-30T20:00:00Z", "Asia/Tokyo", { style: "date" })).toBe("2026-12-01 GMT+9");
    expect(formatDateTime("2026-11-30T00:30:00Z", "America/Los_Angeles")).toBe("2026-11-29 16:30 PST");
  });

  it("follows daylight saving time: the offset and the zone name change", () => {
    // Europe switches to summer time on 2026-03-29 at 01:00 UTC
    expect(formatDateTime("2026-03-29T00:59:00Z", "Europe/Berlin")).toBe("2026-03-29 01:59 CET");
    expect(formatDateTime("2026-03-29T01:00:00Z", "Europe/Berlin")).toBe("2026-03-29 03:00 CEST");
    // the US falls back on 2026-11-01: 01:30 happens twice, once EDT and once EST
    expect(formatDateTime("2026-11-01T05:30:00Z", "America/New_York")).toBe("2026-11-01 01:30 EDT");
    expect(formatDateTime("2026-11-01T06:30:00Z", "America/New_York")).toBe("2026-11-01 01:30 EST");
  });

  it("offers seconds, a time-only form and a form without the zone", () => {
    expect(formatDateTime(at, "UTC", { seconds: true })).toBe("2026-11-30 13:05:09 UTC");
    expect(formatDateTime(at, "Europe/Berlin", { style: "time" })).toBe("14:05:09 CET");
    expect(formatDateTime(at, "UTC", { bare: true })).toBe("2026-11-30 13:05");
    expect(formatDateTime("2026-11-30T00:00:00Z", "UTC", { style: "time" })).toBe("00:00:00 UTC");
  });

  it("accepts Date, ISO text and epoch milliseconds alike, and shows the fallback for nothing", () => {
    const ms = Date.parse(at);
    expect(formatDateTime(new Date(ms), "UTC")).toBe(formatDateTime(ms, "UTC"));
    expect(formatDateTime(null, "UTC")).toBe("—");
    expect(formatDateTime(undefined, "UTC", {}, "never")).toBe("never");
    expect(formatDateTime("not a date", "UTC")).toBe("—");
  });
});

describe("zoneLabel", () => {
  it("names the zone as it is at that moment", () => {
    expect(zoneLabel("UTC")).toBe("UTC");
    expect(zoneLabel("Europe/London", "2026-07-01T12:00:00Z")).toBe("BST");
    expect(zoneLabel("Europe/London", "2026-01-01T12:00:00Z")).toBe("GMT");
    expect(zoneLabel("Asia/Kolkata", at)).toBe("GMT+5:30");
  });
});

describe("formatRelative", () => {
  const now = Date.parse(at);
  it("says how long ago in the largest whole unit", () => {
    expect(formatRelative(now - 6 * 60_000, now)).toBe("6 minutes ago");
    expect(formatRelative(now - 59 * 60_000, now)).toBe("59 minutes ago");
    expect(formatRelative(now - 60 * 60_000, now)).toBe("1 hour ago");
    expect(formatRelative(now - 1 * 60_000, now)).toBe("1 minute ago");
    expect(formatRelative(now - 3 * 86_400_000, now)).toBe("3 days ago");
    expect(formatRelative(now - 400 * 86_400_000, now)).toBe("last year");
  });

  it("says 'now' for the present and 'in …' for the future", () => {
    expect(formatRelative(now, now)).toBe("now");
    expect(formatRelative(now - 200, now)).toBe("now");
    expect(formatRelative(now + 2 * 3_600_000, now)).toBe("in 2 hours");
  });

  it("shows the fallback when there is no time", () => {
    expect(formatRelative(undefined, now)).toBe("—");
    expect(formatRelative("garbage", now, "never")).toBe("never");
  });
});

describe("zones", () => {
  it("accepts the runtime's zones and refuses made-up ones", () => {
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Asia/Tokyo")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone(null)).toBe(false);
  });

  it("offers UTC first and only valid zones", () => {
    const zones = selectableTimeZones();
    expect(zones[0]).toBe("UTC");
    expect(zones.filter((z) => z === "UTC")).toHaveLength(1);
    expect(zones).toContain("Europe/Berlin");
    expect(zones.every(isValidTimeZone)).toBe(true);
  });
});
