import Link from "next/link";
import { notFound } from "next/navigation";
import { ApprovalStandingList } from "@/components/promotions/approval-standing";
import { CopyDigest } from "@/components/registry/copy-digest";
import { DecisionForms } from "@/components/promotions/decision-forms";
import { PromotionProgress } from "@/components/promotions/progress";
import { ScanEvidenceList } from "@/components/promotions/scan-evidence";
import { SignatureVerdictList } from "@/components/promotions/signature-verdicts";
import { PromotionStatus } from "@/components/promotions/status-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { AuthError } from "@/lib/auth/enforce";
import { authorizePage } from "@/lib/auth/page";
import { shortDigest } from "@/lib/format";
import type { GateResult } from "@/lib/promotion/gates";
import { approvalStanding } from "@/lib/promotion/approval-policy";
import { decisionsFor } from "@/lib/promotion/decisions";
import { promotionDeps } from "@/lib/promotion/default-deps";
import { PromotionError } from "@/lib/promotion/errors";
import { scheduledText } from "@/lib/promotion/scheduled";
import { getPromotion, groupDirectory } from "@/lib/promotion/service";
import { gateInputs } from "@/lib/promotion/gate-inputs";
import { promotionReview } from "@/lib/promotion/review";
import { withdrawal } from "@/lib/promotion/withdraw";
import type { GateConfig } from "@/lib/config/schema";
import { PromotionReviewPanel } from "@/components/promotions/promotion-review";
import { WithdrawForm } from "@/components/promotions/withdraw-form";
import { Time } from "@/components/ui/time";
import { approveAction, overrideAction, rejectAction, retryAction, rollbackAction, runNowAction, withdrawAction } from "../actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Promotion ${/^\d+$/.test(id) ? `#${id}` : id}` };
}

export default async function PromotionPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const { id } = await params;
  let p;
  const deps = await promotionDeps();
  try {
    p = await getPromotion(deps, me, id);
  } catch (err) {
    if (err instanceof AuthError) return <Forbidden message={err.message} />;
    if (err instanceof PromotionError && err.kind === "not_found") notFound();
    throw err;
  }
  const gates = p.gates as unknown as GateResult[];
  const [standing, review] = await Promise.all([approvalStanding(groupDirectory(deps), p, p.approvals), promotionReview(deps.prisma, p)]);
  const inputs = gateInputs((p.evidence as { policy?: GateConfig | null } | null)?.policy);
  const counted = standing.groups.reduce((n, g) => n + g.approvedBy.length, 0);
  const override = p.override as { by: string; at: string; justification: string } | null;
  const windowOverride = p.windowOverride as { by: string; at: string; justification: string } | null;

  return (
    <>
      <PageHeader title={`Promotion #${p.number}`} description={`${p.sourceEnv} → ${p.targetEnv}: ${p.targetRepository}:${p.targetTag}`} actions={<PromotionStatus status={p.status} />} />
      <div className="grid gap-4 xl:grid-cols-3">
        <section className="card space-y-2 p-4 text-sm xl:col-span-2">
          <div>
            <span className="text-slate-500">Digest </span>
            <span data-testid="promotion-digest">
              <CopyDigest digest={p.digest} short={p.digest} />
            </span>
          </div>
          <div>
            <span className="text-slate-500">From </span>
            {review.source.artifactHref ? (
              <Link className="text-sky-700 underline" href={review.source.artifactHref}>
                {p.sourceEnv}: {p.sourceRepository}
              </Link>
            ) : (
              `${p.sourceEnv}: ${p.sourceRepository}`
            )}
          </div>
          <div>
            <span className="text-slate-500">To </span>
            {review.target.href ? (
              <Link className="text-sky-700 underline" href={review.target.href}>
                {p.targetEnv}: {p.targetRepository}:{p.targetTag}
              </Link>
            ) : (
              `${p.targetEnv}: ${p.targetRepository}:${p.targetTag}`
            )}
            {p.previousDigest && <span className="text-xs text-slate-500"> (was {shortDigest(p.previousDigest)}…)</span>}
          </div>
          <div>
            <span className="text-slate-500">Requested by </span>
            {p.requestedByEmail}
            {p.viaToken && <Badge>API token {p.viaToken}</Badge>}: {p.reason}
          </div>
          {p.status === "scheduled" && (
            <div role="status" data-testid="promotion-scheduled" className="rounded bg-amber-50 p-3 text-amber-800">
              <div className="font-semibold">Scheduled: the change window of {p.targetEnv} is closed</div>
              <div>
                It {scheduledText(p)}
                {p.scheduledFor && (
                  <>
                    {" "}
                    (<Time at={p.scheduledFor} />)
                  </>
                )}
                , after the gates are evaluated again.
              </div>
            </div>
          )}
          {windowOverride && (
            <p className="rounded bg-amber-50 p-2 text-xs text-amber-800">
              Run inside the closed change window by {windowOverride.by} at <Time at={windowOverride.at} />: {windowOverride.justification}
            </p>
          )}
          {p.error && (
            <div role="alert" data-testid="promotion-error" className="rounded bg-red-50 p-3 text-red-800">
              <div className="font-semibold">Copy failed ({p.errorKind})</div>
              <div className="break-words">{p.error}</div>
            </div>
          )}
          <PromotionProgress id={p.id} initial={{ status: p.status, progress: p.progress as never, plan: p.plan as never }} />
        </section>

        <section className="card space-y-4 p-4">
          <h2 className="font-semibold">Decision</h2>
          <p className="text-sm" data-testid="approval-count">
            Approvals: {counted} of {p.approvalsRequired}
          </p>
          {p.approvalGroups !== null && <ApprovalStandingList standing={standing} />}
          <ul className="space-y-1 text-xs">
            {p.approvals.map((a) => (
              <li key={a.id}>
                <Badge tone={a.decision === "approve" ? "green" : "red"}>{a.decision}</Badge> {a.userEmail}
                {a.comment ? `: ${a.comment}` : ""}
              </li>
            ))}
          </ul>
          <DecisionForms
            id={p.id}
            subject={`promotion #${p.number} (${p.targetRepository}:${p.targetTag} in ${p.targetEnv})`}
            decisions={decisionsFor(p, me)}
            actions={{ approve: approveAction, reject: rejectAction, override: overrideAction, retry: retryAction, rollback: rollbackAction, "run-now": runNowAction }}
          />
          {withdrawal(p, me).allowed && <WithdrawForm id={p.id} action={withdrawAction} />}
        </section>

        <PromotionReviewPanel review={review} inputs={inputs} />

        <section className="card p-4 xl:col-span-2">
          <h2 className="mb-2 font-semibold">Gates</h2>
          {gates.length === 0 ? (
            <p className="text-sm text-slate-500">{p.targetEnv} declares no gates.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="gates">
              {gates.map((g) => (
                <li key={g.id}>
                  <Badge tone={g.status === "pass" ? "green" : "red"}>{g.status}</Badge> <span className="font-medium">{g.label}</span> <span className="text-xs text-slate-500">{g.detail}</span>
                  {g.reports && g.reports.length > 0 && <ScanEvidenceList reports={g.reports} />}
                  {g.signatures && g.signatures.length > 0 && <SignatureVerdictList signatures={g.signatures} />}
                </li>
              ))}
            </ul>
          )}
          {override && (
            <p className="mt-2 rounded bg-amber-50 p-2 text-xs text-amber-800">
              Gates overridden by {override.by} at <Time at={override.at} />: {override.justification}
            </p>
          )}
        </section>

        <section className="card p-4">
          <h2 className="mb-2 font-semibold">Timeline</h2>
          <a href={`/api/v1/promotions/${p.number}/evidence`} download={`promotion-${p.number}-evidence.json`} data-testid="evidence-download" className="mb-2 inline-block text-xs text-sky-700 underline">
            Download the evidence (promotion-{p.number}-evidence.json)
          </a>
          <ol className="space-y-2 text-xs" data-testid="timeline">
            {p.events.map((e) => (
              <li key={e.id.toString()}>
                <Time at={e.at} seconds className="font-mono text-slate-400" /> <span className="font-medium">{e.kind}</span>
                {e.actorEmail ? ` · ${e.actorEmail}` : ""}
                <div className="text-slate-600">{e.message}</div>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
