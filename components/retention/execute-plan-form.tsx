"use client";

import { plural } from "@/lib/plural";
import { ActionForm, Field, type FormAction } from "@/components/form/action-form";

/**
 * Executing a plan deletes content, so the person confirms the exact plan they reviewed: they type the
 * first characters of its hash. The full hash travels with the form; the server compares both, and
 * refuses a plan whose hash is not the one shown (409) or that is not planned/partial.
 * Rendered by the retention page (planning) for people the server says may execute.
 */
export function ExecutePlanForm({ action, planId, hash, items, environment, resume, prefixLength = 12 }: { action: FormAction; planId: string; hash: string; items: number; environment: string; resume?: boolean; prefixLength?: number }) {
  const prefix = hash.slice(0, prefixLength);
  return (
    <ActionForm
      action={action}
      submitLabel={resume ? "Resume execution" : `Delete ${plural(items, "item")} in ${environment}`} label="Execute retention plan"
      confirm={{ title: `Delete ${plural(items, "item")} in ${environment}?`, detail: "Each item is re-checked against the registry and the protections right before it is deleted; what changed is skipped. Deleted manifests cannot be restored.", confirmLabel: "Delete" }}
      className="space-y-3"
    >
      {(errors) => (
        <>
          <input type="hidden" name="id" value={planId} />
          <input type="hidden" name="hash" value={hash} />
          <p className="text-sm text-slate-700">
            {resume ? "Resuming skips what was already deleted. " : ""}Each item is checked again right before it is deleted: a tag that moved or a digest that became protected is skipped and reported.
          </p>
          <Field
            name="confirm"
            label={`Type ${prefix} (the start of the plan's hash) to confirm`}
            autoComplete="off"
            spellCheck={false}
            required
            pattern={`[0-9a-fA-F]{${prefixLength}}`}
            errors={errors}
          />
        </>
      )}
    </ActionForm>
  );
}
