/**
 * The one place times become text. Every time the UI shows goes through here, in the caller's zone
 * (see lib/auth/time-zone.ts for how the zone is chosen), and names that zone, so a table, a chart
 * and an audit row never disagree about what "14:05" means. Pure: the same on server and browser.
 */

export type TimeInput = Date | string | number;

/** The zone used when nothing else is known (no stored choice, no browser cookie). */
export const DEFAULT_TIME_ZONE = "UTC";

/** Set by the browser (components/ui/time.tsx) to its own Intl zone, read by lib/auth/time-zone.ts. */
export const BROWSER_ZONE_COOKIE = "dm-tz";

function toDate(at: TimeInput): Date | null {
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** True for a zone the runtime's tz database knows ("UTC", "Europe/Berlin"), false otherwise. */
export function isValidTimeZone(zone: string | null | undefined): zone is string {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every zone a person may choose: UTC first, then the runtime's list (which leaves UTC out). */
export function selectableTimeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, zone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${seconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      timeZoneName: "short",
    });
    formatters.set(key, f);
  }
  return f;
}

type Parts = Record<"year" | "month" | "day" | "hour" | "minute" | "second" | "timeZoneName", string>;

function parts(d: Date, zone: string, seconds: boolean): Parts {
  const out = {} as Parts;
  for (const p of formatter("en-GB", zone, seconds).formatToParts(d)) (out as Record<string, string>)[p.type] = p.value;
  // en-GB names European zones (CET, BST), en-US American ones (EST, PDT); elsewhere both give "GMT+9".
  if (out.timeZoneName.startsWith("GMT") && out.timeZoneName !== "GMT") {
    const us = formatter("en-US", zone, seconds).formatToParts(d).find((p) => p.type === "timeZoneName")?.value;
    if (us && !us.startsWith("GMT")) out.timeZoneName = us;
  }
  return out;
}

/** The zone's short name at that moment: "UTC", "CET" (winter) or "CEST" (summer), "GMT+9". */
export function zoneLabel(zone: string, at: TimeInput = Date.now()): string {
  const d = toDate(at) ?? new Date();
  return parts(d, zone, false).timeZoneName;
}

export interface AbsoluteOptions {
  /** "datetime" (default) "2026-11-30 14:05 CET", "date" "2026-11-30 CET", "time" "14:05:09 CET" */
  style?: "datetime" | "date" | "time";
  seconds?: boolean;
  /** leave the zone name out (only where the zone is named nearby, e.g. in a chart's caption) */
  bare?: boolean;
}

/** An instant as wall-clock text in `zone`, with the zone named: "2026-11-30 14:05 CET". */
export function formatDateTime(at: TimeInput | null | undefined, zone: string, opts: AbsoluteOptions = {}, fallback = "—"): string {
  const d = at == null ? null : toDate(at);
  if (!d) return fallback;
  const style = opts.style ?? "datetime";
  const p = parts(d, zone, opts.seconds ?? style === "time");
  const date = `${p.year}-${p.month}-${p.day}`;
  // Some runtimes write midnight as "24" with hourCycle h23 unset; h23 is set, but be safe.
  const hour = p.hour === "24" ? "00" : p.hour;
  const time = `${hour}:${p.minute}${p.second ? `:${p.second}` : ""}`;
  const zoneName = opts.bare ? "" : ` ${p.timeZoneName}`;
  if (style === "date") return `${date}${zoneName}`;
  if (style === "time") return `${time}${zoneName}`;
  return `${date} ${time}${zoneName}`;
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const DAY = 86_400;

/** The largest unit that fits, in whole units: 59 minutes stay minutes, never "1 hour". */
function relativeUnit(seconds: number): [number, Intl.RelativeTimeFormatUnit] {
  const abs = Math.abs(seconds);
  if (abs < 60) return [seconds, "second"];
  if (abs < 3600) return [seconds / 60, "minute"];
  if (abs < DAY) return [seconds / 3600, "hour"];
  if (abs < 30 * DAY) return [seconds / DAY, "day"];
  if (abs < 365 * DAY) return [seconds / (30.4375 * DAY), "month"];
  return [seconds / (365.25 * DAY), "year"];
}

/** How long ago (or how far ahead) an instant is, in words: "6 minutes ago", "in 3 days", "now". */
export function formatRelative(at: TimeInput | null | undefined, now: TimeInput = Date.now(), fallback = "—"): string {
  const d = at == null ? null : toDate(at);
  const n = toDate(now);
  if (!d || !n) return fallback;
  const [value, unit] = relativeUnit((d.getTime() - n.getTime()) / 1000);
  // Math.trunc(-0.4) is -0, which Intl would print as "0 seconds ago" rather than "now"
  return relative.format(Math.trunc(value) || 0, unit);
}
