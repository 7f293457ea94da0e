"use client";

import { useState } from "react";
import type { FormAction } from "@/components/form/action-form";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";

/** Revoking takes two clicks: "Revoke…", then a confirmation naming what stops being accepted. */
export function RevokeExceptionButton({ action, id, subject }: { action: FormAction; id: string; subject: string }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="btn-secondary" onClick={() => setConfirming(true)} aria-label={`Revoke the exception for ${subject}`}>
        Revoke…
      </button>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      <span>{subject} will count again in every gate and view.</span>
      <HiddenFieldsButton action={action} fields={{ id }} label="Confirm revoke" danger />
      <button type="button" className="btn-secondary" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  );
}
