import { WEEKDAYS, type ChangeWindows, type WindowRange } from "@/lib/config/windows";

/**
 * Change windows, evaluated: a pure function of (windows, instant). Wall-clock times are computed in
 * the named zone with Intl.DateTimeFormat (the runtime's tz database), never from an offset table, so
 * "Mon 08:00 Europe/Berlin" is 07:00Z in winter and 06:00Z in summer, and a range that spans a DST
 * change is as long in wall-clock terms as it says.
 */
export type WindowVerdict = { open: true } | { open: false; until: Date | null; reason: string };

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's wall clock at `instant`, written as if it were UTC (ms since epoch, whole seconds). */
function wallAsUtc(instant: number, zone: string): number {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

const offsetAt = (instant: number, zone: string) => wallAsUtc(instant, zone) - (instant - (((instant % 1000) + 1000) % 1000));

/**
 * The instant at which the zone's wall clock shows `wall` (a civil time written as UTC ms). In the
 * autumn overlap (the hour that happens twice) the earlier instant; in the spring gap (an hour that
 * never happens) the time pushed forward by the gap, as clocks do: 02:30 on a spring-forward night
 * in Berlin becomes 03:30 CEST.
 */
function instantOf(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const valid = [wall - before, wall - after].filter((t) => wallAsUtc(t, zone) === wall);
  return valid.length ? Math.min(...valid) : wall - before;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

interface Interval {
  start: number;
  end: number;
  range: WindowRange;
}

/** Every occurrence of the ranges whose start day lies within [firstDay, lastDay] (days from `day0`). */
function occurrences(ranges: readonly WindowRange[], zone: string, day0: number, firstDay: number, lastDay: number): Interval[] {
  const out: Interval[] = [];
  for (let d = firstDay; d <= lastDay; d++) {
    const day = day0 + d * DAY_MS;
    const weekday = WEEKDAYS[new Date(day).getUTCDay()]!;
    for (const range of ranges) {
      if (!range.days.includes(weekday)) continue;
      const from = minutes(range.from);
      const to = minutes(range.to);
      const span = range.until ? (WEEKDAYS.indexOf(range.until) - WEEKDAYS.indexOf(weekday) + 7) % 7 || (to <= from ? 7 : 0) : to <= from ? 1 : 0;
      const start = instantOf(day + from * 60_000, zone);
      const end = instantOf(day + span * DAY_MS + to * 60_000, zone);
      if (end > start) out.push({ start, end, range });
    }
  }
  return out;
}

function describeRange(r: WindowRange): string {
  return `${r.days.join(",")} ${r.from}–${r.until ? `${r.until} ` : ""}${r.to}`;
}

/**
 * Open when the instant lies in an allow range (or no allow ranges are declared) and in no deny
 * range. When closed, `until` is the first instant at which it opens (null: not within two weeks).
 */
export function evaluateWindows(windows: ChangeWindows, at: Date): WindowVerdict {
  const zone = windows.timeZone;
  const now = at.getTime();
  const wall = wallAsUtc(now, zone);
  const day0 = wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
  // ranges last at most a week, so occurrences starting 8 days back to 22 days ahead cover every
  // boundary of the next fortnight
  const allow = occurrences(windows.allow, zone, day0, -8, 22);
  const deny = occurrences(windows.deny, zone, day0, -8, 22);
  const inside = (list: Interval[], t: number) => list.find((i) => i.start <= t && t < i.end);
  const openAt = (t: number) => (windows.allow.length === 0 || inside(allow, t) !== undefined) && inside(deny, t) === undefined;
  if (openAt(now)) return { open: true };

  const denied = inside(deny, now);
  const reason = denied ? `inside the deny window ${describeRange(denied.range)} (${zone})` : `outside every allow window (${zone})`;
  const horizon = now + 15 * DAY_MS;
  const boundaries = [...new Set([...allow, ...deny].flatMap((i) => [i.start, i.end]))].filter((t) => t > now && t <= horizon).sort((a, b) => a - b);
  const until = boundaries.find(openAt);
  return { open: false, until: until === undefined ? null : new Date(until), reason };
}

/** "Mon 29 Mar 2027, 08:00 CEST (Europe/Berlin)": a time as people in that zone read it. */
export function formatInZone(at: Date, zone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(at);
  return `${text} (${zone})`;
}
