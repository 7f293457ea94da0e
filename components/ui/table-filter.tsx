"use client";

import { useId, useState } from "react";

/**
 * A filter box over the rows already rendered in a table (this page of it): rows whose
 * `data-filter` text does not contain the query are hidden. The table itself stays a server
 * component; the box only toggles `hidden` on its rows.
 */
export function TableFilter({ tableTestId, label, placeholder }: { tableTestId: string; label: string; placeholder: string }) {
  const id = useId();
  const [shown, setShown] = useState<{ visible: number; total: number } | null>(null);
  const apply = (value: string) => {
    const q = value.trim().toLowerCase();
    const rows = document.querySelectorAll<HTMLTableRowElement>(`[data-testid="${tableTestId}"] tbody tr[data-filter]`);
    let visible = 0;
    rows.forEach((row) => {
      const match = !q || (row.dataset.filter ?? "").toLowerCase().includes(q);
      row.hidden = !match;
      if (match) visible++;
    });
    setShown(q ? { visible, total: rows.length } : null);
  };
  return (
    <div className="mb-2 flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input id={id} type="search" className="input max-w-xs" placeholder={placeholder} onChange={(e) => apply(e.target.value)} data-testid={`${tableTestId}-filter`} />
      {shown && (
        <span className="text-xs text-slate-500" aria-live="polite" data-testid={`${tableTestId}-filter-count`}>
          {shown.visible} of {shown.total} shown on this page
        </span>
      )}
    </div>
  );
}
