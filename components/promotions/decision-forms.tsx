"use client";

import { ActionForm, Field, type FormAction } from "@/components/form/action-form";
import type { ConfirmSpec } from "@/components/ui/confirm-dialog";
import type { Decisions, DecisionVerb } from "@/lib/promotion/decisions";

type FormSpec = { label: string; field?: string; fieldLabel?: string; required?: boolean; confirm?: Omit<ConfirmSpec, "title"> & { title: (subject: string) => string } };

function DecisionForm({ action, id, subject, label, field, fieldLabel, required, confirm }: FormSpec & { action: FormAction; id: string; subject: string }) {
  return (
    <ActionForm action={action} submitLabel={label} label={label} confirm={confirm && { ...confirm, title: confirm.title(subject) }} className="space-y-2">
      {(errors) => (
        <>
          <input type="hidden" name="id" value={id} />
          {field && <Field name={field} label={fieldLabel ?? field} required={required} errors={errors} />}
        </>
      )}
    </ActionForm>
  );
}

// The irreversible decisions ask first, naming the promotion (a rejected request cannot be reopened, a roll back moves the target tag).
const FORMS: Record<DecisionVerb, FormSpec> = {
  approve: { label: "Approve", field: "comment", fieldLabel: "Comment (optional)" },
  reject: { label: "Reject", field: "reason", fieldLabel: "Reason for rejecting", required: true, confirm: { title: (s) => `Reject ${s}?`, detail: "The request is closed for good; a new one must be made.", confirmLabel: "Reject" } },
  override: {
    label: "Override failed gates",
    field: "justification",
    fieldLabel: "Written justification",
    required: true,
    confirm: { title: (s) => `Override the failed gates of ${s}?`, detail: "The promotion proceeds although gates failed; your justification is recorded in the audit log.", confirmLabel: "Override" },
  },
  retry: { label: "Retry" },
  rollback: { label: "Roll back", field: "reason", fieldLabel: "Reason for rolling back", required: true, confirm: { title: (s) => `Roll back ${s}?`, detail: "The target tag is moved back to the digest it held before.", confirmLabel: "Roll back" } },
  "run-now": {
    label: "Run now, inside the closed change window",
    field: "justification",
    fieldLabel: "Written justification",
    required: true,
    confirm: { title: (s) => `Run ${s} now, inside the closed change window?`, detail: "The copy starts at once; your justification is recorded in the audit log.", confirmLabel: "Run now" },
  },
};

/** The forms for the decisions decisionsFor() allows this person now; a requester is told why they cannot decide. */
export function DecisionForms({ id, subject, decisions, actions }: { id: string; subject: string; decisions: Decisions; actions: Record<DecisionVerb, FormAction> }) {
  const verbs = (Object.keys(FORMS) as DecisionVerb[]).filter((verb) => decisions[verb].allowed);
  const approve = decisions.approve;
  const rollback = decisions.rollback;
  return (
    <>
      {verbs.map((verb) => (
        <DecisionForm key={verb} action={actions[verb]} id={id} subject={subject} {...FORMS[verb]} />
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
