"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

/** Adds a member (by email) to one approval group of one environment. */
export function GroupMemberForm({ action, environment, group }: { action: FormAction; environment: string; group: string }) {
  return (
    <ActionForm action={action} submitLabel="Add member" label={`Add a member to ${group} in ${environment}`} className="flex flex-wrap items-end gap-2">
      {(errors) => (
        <>
          <input type="hidden" name="environment" value={environment} />
          <input type="hidden" name="group" value={group} />
          <Field name="email" label="Email" type="email" required errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
