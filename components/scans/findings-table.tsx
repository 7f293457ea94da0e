"use client";

import { createColumnHelper, flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { SEVERITIES, severityRank, type Finding, type Severity } from "@/lib/scan/model";
import { SeverityBadge } from "./severity-badge";
import { firstWebLink } from "./web-link";
import { plural } from "@/lib/plural";

const column = createColumnHelper<Finding>();

const columns = [
  column.accessor("id", {
    header: "Vulnerability",
    cell: (c) => {
      const f = c.row.original;
      const link = firstWebLink(f.links);
      return (
        <div>
          {link ? (
            <a href={link} target="_blank" rel="noreferrer noopener" className="font-mono text-xs font-medium text-sky-700 hover:underline">
              {f.id}
            </a>
          ) : (
            <span className="font-mono text-xs font-medium">{f.id}</span>
          )}
          {(f.title || f.description) && (
            <p className="mt-0.5 max-w-xl text-xs text-slate-500" title={f.description}>
              {(f.title ?? f.description ?? "").slice(0, 160)}
              {(f.title ?? f.description ?? "").length > 160 ? "…" : ""}
            </p>
          )}
        </div>
      );
    },
  }),
  column.accessor("severity", {
    header: "Severity",
    sortingFn: (a, b) => severityRank(a.original.severity) - severityRank(b.original.severity),
    filterFn: (row, _id, value: Severity[]) => value.length === 0 || value.includes(row.original.severity),
    cell: (c) => <SeverityBadge severity={c.getValue()} />,
  }),
  column.accessor("package", {
    header: "Package",
    filterFn: (row, _id, value: string) => row.original.package.toLowerCase().includes(value.toLowerCase()),
    cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span>,
  }),
  column.accessor("installedVersion", { header: "Installed", cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? "—"}</span> }),
  column.accessor((f) => f.fixedVersion ?? "", {
    id: "fixedVersion",
    header: "Fixed in",
    filterFn: (row, _id, value: boolean) => !value || !!row.original.fixedVersion,
    cell: (c) => (c.getValue() ? <span className="font-mono text-xs text-emerald-700">{c.getValue()}</span> : <span className="text-xs text-slate-400">no fix</span>),
  }),
  column.accessor((f) => f.cvssScore ?? -1, { id: "cvss", header: "CVSS", cell: (c) => (c.getValue() >= 0 ? c.getValue().toFixed(1) : "—") }),
];

/**
 * The per-artifact findings: filter by severity, fixable only, package; sort by any column. With
 * `acceptHref` (the exception form's address for this digest), each row offers "Accept…", which
 * opens the form with the finding filled in.
 */
export function FindingsTable({ findings, acceptHref }: { findings: Finding[]; acceptHref?: string }) {
  const [sorting, setSorting] = useState<SortingState>([{ id: "severity", desc: true }]);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [fixableOnly, setFixableOnly] = useState(false);
  const [pkg, setPkg] = useState("");
  const columnFilters = useMemo(
    () => [
      { id: "severity", value: severities },
      { id: "fixedVersion", value: fixableOnly },
      ...(pkg ? [{ id: "package", value: pkg }] : []),
    ],
    [severities, fixableOnly, pkg],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the React Compiler is off here; the table object is used only inside this component
  const table = useReactTable({
    data: findings,
    columns,
    state: { sorting, columnFilters },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const present = SEVERITIES.filter((s) => findings.some((f) => f.severity === s));
  const rows = table.getRowModel().rows;

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-4 text-sm" role="group" aria-label="Filter findings">
        <fieldset className="flex items-center gap-2">
          <legend className="sr-only">Severity</legend>
          {present.map((s) => (
            <label key={s} className="inline-flex items-center gap-1 capitalize">
              <input type="checkbox" checked={severities.includes(s)} onChange={(e) => setSeverities((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} aria-label={`Only ${s}`} />
              {s}
            </label>
          ))}
        </fieldset>
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={fixableOnly} onChange={(e) => setFixableOnly(e.target.checked)} />
          Fixable only
        </label>
        <input className="input max-w-xs" placeholder="Package…" aria-label="Filter by package" value={pkg} onChange={(e) => setPkg(e.target.value)} />
        <span className="text-slate-500" data-testid="findings-shown">
          {rows.length} of {plural(findings.length, "finding")}
        </span>
      </div>
      <div className="card overflow-x-auto">
        <table className="table" data-testid="findings-table">
          <thead>
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  return (
                    <th key={h.id} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}>
                      <button type="button" className="uppercase hover:text-slate-800" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())} {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}
                      </button>
                    </th>
                  );
                })}
                {acceptHref && (
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="finding-row" data-cve={r.original.id}>
                {r.getVisibleCells().map((c) => (
                  <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
                {acceptHref && (
                  <td>
                    <a className="text-xs whitespace-nowrap text-sky-700 hover:underline" href={`${acceptHref}&cve=${encodeURIComponent(r.original.id)}&package=${encodeURIComponent(r.original.package)}`} aria-label={`Accept ${r.original.id} in ${r.original.package}…`}>
                      Accept this CVE…
                    </a>
                  </td>
                )}
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length + (acceptHref ? 1 : 0)} className="py-6 text-center text-slate-500">
                  No findings match the filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
