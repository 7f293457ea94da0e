/** "Download CSV · JSON" for an export route; `params` are the page's own filters. */
export function ExportLinks({ path, params = {}, what }: { path: string; params?: Record<string, string | undefined>; what: string }) {
  const href = (format: "csv" | "json") => `${path}?${new URLSearchParams({ ...(Object.fromEntries(Object.entries(params).filter(([, v]) => v)) as Record<string, string>), format })}`;
  return (
    <span className="inline-flex items-center gap-2 text-sm" data-testid="export-links">
      <span className="text-slate-500">Download {what}:</span>
      <a href={href("csv")} download className="text-sky-700 hover:underline" data-testid="export-csv">
        CSV
      </a>
      <a href={href("json")} download className="text-sky-700 hover:underline" data-testid="export-json">
        JSON
      </a>
    </span>
  );
}
