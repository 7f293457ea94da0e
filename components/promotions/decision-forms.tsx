"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

export function DecisionForm({ action, id, label, field, fieldLabel, danger, required }: { action: FormAction; id: string; label: string; field?: string; fieldLabel?: string; danger?: boolean; required?: boolean }) {
  return (
    <ActionForm action={action} submitLabel={label} label={label} danger={danger} className="space-y-2">
      {(errors) => (
        <>
          <input type="hidden" name="id" value={id} />
          {field && <Field name={field} label={fieldLabel ?? field} required={required} errors={errors} />}
        </>
      )}
    </ActionForm>
  );
}
