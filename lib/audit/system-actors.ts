/**
 * Dockmaster's own, non-human actors. Their audit rows carry no actor id and an actor name starting
 * with "system:" (in the actorEmail column, where a person's email goes). No account may carry such a
 * name, so a row naming one was written by Dockmaster itself, never by a request: lib/auth refuses to
 * create such an account and refuses any session, token or principal that names one.
 */

const SYSTEM_ACTOR_PREFIX = "system:";

/** The scheduler's unattended execution of retention plans (rules with autoExecute: true). */
export const RETENTION_SCHEDULE_ACTOR = "system:retention-schedule";

/** What each system actor is, in plain words, for the audit page and the retention page. */
const LABELS: Record<string, string> = {
  [RETENTION_SCHEDULE_ACTOR]: "Dockmaster's retention schedule, executing a plan whose rules all say autoExecute",
  "system:schedule": "Dockmaster's retention schedule, computing a plan for review",
  "system:promotion-engine": "Dockmaster's promotion engine",
  "system:change-window": "Dockmaster, releasing a scheduled promotion when its change window opened",
  "system:environment": "Dockmaster's first start, from the environment variables",
  "system:setup-page": "Dockmaster's first-start setup page",
};

/** True for a reserved system name, however it is cased or padded (account names are normalized the same way). */
export function isSystemActorName(name: string | null | undefined): boolean {
  return typeof name === "string" && name.trim().toLowerCase().startsWith(SYSTEM_ACTOR_PREFIX);
}

/** Plain words for a system actor's name; null for a person. */
export function systemActorLabel(name: string | null | undefined): string | null {
  if (!isSystemActorName(name)) return null;
  return LABELS[name!.trim().toLowerCase()] ?? "Dockmaster itself (no person)";
}
