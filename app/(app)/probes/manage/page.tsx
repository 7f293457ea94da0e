import Link from "next/link";
import { CreateRuleForm, CreateTargetForm, UpdateTargetForm } from "@/components/probes/manage-forms";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { authorizePage } from "@/lib/auth/page";
import { resolveWebhookUrl } from "@/lib/probe/alerts/webhook";
import { kindForms, kindLabel } from "@/lib/probe/kinds";
import { alertKindLabels, type AlertKind } from "@/lib/probe/types";
import { getRuntime } from "@/lib/runtime";
import { SilenceForm } from "@/components/probes/silence-form";
import { Time } from "@/components/ui/time";
import { addBasicTargetsAction, createRuleAction, createTargetAction, deleteRuleAction, deleteTargetAction, silenceRuleAction, toggleRuleAction, updateTargetAction } from "../actions";

export const metadata = { title: "Manage probes" };

function webhookStatus(configured: string | undefined): string {
  const url = resolveWebhookUrl(configured);
  if (!configured) return "No webhook configured (probes.webhook.url in dockmaster.yaml): alerts show here and on the dashboard only.";
  if (!url) return `Webhook ${configured} resolves to nothing: the environment variable is empty.`;
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return `Webhook ${configured.startsWith("${") ? configured : "URL"} is not a valid URL.`;
  }
  return `Alerts are posted as JSON to ${host}${configured.startsWith("${") ? ` (from ${configured})` : ""}.`;
}

export default async function ManageProbesPage() {
  const access = await authorizePage("probe.manage");
  if (!access.ok) return <Forbidden message={access.message} />;
  const runtime = await getRuntime();
  const prisma = runtime.db.prisma;
  const [targets, rules, registries, environments] = await Promise.all([
    prisma.probeTarget.findMany({ orderBy: { name: "asc" } }),
    prisma.probeAlertRule.findMany({ orderBy: { name: "asc" } }),
    prisma.registry.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    prisma.environment.findMany({ select: { name: true }, orderBy: [{ order: "asc" }, { name: "asc" }] }),
  ]);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Manage probes"
        description="Entries from dockmaster.yaml are read-only here; change them in the file. Changes reach the scheduler within seconds."
        actions={
          <Link href="/probes" className="btn-secondary">
            Back to probes
          </Link>
        }
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <section className="card p-5" aria-label="Probe targets">
          <h2 className="mb-3 font-semibold">Add a probe</h2>
          <CreateTargetForm action={createTargetAction} kinds={kindForms()} registries={registries.map((r) => r.name)} environments={environments.map((e) => e.name)} />
          <div className="mt-4 border-t border-slate-100 pt-4">
            <HiddenFieldsButton action={addBasicTargetsAction} fields={{}} label="Add reachability and credentials probes for every registry" />
          </div>
          <ul className="mt-6 divide-y divide-slate-100">
            {targets.map((t) => (
              <li key={t.id} className="py-3 text-sm" data-testid={`manage-${t.name}`}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span>
                    <span className="font-medium">{t.name}</span> <Badge tone="sky">{kindLabel(t.kind)}</Badge> {t.registryName && <span className="text-slate-500">on {t.registryName}</span>}{" "}
                    {!t.enabled && <Badge tone="amber">paused</Badge>}
                  </span>
                  {t.source === "config" ? <Badge>dockmaster.yaml</Badge> : (
                    <HiddenFieldsButton
                      action={deleteTargetAction}
                      fields={{ id: t.id }}
                      label="Remove"
                      ariaLabel={`Remove probe ${t.name}`}
                      confirm={{ title: `Remove probe ${t.name}?`, detail: "It stops running and its history is deleted.", confirmLabel: "Remove" }}
                    />
                  )}
                </div>
                {t.source === "ui" ? (
                  <div className="mt-2">
                    <UpdateTargetForm action={updateTargetAction} target={t} />
                  </div>
                ) : (
                  <div className="mt-1 text-xs text-slate-500">
                    every {t.intervalSeconds}s, timeout {t.timeoutMs} ms{t.enabled ? "" : ", disabled"}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section className="card p-5" aria-label="Alert rules">
          <h2 className="mb-1 font-semibold">Alert rules</h2>
          <p className="mb-3 text-xs text-slate-500" data-testid="webhook-status">
            {webhookStatus(runtime.config.probes?.webhook?.url)}
          </p>
          <CreateRuleForm action={createRuleAction} targets={targets.map((t) => t.name)} />
          <ul className="mt-6 divide-y divide-slate-100">
            {rules.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid={`rule-${r.name}`}>
                <span>
                  <span className="font-medium">{r.name}</span>: {alertKindLabels[r.kind as AlertKind] ?? r.kind} {r.threshold}
                  {r.kind === "p99_latency" && ` over ${Math.round((r.windowSeconds ?? 900) / 60)} min`} on {r.targetName ?? "every probe it applies to"} {!r.enabled && <Badge tone="amber">disabled</Badge>}
                </span>
                {r.silencedUntil && r.silencedUntil.getTime() > now.getTime() && (
                  <span className="w-full text-xs text-amber-800" data-testid="rule-silenced">
                    silenced until <Time at={r.silencedUntil} />{r.silencedBy ? ` by ${r.silencedBy}` : ""}: no notifications until then
                  </span>
                )}
                <SilenceForm action={silenceRuleAction} id={r.id} what={`rule ${r.name}`} silenced={!!r.silencedUntil && r.silencedUntil.getTime() > now.getTime()} />
                {r.source === "config" ? (
                  <Badge>dockmaster.yaml</Badge>
                ) : (
                  <span className="flex gap-2">
                    <HiddenFieldsButton action={toggleRuleAction} fields={{ id: r.id, enabled: String(!r.enabled) }} label={r.enabled ? "Disable" : "Enable"} />
                    <HiddenFieldsButton
                      action={deleteRuleAction}
                      fields={{ id: r.id }}
                      label="Remove"
                      ariaLabel={`Remove alert rule ${r.name}`}
                      confirm={{ title: `Remove alert rule ${r.name}?`, detail: "It stops raising alerts.", confirmLabel: "Remove" }}
                    />
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
