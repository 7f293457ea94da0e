"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

export function CreateTokenForm({ action }: { action: FormAction }) {
  return (
    <ActionForm action={action} submitLabel="Create token" label="Create API token" className="grid gap-3 md:grid-cols-3">
      {(errors) => (
        <>
          <Field name="name" label="Name (e.g. the pipeline)" required errors={errors} />
          <Field name="expiresInDays" label="Expires in days (empty: never)" type="number" min={1} errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
