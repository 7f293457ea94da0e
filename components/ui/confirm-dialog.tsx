"use client";

import { useEffect, useId, useRef } from "react";

export interface ConfirmSpec {
  /** names the object: "Remove registry dev-reg?" */
  title: string;
  /** what happens, in one sentence: "Its sealed credential is deleted too." */
  detail?: string;
  /** the red button's text: "Remove" */
  confirmLabel: string;
}

/**
 * The one confirmation for destructive actions: a native modal <dialog> (focus is trapped and Escape
 * cancels, by the browser), naming the object. The red (danger) button lives only here, so red on a
 * page always means "this is the last step".
 */
export function ConfirmDialog({ open, spec, pending, onConfirm, onCancel }: { open: boolean; spec: ConfirmSpec; pending?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const detailId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={spec.detail ? detailId : undefined}
      // Escape closes a modal dialog natively: keep React's state in step with it
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {spec.title}
      </h2>
      {spec.detail && (
        <p id={detailId} className="mt-2 text-sm text-slate-600">
          {spec.detail}
        </p>
      )}
      <div className="mt-6 flex justify-end gap-2">
        {/* Cancel first and focused: Enter on an opened dialog must not destroy anything */}
        <button type="button" className="btn-secondary" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn-danger" disabled={pending} onClick={onConfirm}>
          {pending ? "Working…" : spec.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
