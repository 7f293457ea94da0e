"use client";

import { useSyncExternalStore } from "react";
import { ActionForm, type FormAction } from "@/components/form/action-form";

const noSubscription = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The person's time zone for every time Dockmaster shows. "Browser" stores nothing, so the zone
 * follows the computer (a laptop that travels shows local times wherever it is).
 */
export function TimeZoneForm({ action, stored, zones }: { action: FormAction; stored: string | null; zones: string[] }) {
  // The browser's zone is only known in the browser: none in the server render, filled in after hydration.
  const detected = useSyncExternalStore(noSubscription, browserZone, () => null);
  return (
    <ActionForm action={action} submitLabel="Save time zone" label="Time zone" className="flex flex-wrap items-end gap-2">
      {(errors) => (
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Time zone</span>
          <select name="timeZone" defaultValue={stored ?? ""} className="input mt-1" aria-invalid={errors.timeZone ? true : undefined}>
            <option value="">Browser{detected ? ` (${detected})` : ""}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          {errors.timeZone?.map((m) => (
            <span key={m} className="mt-1 block text-xs text-red-600">
              {m}
            </span>
          ))}
        </label>
      )}
    </ActionForm>
  );
}
