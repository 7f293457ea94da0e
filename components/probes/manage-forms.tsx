"use client";

import { useState } from "react";
import { ActionForm, Field, SelectField, type FormAction } from "@/components/form/action-form";
import type { KindForm } from "@/lib/probe/kinds";
import { alertKindLabels, alertKinds } from "@/lib/probe/types";

/** The kinds and their fields come from the kinds' specs (lib/probe/kinds), described by the page. */
export function CreateTargetForm({ action, kinds, registries, environments }: { action: FormAction; kinds: KindForm[]; registries: string[]; environments: string[] }) {
  const [kind, setKind] = useState(kinds[0]?.kind ?? "");
  const k = kinds.find((x) => x.kind === kind) ?? kinds[0];
  return (
    <ActionForm action={action} submitLabel="Add probe" label="Add probe" className="grid gap-3 md:grid-cols-2" onReset={() => setKind(kinds[0]?.kind ?? "")}>
      {(errors) => (
        <>
          <Field name="name" label="Name" placeholder="prod-pull" required errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Kind</span>
            <select name="kind" className="input mt-1" value={kind} onChange={(e) => setKind(e.target.value)}>
              {kinds.map((x) => (
                <option key={x.kind} value={x.kind}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          {k && k.registry !== "never" && (
            <SelectField name="registryName" label="Registry" required={k.registry === "required"} errors={errors}>
              {k.registry === "or-url" && <option value="">(none: use the URL below)</option>}
              {registries.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
          )}
          <Field name="intervalSeconds" label="Every (seconds)" type="number" defaultValue={60} min={5} required errors={errors} />
          <Field name="timeoutMs" label="Timeout (ms)" type="number" defaultValue={10000} min={100} required errors={errors} />
          {k?.fields.map((f) => (
            <Field
              key={`${k.kind}-${f.name}`}
              name={f.name}
              label={f.input === "environments" ? `${f.label} (${environments.join(", ")})` : f.label}
              placeholder={f.placeholder ?? (f.input === "environments" ? environments.slice(0, 2).join(", ") : undefined)}
              type={f.input === "url" ? "url" : "text"}
              required={f.required}
              errors={errors}
            />
          ))}
        </>
      )}
    </ActionForm>
  );
}

export function UpdateTargetForm({ action, target }: { action: FormAction; target: { id: string; name: string; intervalSeconds: number; timeoutMs: number; enabled: boolean } }) {
  return (
    <ActionForm action={action} submitLabel="Save" label={`Change ${target.name}`} className="flex flex-wrap items-end gap-2" resetOnSuccess={false}>
      {(errors) => (
        <>
          <input type="hidden" name="id" value={target.id} />
          <div className="w-28">
            <Field name="intervalSeconds" label="Every (seconds)" type="number" defaultValue={target.intervalSeconds} min={5} errors={errors} />
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
