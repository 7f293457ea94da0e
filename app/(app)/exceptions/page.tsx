import Link from "next/link";
import { z } from "zod";
import { ExpiringExceptionsBanner } from "@/components/exceptions/expiring-banner";
import { RevokeExceptionButton } from "@/components/exceptions/revoke-button";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { authorizePage } from "@/lib/auth/page";
import { scopeTargetOf, subjectOf } from "@/lib/exceptions/apply";
import { currentExceptionSettings } from "@/lib/exceptions/default-settings";
import { listExceptions, type ExceptionStatus } from "@/lib/exceptions/service";
import { getPrisma } from "@/lib/runtime";
import { revokeExceptionAction } from "./actions";
import { Time } from "@/components/ui/time";
import { ScrollRegion } from "@/components/ui/scroll-region";

export const dynamic = "force-dynamic";
export const metadata = { title: "CVE exceptions" };

const STATUSES = ["active", "expired", "revoked", "all"] as const;
const query = z.object({ status: z.enum(STATUSES).catch("active") });
const tone: Record<ExceptionStatus, "green" | "slate" | "red"> = { active: "green", expired: "slate", revoked: "red" };

export default async function ExceptionsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("scan.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const { status } = query.parse(await searchParams);
  const [rows, settings] = await Promise.all([listExceptions(await getPrisma(), { status }), currentExceptionSettings()]);
  return (
    <>
      <PageHeader
        title="CVE exceptions"
        description={`Vulnerabilities accepted for a while, with a reason and an owner: scan gates and scan views leave them out until they expire (at most ${settings.maxDays} days). Exceptions from dockmaster.yaml are read-only here.`}
        actions={
          <Link className="btn-primary" href="/exceptions/new">
            Accept a vulnerability…
          </Link>
        }
      />
      <ExpiringExceptionsBanner />
      <nav className="mb-3 flex gap-2" aria-label="Status">
        {STATUSES.map((s) => (
          <Link key={s} href={`?status=${s}`} className={s === status ? "btn-primary" : "btn-secondary"} aria-current={s === status ? "page" : undefined}>
            {s}
          </Link>
        ))}
      </nav>
      <ScrollRegion label="Exceptions" className="card">
        <table className="table" data-testid="exceptions">
          <thead>
            <tr>
              <th>Vulnerability</th>
              <th>Scope</th>
              <th>Expires</th>
              <th>Owner</th>
              <th>Reason</th>
              <th>Approved by</th>
              <th>Source</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-testid="exception-row">
                <td className="font-mono text-xs font-medium">{subjectOf(e)}</td>
                <td className="text-xs">
                  <span className="font-medium">{e.scope}</span>
                  <div className="break-all text-slate-500">{scopeTargetOf(e)}</div>
                </td>
                <td className="text-xs">
                  <Time at={e.expiresAt} /> <Badge tone={tone[e.status]}>{e.status}</Badge>
                  {e.revokedBy && <div className="text-slate-500">by {e.revokedBy}</div>}
                </td>
                <td className="text-xs">{e.owner}</td>
                <td className="max-w-sm text-xs">{e.reason}</td>
                <td className="text-xs">{e.approvedBy ?? e.createdBy}</td>
                <td className="text-xs">{e.source === "config" ? <Badge tone="sky">dockmaster.yaml</Badge> : "UI"}</td>
                <td>{e.status === "active" && e.source === "ui" && <RevokeExceptionButton action={revokeExceptionAction} id={e.id} subject={subjectOf(e)} />}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} className="py-6 text-center text-slate-500">
                  No {status === "all" ? "" : `${status} `}exceptions.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </ScrollRegion>
    </>
  );
}
