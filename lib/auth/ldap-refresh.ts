import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import type { LdapConfig } from "./identity-config";
import { lookupDirectoryGroups } from "./ldap";

interface GroupRefreshResult {
  checked: number;
  changed: number;
  /** the directory could not answer: nothing was changed after that point */
  error?: string;
}

const sameGroups = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((g, i) => g === b[i]);

/**
 * Re-reads the groups of every enabled LDAP account (auth.ldap.groupRefreshMinutes), so a person
 * removed from a group loses its roles within minutes although their session cookie lives on
 * (grants are computed from User.groups at each request). An entry gone from the directory keeps
 * no group. An unreachable directory changes nothing: an outage must not strip everyone's roles.
 */
export async function refreshDirectoryGroups(prisma: PrismaClient, cfg: LdapConfig, lookup = lookupDirectoryGroups): Promise<GroupRefreshResult> {
  const accounts = await prisma.user.findMany({ where: { authSource: "ldap", disabled: false }, select: { id: true, email: true, groups: true }, orderBy: { email: "asc" } });
  let changed = 0;
  for (const [i, account] of accounts.entries()) {
    const now = await lookup(cfg, account.email);
    if (now.found === null) return { checked: i, changed, error: now.message };
    const groups = now.found ? now.groups : [];
    if (sameGroups(groups, account.groups)) continue;
    await prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: account.id }, data: { groups } });
      await writeAudit(tx, {
        actor: null,
        action: "user.groups-refresh",
        target: { type: "user", id: account.email },
        outcome: "success",
        sourceIp: null,
        detail: { via: "ldap", before: account.groups, after: groups, ...(now.found ? {} : { reason: "entry not found in the directory" }) },
      });
    });
    changed++;
  }
  return { checked: accounts.length, changed };
}

/** Runs the refresh every `minutes` in this process (each replica: the refresh is idempotent). */
export function startGroupRefresh(prisma: PrismaClient, cfg: LdapConfig & { groupRefreshMinutes: number }): { stop(): void } {
  let busy = false;
  let lastError: string | undefined;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    refreshDirectoryGroups(prisma, cfg)
      .then((r) => {
        // logged when it starts failing or changes, and once when it works again
        if (r.error && r.error !== lastError) console.warn(`[ldap] group refresh stopped: ${r.error}`);
        if (!r.error && lastError) console.warn("[ldap] group refresh works again");
        lastError = r.error;
      })
      .catch((err: unknown) => console.error(`[ldap] group refresh failed: ${(err as Error).message}`))
      .finally(() => (busy = false));
  }, cfg.groupRefreshMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
