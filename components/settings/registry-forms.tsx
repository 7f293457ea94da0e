"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

export function CreateRegistryForm({ action }: { action: FormAction }) {
  return (
    <ActionForm action={action} submitLabel="Add registry" label="Add registry" className="grid gap-3 md:grid-cols-2">
      {(errors) => (
        <>
          <Field name="name" label="Name" required errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Kind</span>
            <select name="kind" className="input mt-1" defaultValue="oci">
              <option value="oci">OCI Distribution</option>
              <option value="harbor">Harbor</option>
              <option value="ecr">Amazon ECR</option>
              <option value="dockerhub">Docker Hub</option>
            </select>
          </label>
          <Field name="url" label="URL" placeholder="https://registry.example.com" required errors={errors} />
          <Field name="username" label="Username (optional)" autoComplete="off" errors={errors} />
          <Field name="secret" label="Password or token (stored encrypted)" type="password" autoComplete="new-password" errors={errors} />
          <label className="flex items-center gap-2 self-end text-sm">
            <input type="checkbox" name="insecureSkipVerify" /> Skip TLS verification (not recommended)
          </label>
        </>
      )}
    </ActionForm>
  );
}

/** `nextOrder`: the first free place after the existing environments, so the default is never refused. */
export function CreateEnvironmentForm({ action, registries, nextOrder }: { action: FormAction; registries: { id: string; name: string }[]; nextOrder: number }) {
  return (
    <ActionForm action={action} submitLabel="Add environment" label="Add environment" className="grid gap-3 md:grid-cols-2">
      {(errors) => (
        <>
          <Field name="name" label="Name" placeholder="prod" required errors={errors} />
          <Field name="order" label="Pipeline order" type="number" defaultValue={nextOrder} required errors={errors} />
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Registry</span>
            <select name="registryId" className="input mt-1" required>
              {registries.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <Field name="namespace" label="Namespace / project / prefix" errors={errors} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="protected" /> Protected (promotions need approval)
          </label>
        </>
      )}
    </ActionForm>
  );
}
