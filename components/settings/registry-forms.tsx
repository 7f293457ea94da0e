"use client";

import { startTransition, useActionState, useState } from "react";
import { ActionForm, Field, SelectField, type FormAction } from "@/components/form/action-form";
import type { ActionState } from "@/lib/auth/action-state";

const KINDS = [
  { value: "oci", label: "OCI Distribution" },
  { value: "harbor", label: "Harbor" },
  { value: "ecr", label: "Amazon ECR" },
  { value: "dockerhub", label: "Docker Hub" },
] as const;

/**
 * Adding a registry. The credential fields follow the kind: ECR signs with an AWS access key pair in a
 * region, the others take a username and password or token. "Test connection" tries the typed values
 * on the server before anything is saved; its answer never repeats the credentials.
 */
export function CreateRegistryForm({ action, testAction }: { action: FormAction; testAction: FormAction }) {
  const [kind, setKind] = useState<string>("oci");
  const [test, runTest, testing] = useActionState(testAction, { status: "idle" } as ActionState);
  const testErrors = test.status === "error" ? Object.entries(test.fieldErrors ?? {}).map(([field, m]) => `${field}: ${m.join(" ")}`) : [];
  return (
    <ActionForm action={action} submitLabel="Add registry" label="Add registry" className="grid gap-3 md:grid-cols-2" onReset={() => setKind("oci")}>
      {(errors) => (
        <>
          <Field name="name" label="Name" required errors={errors} />
          <SelectField name="kind" label="Kind" value={kind} onChange={(e) => setKind(e.target.value)} errors={errors}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </SelectField>
          <Field
            name="url"
            label="URL"
            placeholder={kind === "ecr" ? "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" : "https://registry.example.com"}
            required
            errors={errors}
          />
          {kind === "ecr" ? (
            <>
              <Field name="region" label="AWS region (empty: from the URL)" placeholder="eu-west-1" errors={errors} />
              <Field name="accessKeyId" label="Access key id (empty: the server's AWS credentials)" autoComplete="off" errors={errors} />
              <Field name="secretAccessKey" label="Secret access key (stored encrypted)" type="password" autoComplete="new-password" errors={errors} />
            </>
          ) : (
            <>
              <Field name="username" label="Username (optional)" autoComplete="off" errors={errors} />
              <Field name="secret" label="Password or token (stored encrypted)" type="password" autoComplete="new-password" errors={errors} />
              <label className="flex items-center gap-2 self-end text-sm">
                <input type="checkbox" name="insecureSkipVerify" /> Skip TLS verification (not recommended)
              </label>
            </>
          )}
          <div className="flex flex-wrap items-center gap-2 md:col-span-2">
            <button
              type="button"
              className="btn-secondary"
              disabled={testing}
              onClick={(e) => {
                const form = e.currentTarget.form;
                if (form) startTransition(() => runTest(new FormData(form)));
              }}
            >
              {testing ? "Testing…" : "Test connection"}
            </button>
            {test.status !== "idle" && (
              <p role="status" data-testid="connection-test" className={`text-sm ${test.status === "ok" ? "text-emerald-700" : "text-red-700"}`}>
                {test.status === "ok" ? test.message : [test.message, ...testErrors].join(" ")}
              </p>
            )}
          </div>
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
          <SelectField name="registryId" label="Registry" required errors={errors}>
            {registries.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </SelectField>
          <Field name="namespace" label="Namespace / project / prefix" errors={errors} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="protected" /> Protected (promotions need approval)
          </label>
        </>
      )}
    </ActionForm>
  );
}
