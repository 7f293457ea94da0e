"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";
import { scopeDescriptions, tokenScopes } from "@/lib/auth/token-scopes";

function FieldErrors({ messages }: { messages?: string[] }) {
  return messages?.map((m) => (
    <span key={m} className="mt-1 block text-xs text-red-600">
      {m}
    </span>
  ));
}

export function CreateTokenForm({ action, maxDays, environments }: { action: FormAction; maxDays: number; environments: string[] }) {
  return (
    <ActionForm action={action} submitLabel="Create token" label="Create API token" className="grid gap-3 md:grid-cols-3">
      {(errors) => (
        <>
          <Field name="name" label="Name (e.g. the pipeline)" required errors={errors} />
          <Field name="expiresInDays" label={`Expires in days (1–${maxDays})`} type="number" min={1} max={maxDays} defaultValue={Math.min(90, maxDays)} required errors={errors} />
          <div />
          <fieldset className="md:col-span-2">
            <legend className="text-sm font-medium text-slate-700">Scopes (a token never gets more than your roles)</legend>
            {tokenScopes.map((s) => (
              <label key={s} className="mr-4 inline-flex items-center gap-1 text-sm" title={scopeDescriptions[s]}>
                <input type="checkbox" name="scopes" value={s} defaultChecked={s === "read"} />
                {` ${s} `}
                <span className="text-xs text-slate-500">({scopeDescriptions[s]})</span>
              </label>
            ))}
            <FieldErrors messages={errors.scopes} />
          </fieldset>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Only in environments (none ticked: all yours)</legend>
            {environments.map((e) => (
              <label key={e} className="mr-4 inline-flex items-center gap-1 text-sm">
                <input type="checkbox" name="environments" value={e} />
                {` ${e}`}
              </label>
            ))}
            <FieldErrors messages={errors.environments} />
          </fieldset>
        </>
      )}
    </ActionForm>
  );
}
