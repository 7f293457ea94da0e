"use client";

import { ActionForm, type FormAction } from "@/components/form/action-form";

/** Silence for 1 h, 4 h, 24 h or a custom number of hours; "lift" when a silence is on. */
export function SilenceForm({ action, id, what, silenced }: { action: FormAction; id: string; what: string; silenced: boolean }) {
  return (
    <ActionForm action={action} submitLabel={silenced ? "Change silence" : "Silence"} label={`Silence ${what}`} className="flex flex-wrap items-start gap-2 text-xs" resetOnSuccess={false}>
      {(errors) => (
        <>
          <input type="hidden" name="id" value={id} />
          <label className="flex items-center gap-1">
            <span className="sr-only">Silence {what} for</span>
            <select name="duration" className="input w-auto py-1 text-xs" defaultValue="1h">
              <option value="1h">for 1 hour</option>
              <option value="4h">for 4 hours</option>
              <option value="24h">for 24 hours</option>
              <option value="custom">for a custom time</option>
              {silenced && <option value="off">lift the silence</option>}
            </select>
          </label>
          <label className="flex flex-col">
            <span className="flex items-center gap-1">
              <input name="customHours" inputMode="decimal" placeholder="hours" className="input w-20 py-1 text-xs" aria-label={`Custom silence of ${what}, in hours`} aria-invalid={errors.customHours ? true : undefined} />
            </span>
            {errors.customHours?.map((m) => (
              <span key={m} className="mt-1 block text-xs text-red-600">
                customHours: {m}
              </span>
            ))}
          </label>
        </>
      )}
    </ActionForm>
  );
}
