"use client";

import type { FormAction } from "@/components/form/action-form";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";

/** Revoking asks first in the confirmation dialog, naming what stops being accepted. */
export function RevokeExceptionButton({ action, id, subject }: { action: FormAction; id: string; subject: string }) {
  return (
    <HiddenFieldsButton
      action={action}
      fields={{ id }}
      label="Revoke…"
      ariaLabel={`Revoke the exception for ${subject}`}
      confirm={{ title: `Revoke the exception for ${subject}?`, detail: `${subject} will count again in every gate and view.`, confirmLabel: "Revoke" }}
    />
  );
}
