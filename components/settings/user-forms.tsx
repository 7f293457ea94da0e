"use client";

import { signOut } from "next-auth/react";
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

/**
 * Changing one's password ends every session of the account, this one included (see
 * lib/auth/account.ts), so on success the browser signs out and the person signs in with the new one.
 */
export function ChangePasswordForm({ action }: { action: FormAction }) {
  const changeThenSignOut: FormAction = async (prev, form) => {
    const result = await action(prev, form);
    if (result.status === "ok") await signOut({ callbackUrl: "/signin" });
    return result;
  };
  return (
    <ActionForm action={changeThenSignOut} submitLabel="Change password" label="Change password" className="grid max-w-md gap-3">
      {(errors) => (
        <>
          <Field name="current" label="Current password" type="password" autoComplete="current-password" required errors={errors} />
          <Field name="password" label="New password (12+ characters)" type="password" autoComplete="new-password" required errors={errors} />
          <Field name="confirm" label="Repeat new password" type="password" autoComplete="new-password" required errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
