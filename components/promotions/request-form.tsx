"use client";

import { ActionForm, Field, SelectField, type FormAction } from "@/components/form/action-form";

export function RequestPromotionForm({
  action,
  environments,
  defaults,
}: {
  action: FormAction;
  environments: { name: string; protected: boolean }[];
  defaults: { sourceEnv?: string; repository?: string; reference?: string; targetEnv?: string; tag?: string };
}) {
  const select = (name: string, label: string, errors: Record<string, string[]>, value?: string) => (
    <SelectField name={name} label={label} defaultValue={value} required errors={errors}>
      {environments.map((e) => (
        <option key={e.name} value={e.name}>
          {e.name}
          {e.protected ? " (protected)" : ""}
        </option>
      ))}
    </SelectField>
  );
  return (
    <ActionForm action={action} submitLabel="Request promotion" label="Request promotion" className="grid gap-4 md:grid-cols-2">
      {(errors) => (
        <>
          {select("sourceEnv", "From environment", errors, defaults.sourceEnv)}
          {select("targetEnv", "To environment", errors, defaults.targetEnv)}
          <Field name="repository" label="Repository (in the source environment)" placeholder="dev/app" defaultValue={defaults.repository} required errors={errors} />
          <Field name="reference" label="Tag or digest (pinned to its digest now)" placeholder="1.4.2 or sha256:…" defaultValue={defaults.reference} required errors={errors} />
          <Field name="tag" label="Tag in the target" placeholder="1.4.2" defaultValue={defaults.tag} required errors={errors} />
          <Field name="reason" label="Reason" placeholder="release 1.4.2: fixes …" required errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
