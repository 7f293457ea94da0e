"use client";

import { ActionForm, type FormAction } from "./action-form";

/**
 * A one-button form posting fixed hidden fields to a server action. `label` is the button text and,
 * unless `ariaLabel` says otherwise, the form's accessible name; `inline={false}` lays it out as a
 * block-level flex row instead of inline.
 */
export function HiddenFieldsButton({
  action,
  fields,
  label,
  danger,
  ariaLabel,
  inline = true,
}: {
  action: FormAction;
  fields: Record<string, string>;
  label: string;
  danger?: boolean;
  ariaLabel?: string;
  inline?: boolean;
}) {
  return (
    <ActionForm action={action} submitLabel={label} label={ariaLabel ?? label} className={`${inline ? "inline-flex" : "flex"} items-center gap-2`} danger={danger}>
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </ActionForm>
  );
}
