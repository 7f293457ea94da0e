"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";
import { RoleAndScope } from "./role-select";

type Env = { id: string; name: string };

export function CreateUserForm({ action, environments }: { action: FormAction; environments: Env[] }) {
  return (
    <ActionForm action={action} submitLabel="Create user" label="Create user" className="grid gap-3 md:grid-cols-2">
      {(errors) => (
        <>
          <Field name="email" label="Email" type="email" required errors={errors} />
          <Field name="name" label="Name" errors={errors} />
          <Field name="password" label="Initial password (12+ characters)" type="password" autoComplete="new-password" required errors={errors} />
          <div />
          <RoleAndScope environments={environments} />
        </>
      )}
    </ActionForm>
  );
}

export function GrantForm({ action, userId, environments }: { action: FormAction; userId: string; environments: Env[] }) {
  return (
    <ActionForm action={action} submitLabel="Grant" label="Grant role" className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="userId" value={userId} />
      <RoleAndScope environments={environments} />
    </ActionForm>
  );
}
