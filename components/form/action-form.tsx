"use client";

import { startTransition, useActionState } from "react";
import type { ActionState } from "@/lib/auth/action-state";

export type FormAction = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/** A form bound to a server action that shows the action's result or field errors in place. */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  label,
  danger,
  keepValues,
}: {
  action: FormAction;
  submitLabel: string;
  children?: React.ReactNode | ((errors: Record<string, string[]>) => React.ReactNode);
  className?: string;
  label?: string;
  danger?: boolean;
  /**
   * Keep what was typed after the action answers (React resets a form posted through its `action`
   * prop): submitted by hand instead, so a server-side refusal leaves the fields to correct.
   */
  keepValues?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ActionState);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  return (
    <form
      action={keepValues ? undefined : formAction}
      onSubmit={
        keepValues
          ? (e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              startTransition(() => formAction(data));
            }
          : undefined
      }
      className={className ?? "space-y-4"}
      aria-label={label}
    >
      {typeof children === "function" ? children(errors) : children}
      {state.status === "error" && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.message}
        </p>
      )}
      {state.status === "ok" && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-700">
          {state.message}
        </p>
      )}
      <button type="submit" disabled={pending} className={danger ? "btn-danger" : "btn-primary"}>
        {pending ? "Working…" : submitLabel}
      </button>
    </form>
  );
}

export function Field({
  name,
  label,
  errors,
  ...rest
}: { name: string; label: string; errors?: Record<string, string[]> } & React.InputHTMLAttributes<HTMLInputElement>) {
  const messages = errors?.[name];
  return (
    <label className="block">
      <span className="text-sm font-medium text-slate-700">{label}</span>
      <input name={name} className="input mt-1" aria-invalid={messages ? true : undefined} {...rest} />
      {messages?.map((m) => (
        <span key={m} className="mt-1 block text-xs text-red-600">
          {m}
        </span>
      ))}
    </label>
  );
}
