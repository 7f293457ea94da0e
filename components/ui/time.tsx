"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect } from "react";
import { BROWSER_ZONE_COOKIE as COOKIE, DEFAULT_TIME_ZONE, formatDateTime, formatRelative, zoneLabel, type AbsoluteOptions, type TimeInput } from "@/lib/time-format";

const ZoneContext = createContext<string>(DEFAULT_TIME_ZONE);

/** The zone the server chose for this person (lib/auth/time-zone.ts); server and browser render alike. */
export function TimeZoneProvider({ zone, children }: { zone: string; children: React.ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

export function useTimeZone(): string {
  return useContext(ZoneContext);
}

/**
 * Tells the server the browser's zone, for people who chose none. When the page was rendered in
 * another zone (first visit, or the laptop moved), it renders once more so every time agrees.
 */
export function BrowserZoneReporter({ followsBrowser, renderedIn }: { followsBrowser: boolean; renderedIn: string }) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const current = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
    if (current !== `${COOKIE}=${encodeURIComponent(zone)}`) {
      document.cookie = `${COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    }
    if (followsBrowser && renderedIn !== zone) router.refresh();
  }, [followsBrowser, renderedIn, router]);
  return null;
}

/**
 * One instant, shown in the person's zone with the zone named. `relative` shows "6 minutes ago" with
 * the absolute time on hover; either way the machine-readable instant is in dateTime.
 */
export function Time({
  at,
  relative,
  now,
  fallback = "—",
  className,
  ...opts
}: { at: TimeInput | null | undefined; relative?: boolean; now?: TimeInput; fallback?: string; className?: string } & AbsoluteOptions) {
  const zone = useTimeZone();
  if (at == null) return <>{fallback}</>;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return <>{fallback}</>;
  const absolute = formatDateTime(d, zone, relative ? { seconds: true } : opts);
  return (
    // Relative text without a given `now` reads the clock (formatRelative's default), which moves
    // between the server render and hydration: the text may differ by a unit, so no warning.
    <time dateTime={d.toISOString()} title={relative ? absolute : formatDateTime(d, zone, { seconds: true })} className={className} suppressHydrationWarning>
      {relative ? formatRelative(d, now) : absolute}
    </time>
  );
}

/** The zone's short name for headers and captions: "UTC", "CET", "GMT+9". */
export function ZoneLabel() {
  return <>{zoneLabel(useTimeZone())}</>;
}
