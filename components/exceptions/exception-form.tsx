"use client";

import { useState } from "react";
import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

export interface ExceptionFormDefaults {
  cve?: string;
  package?: string;
  registry?: string;
  repository?: string;
  digest?: string;
  environment?: string;
  owner?: string;
  returnTo?: string;
}

const SCOPES = [
  { value: "digest", label: "This digest only" },
  { value: "repository", label: "Every digest of this repository" },
  { value: "environment", label: "Everything in one environment" },
  { value: "global", label: "Everywhere (global)" },
] as const;

/**
 * "Accept this CVE…": scope defaults to the digest the scan was read from; the fields keep what was
 * typed when the server refuses (ActionForm), so a too-distant expiry is corrected, not retyped.
 */
export function ExceptionForm({ action, defaults, environments, maxDays }: { action: FormAction; defaults: ExceptionFormDefaults; environments: string[]; maxDays: number }) {
  const [scope, setScope] = useState<string>(defaults.digest ? "digest" : defaults.repository ? "repository" : "environment");
  const [subject, setSubject] = useState<"cve" | "package">(defaults.cve || !defaults.package ? "cve" : "package");
  return (
    <ActionForm action={action} submitLabel="Accept" label="Accept a vulnerability" className="grid max-w-2xl gap-4">
      {(errors) => (
        <>
          {defaults.returnTo && <input type="hidden" name="returnTo" value={defaults.returnTo} />}
          <fieldset className="flex gap-4 text-sm">
            <legend className="mb-1 text-sm font-medium text-slate-700">Accept</legend>
            <label>
              <input type="radio" checked={subject === "cve"} onChange={() => setSubject("cve")} /> one vulnerability
            </label>
            <label>
              <input type="radio" checked={subject === "package"} onChange={() => setSubject("package")} /> every finding of a package
            </label>
          </fieldset>
          {subject === "cve" ? (
            <Field name="cve" label="Vulnerability id" placeholder="CVE-2024-1234" defaultValue={defaults.cve} required errors={errors} />
          ) : (
            <Field name="package" label="Package" placeholder="openssl" defaultValue={defaults.package} required errors={errors} />
          )}
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Scope</span>
            <select name="scope" className="input mt-1" value={scope} onChange={(e) => setScope(e.target.value)}>
              {SCOPES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            {errors.scope?.map((m) => (
              <span key={m} className="mt-1 block text-xs text-red-600">
                {m}
              </span>
            ))}
          </label>
          {(scope === "digest" || scope === "repository") && (
            <>
              <Field name="registry" label="Registry" defaultValue={defaults.registry} required errors={errors} />
              <Field name="repository" label="Repository" defaultValue={defaults.repository} required errors={errors} />
            </>
          )}
          {scope === "digest" && <Field name="digest" label="Digest" defaultValue={defaults.digest} required errors={errors} className="input mt-1 font-mono text-xs" />}
          {scope === "environment" && (
            <label className="block">
              <span className="text-sm font-medium text-slate-700">Environment</span>
              <select name="environment" className="input mt-1" defaultValue={defaults.environment ?? environments[0]}>
                {environments.map((e) => (
                  <option key={e} value={e}>
                    {e}
                  </option>
                ))}
              </select>
              {errors.environment?.map((m) => (
                <span key={m} className="mt-1 block text-xs text-red-600">
                  {m}
                </span>
              ))}
            </label>
          )}
          <Field name="reason" label="Reason (why this finding is acceptable for now)" placeholder="not reachable: the service never parses untrusted TLS" required errors={errors} />
          <Field name="owner" label="Owner (who follows it up)" defaultValue={defaults.owner} required errors={errors} />
          <Field name="expiresAt" label={`Expires on (at most ${maxDays} days from today)`} type="date" required errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
