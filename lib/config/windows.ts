import { z } from "zod";

/**
 * Change windows of an environment (gates.windows in dockmaster.yaml): weekday/time ranges read as
 * wall-clock times in one named IANA time zone, so "Fri 16:00" means 16:00 in Berlin in summer and
 * in winter alike. Evaluation lives in lib/promotion/windows.ts.
 *
 *   windows:
 *     timeZone: Europe/Berlin
 *     allow: [{ days: [mon, tue, wed, thu], from: "09:00", to: "17:00" }]
 *     deny:  [{ days: [fri], from: "16:00", to: "08:00", until: mon }]
 *
 * A range starts on each of its days at `from` and ends at `to` on the same day; with `until` it ends
 * on the next such weekday instead, and a `to` not after `from` without `until` ends the next day.
 */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const weekday = z.enum(WEEKDAYS, { error: `must be a weekday: ${WEEKDAYS.join(", ")}` });
const clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time "HH:MM" from 00:00 to 24:00');

/** Whether the runtime knows the zone (its ICU tz database is the source of every offset). */
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const range = z.strictObject({
  days: z.array(weekday).min(1),
  from: clock.default("00:00"),
  to: clock.default("24:00"),
  until: weekday.optional(),
});

export const windowsSchema = z.strictObject({
  timeZone: z.string().refine(knownZone, { message: "is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)" }),
  allow: z.array(range).default([]),
  deny: z.array(range).default([]),
});

export type WindowRange = z.infer<typeof range>;
export type ChangeWindows = z.infer<typeof windowsSchema>;
