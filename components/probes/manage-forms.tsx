"use client";

import { useState } from "react";
import { ActionForm, Field, type FormAction } from "@/components/form/action-form";
import { alertKindLabels, alertKinds, probeKindLabels, probeKinds, type ProbeKind } from "@/lib/probe/types";

const needs: Record<ProbeKind, { registry: boolean; repository: boolean; environments: boolean; url: boolean }> = {
  reachability: { registry: true, repository: false, environments: false, url: false },
  credentials: { registry: true, repository: false, environments: false, url: false },
  pull_latency: { registry: true, repository: true, environments: false, url: false },
  storage_quota: { registry: true, repository: false, environments: false, url: false },
  tag_consistency: { registry: false, repository: true, environments: true, url: false },
  tls_expiry: { registry: true, repository: false, environments: false, url: true },
};

export function CreateTargetForm({ action, registries, environments }: { action: FormAction; registries: string[]; environments: string[] }) {
  const [kind, setKind] = useState<ProbeKind>("reachability");
  const n = needs[kind];
  return (
    <ActionForm action={action} submitLabel="Add probe" label="Add probe" className="grid gap-3 md:grid-cols-2">
      {(errors) => (
        <>
          <Field name="name" label="Name" placeholder="prod-pull" required errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Kind</span>
            <select name="kind" className="input mt-1" value={kind} onChange={(e) => setKind(e.target.value as ProbeKind)}>
              {probeKinds.map((k) => (
                <option key={k} value={k}>
                  {probeKindLabels[k]}
                </option>
              ))}
            </select>
          </label>
          {n.registry && (
            <label className="block">
              <span className="text-sm font-medium text-slate-700">Registry</span>
              <select name="registryName" className="input mt-1" required={!n.url}>
                {n.url && <option value="">(none: use the URL below)</option>}
                {registries.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          )}
          <Field name="intervalSeconds" label="Every (seconds)" type="number" defaultValue={60} min={5} required errors={errors} />
          <Field name="timeoutMs" label="Timeout (ms)" type="number" defaultValue={10000} min={100} required errors={errors} />
          {n.repository && (
            <>
              <Field name="repository" label={n.environments ? "Repository (inside each environment's namespace)" : "Repository"} placeholder={n.environments ? "app" : "team/app"} required errors={errors} />
              <Field name="tag" label="Tag" placeholder="1.0.0" required errors={errors} />
            </>
          )}
          {n.environments && <Field name="environments" label={`Environments, comma-separated (${environments.join(", ")})`} placeholder={environments.slice(0, 2).join(", ")} required errors={errors} />}
          {n.url && <Field name="url" label="Or check this https:// URL" placeholder="https://registry.example.com" errors={errors} />}
        </>
      )}
    </ActionForm>
  );
}

export function UpdateTargetForm({ action, target }: { action: FormAction; target: { id: string; name: string; intervalSeconds: number; timeoutMs: number; enabled: boolean } }) {
  return (
    <ActionForm action={action} submitLabel="Save" label={`Change ${target.name}`} className="flex flex-wrap items-end gap-2">
      {(errors) => (
        <>
          <input type="hidden" name="id" value={target.id} />
          <div className="w-28">
            <Field name="intervalSeconds" label="Every (s)" type="number" defaultValue={target.intervalSeconds} min={5} errors={errors} />
          </div>
          <div className="w-28">
            <Field name="timeoutMs" label="Timeout (ms)" type="number" defaultValue={target.timeoutMs} min={100} errors={errors} />
          </div>
          <label className="flex items-center gap-1 pb-2 text-sm">
            <input type="checkbox" name="enabled" value="on" defaultChecked={target.enabled} /> enabled
          </label>
        </>
      )}
    </ActionForm>
  );
}

export function CreateRuleForm({ action, targets }: { action: FormAction; targets: string[] }) {
  return (
    <ActionForm action={action} submitLabel="Add rule" label="Add alert rule" className="grid gap-3 md:grid-cols-2">
      {(errors) => (
        <>
          <Field name="name" label="Name" placeholder="prod-slow-pulls" required errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Alert when</span>
            <select name="kind" className="input mt-1" defaultValue="consecutive_failures">
              {alertKinds.map((k) => (
                <option key={k} value={k}>
                  {alertKindLabels[k]}
                </option>
              ))}
            </select>
          </label>
          <Field name="threshold" label="Threshold (failures, ms, % or days)" type="number" step="any" defaultValue={3} required errors={errors} />
          <Field name="windowSeconds" label="p99 window in seconds (default 900)" type="number" min={60} errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Probe</span>
            <select name="targetName" className="input mt-1" defaultValue="">
              <option value="">every probe it applies to</option>
              {targets.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
    </ActionForm>
  );
}
