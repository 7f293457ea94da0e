"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

/** The requester's own way out of a request nobody has decided yet (lib/promotion/withdraw.ts). */
export function WithdrawForm({ id, action }: { id: string; action: FormAction }) {
  return (
    <ActionForm
      action={action}
      submitLabel="Withdraw request"
      label="Withdraw request"
      confirm={{ title: "Withdraw this promotion request?", detail: "Nobody can approve it afterwards; request again to promote.", confirmLabel: "Withdraw" }}
      className="space-y-2"
    >
      {(errors) => (
        <>
          <input type="hidden" name="id" value={id} />
          <Field name="reason" label="Why (optional)" errors={errors} />
        </>
      )}
    </ActionForm>
  );
}
