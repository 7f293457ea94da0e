import Link from "next/link";

/** Page links that keep the other query parameters. */
export function Pager({ page, pageCount, params, label }: { page: number; pageCount: number; params: Record<string, string | undefined>; label: string }) {
  if (pageCount <= 1) return null;
  const href = (p: number) => `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>, page: String(p) })}`;
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-end gap-2 text-sm">
      {page > 1 && (
        <Link className="btn-secondary" href={href(page - 1)}>
          ← Previous
        </Link>
      )}
      <span className="text-slate-500">
        Page {page} of {pageCount}
      </span>
      {page < pageCount && (
        <Link className="btn-secondary" href={href(page + 1)}>
          Next →
        </Link>
      )}
    </nav>
  );
}
