"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

export function SetupForm({ action }: { action: FormAction }) {
  return (
    <ActionForm action={action} submitLabel="Create administrator" label="Create administrator">
      {(errors) => (
        <>
          <Field name="email" label="Email" type="email" required errors={errors} />
          <Field name="name" label="Name (optional)" errors={errors} />
          <Field name="password" label="Password (12+ characters)" type="password" autoComplete="new-password" required errors={errors} />
          <Field name="confirm" label="Repeat password" type="password" autoComplete="new-password" required errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
