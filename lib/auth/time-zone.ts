import { headers } from "next/headers";
import { cache } from "react";
import { writeAudit } from "@/lib/audit/log";
import type { PrismaClient } from "@/lib/db/generated/client";
import { InvalidInputError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";
import { BROWSER_ZONE_COOKIE, DEFAULT_TIME_ZONE, isValidTimeZone } from "@/lib/time-format";
import { currentPrincipal } from "./session";
import type { ActorContext } from "./users";

export interface ZoneChoice {
  /** the zone every time on the page is shown in */
  zone: string;
  /** the person's stored choice; null means "follow the browser" */
  stored: string | null;
}

/**
 * Which zone to show times in: the person's stored choice, else the zone their browser reported
 * in a cookie, else UTC. A stored or reported zone the runtime does not know is ignored, not trusted.
 */
export function chooseZone(stored: string | null | undefined, browser: string | null | undefined): ZoneChoice {
  const kept = isValidTimeZone(stored) ? stored : null;
  return { zone: kept ?? (isValidTimeZone(browser) ? browser : DEFAULT_TIME_ZONE), stored: kept };
}

/** The caller's zone for this request; cache() lets the layout and the page share one lookup. */
export const currentTimeZone = cache(async function currentTimeZone(): Promise<ZoneChoice> {
  const principal = await currentPrincipal();
  const user = principal ? await (await getPrisma()).user.findUnique({ where: { id: principal.id }, select: { timeZone: true } }) : null;
  return chooseZone(user?.timeZone, cookieValue((await headers()).get("cookie"), BROWSER_ZONE_COOKIE));
});

/** One cookie from a Cookie header (read from the headers, like the caller's address in request.ts). */
export function cookieValue(header: string | null, name: string): string | null {
  for (const pair of header?.split(";") ?? []) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Store (or with null, forget) the person's zone; audited like every change to an account. */
export async function setUserTimeZone(prisma: PrismaClient, ctx: ActorContext, userId: string, zone: string | null): Promise<void> {
  if (zone !== null && !isValidTimeZone(zone)) throw new InvalidInputError(`unknown time zone "${zone}": choose one from the list`);
  await prisma.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, timeZone: true } });
    await tx.user.update({ where: { id: userId }, data: { timeZone: zone } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "user.timezone.change",
      target: { type: "user", id: before.email },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { before: before.timeZone ?? "browser", after: zone ?? "browser" },
    });
  });
}
