"use client";

import type { ConfirmSpec } from "@/components/ui/confirm-dialog";
import { ActionForm, type FormAction } from "./action-form";

/**
 * A one-button form posting fixed hidden fields to a server action. `label` is the button text and,
 * unless `ariaLabel` says otherwise, the form's accessible name; `inline={false}` lays it out as a
 * block-level flex row instead of inline. `confirm` asks first, naming the object (destructive actions).
 */
export function HiddenFieldsButton({
  action,
  fields,
  label,
  confirm,
  ariaLabel,
  inline = true,
}: {
  action: FormAction;
  fields: Record<string, string>;
  label: string;
  confirm?: ConfirmSpec;
  ariaLabel?: string;
  inline?: boolean;
}) {
  return (
    <ActionForm action={action} submitLabel={label} label={ariaLabel ?? label} className={`${inline ? "inline-flex" : "flex"} items-center gap-2`} confirm={confirm}>
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </ActionForm>
  );
}
