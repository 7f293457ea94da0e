"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import type { ActionState } from "@/lib/auth/action-state";
import { ConfirmDialog, type ConfirmSpec } from "@/components/ui/confirm-dialog";

export type FormAction = (prev: ActionState | undefined, form: FormData) => Promise<ActionState>;

/**
 * A form bound to a server action that shows the action's result or field errors in place.
 *
 * Nothing typed is lost: the form is submitted by hand (React resets a form it posts through its
 * `action` prop itself), so after a server-side refusal every field still holds what was typed, except
 * password fields, which are emptied (a refused password is retyped, not resubmitted unseen). The
 * values never travel back from the server, so secrets are never echoed. After a success the form
 * is reset for the next entry. The first field the server refused gets the focus.
 *
 * `confirm` makes the submit ask first in a <ConfirmDialog> naming the object (destructive actions).
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  label,
  confirm,
  resetOnSuccess = true,
  onReset,
}: {
  action: FormAction;
  submitLabel: string;
  children?: React.ReactNode | ((errors: Record<string, string[]>) => React.ReactNode);
  className?: string;
  label?: string;
  confirm?: ConfirmSpec;
  /** false for forms editing an existing record: after saving they show the saved values, not the defaults */
  resetOnSuccess?: boolean;
  /** for forms whose React state follows a field (a kind select showing other fields): back to the default too */
  onReset?: () => void;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ActionState);
  const formRef = useRef<HTMLFormElement>(null);
  const [awaitingConfirm, setAwaitingConfirm] = useState<FormData | null>(null);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};

  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    if (state.status === "ok" && resetOnSuccess) form.reset();
    if (state.status === "error") {
      for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = "";
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }, [state, resetOnSuccess]);

  const submit = (data: FormData) => startTransition(() => formAction(data));
  return (
    <form
      ref={formRef}
      // Kept for the post without JavaScript (React renders the server action's hidden fields for it);
      // with JavaScript, onSubmit takes over and React, seeing the default prevented, neither runs nor resets.
      action={formAction}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        if (confirm) setAwaitingConfirm(data);
        else submit(data);
      }}
      onReset={onReset}
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
      <button type="submit" disabled={pending} className={confirm ? "btn-secondary" : "btn-primary"}>
        {pending ? "Working…" : submitLabel}
      </button>
      {confirm && (
        <ConfirmDialog
          open={awaitingConfirm !== null}
          spec={confirm}
          pending={pending}
          onCancel={() => setAwaitingConfirm(null)}
          onConfirm={() => {
            if (awaitingConfirm) submit(awaitingConfirm);
            setAwaitingConfirm(null);
          }}
        />
      )}
    </form>
  );
}

/** The messages the server gave for one field, next to it, with the id its input points at. */
function FieldMessages({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <span id={id} className="mt-1 block text-xs text-red-600">
      {messages.join(" ")}
    </span>
  );
}

/** aria attributes tying an input to its server-side messages (aria-invalid, aria-describedby). */
function fieldAria(messageId: string, messages?: string[]) {
  return messages?.length ? { "aria-invalid": true as const, "aria-describedby": messageId } : {};
}

/**
 * A labelled input. The server's messages sit beside it, outside the <label>, so they describe the
 * input (aria-describedby) without becoming part of its name.
 */
export function Field({
  name,
  label,
  errors,
  id,
  ...rest
}: { name: string; label: string; errors?: Record<string, string[]> } & React.InputHTMLAttributes<HTMLInputElement>) {
  const messages = errors?.[name];
  const generated = useId();
  const inputId = id ?? `${generated}-input`;
  const messageId = `${generated}-messages`;
  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={inputId} name={name} className="input mt-1" {...fieldAria(messageId, messages)} {...rest} />
      <FieldMessages id={messageId} messages={messages} />
    </div>
  );
}

/** A labelled <select> showing the server's messages for it, like Field. */
export function SelectField({
  name,
  label,
  errors,
  children,
  id,
  ...rest
}: { name: string; label: string; errors?: Record<string, string[]> } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const messages = errors?.[name];
  const generated = useId();
  const selectId = id ?? `${generated}-select`;
  const messageId = `${generated}-messages`;
  return (
    <div>
      <label htmlFor={selectId} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={selectId} name={name} className="input mt-1" {...fieldAria(messageId, messages)} {...rest}>
        {children}
      </select>
      <FieldMessages id={messageId} messages={messages} />
    </div>
  );
}
