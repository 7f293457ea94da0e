"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

/** The requester's own way out of a request nobody has decided yet (lib/promotion/withdraw.ts). */
export function WithdrawForm({ id, action }: { id: string; action: FormAction }) {
  return (
    <ActionForm action={action} submitLabel="Withdraw request" label="Withdraw request" danger className="space-y-2">
      {(errors) => (
        <>
          <input type="hidden" name="id" value={id} />
          <Field name="reason" label="Why (optional)" errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
