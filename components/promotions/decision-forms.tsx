"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";
import type { Decisions, DecisionVerb } from "@/lib/promotion/decisions";

function DecisionForm({ action, id, label, field, fieldLabel, danger, required }: { action: FormAction; id: string; label: string; field?: string; fieldLabel?: string; danger?: boolean; required?: boolean }) {
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

const FORMS: Record<DecisionVerb, { label: string; field?: string; fieldLabel?: string; danger?: boolean; required?: boolean }> = {
  approve: { label: "Approve", field: "comment", fieldLabel: "Comment (optional)" },
  reject: { label: "Reject", field: "reason", fieldLabel: "Reason for rejecting", required: true, danger: true },
  override: { label: "Override failed gates", field: "justification", fieldLabel: "Written justification", required: true, danger: true },
  retry: { label: "Retry" },
  rollback: { label: "Roll back", field: "reason", fieldLabel: "Reason for rolling back", required: true, danger: true },
  "run-now": { label: "Run now, inside the closed change window", field: "justification", fieldLabel: "Written justification", required: true, danger: true },
};

/** The forms for the decisions decisionsFor() allows this person now; a requester is told why they cannot decide. */
export function DecisionForms({ id, decisions, actions }: { id: string; decisions: Decisions; actions: Record<DecisionVerb, FormAction> }) {
  const verbs = (Object.keys(FORMS) as DecisionVerb[]).filter((verb) => decisions[verb].allowed);
  const approve = decisions.approve;
  const rollback = decisions.rollback;
  return (
    <>
      {verbs.map((verb) => (
        <DecisionForm key={verb} action={actions[verb]} id={id} {...FORMS[verb]} />
      ))}
      {!approve.allowed && approve.kind === "requester" && <p className="text-xs text-slate-500">You requested this promotion, so another approver must decide.</p>}
      {/* a verified promotion whose tag was new has nothing to roll back to: say so rather than hide the button silently */}
      {!rollback.allowed && rollback.kind === "nothing" && (
        <p className="rounded bg-slate-50 p-2 text-xs text-slate-600" data-testid="rollback-unavailable">
          Roll back is unavailable: {rollback.reason}.
        </p>
      )}
    </>
  );
}
