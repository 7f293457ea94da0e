/**
 * Placeholders shown while a page's data loads (the route segments' loading.tsx and Suspense
 * fallbacks). Announced once to assistive technology as a busy status with a label naming what is
 * loading; the grey bars themselves are decoration. Shapes follow the page layouts roughly: a header,
 * then cards (overviews), a table (lists) or a definition list (detail pages), so nothing jumps far
 * when the real content streams in.
 */
type SkeletonLayout = "cards" | "table" | "detail";

const Bar = ({ className }: { className: string }) => <div className={`animate-pulse rounded bg-slate-200 ${className}`} />;

function Cards() {
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className="card space-y-3 p-4">
          <Bar className="h-5 w-1/3" />
          <Bar className="h-3 w-2/3" />
          <Bar className="h-3 w-1/2" />
          <Bar className="h-24 w-full" />
        </div>
      ))}
    </div>
  );
}

function Table({ rows }: { rows: number }) {
  return (
    <div className="card overflow-hidden">
      <div className="border-b border-slate-200 bg-slate-50 px-3 py-2">
        <Bar className="h-3 w-1/4" />
      </div>
      <div className="divide-y divide-slate-100">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="flex gap-4 px-3 py-3">
            <Bar className="h-3 w-1/4" />
            <Bar className="h-3 w-1/3" />
            <Bar className="h-3 w-1/6" />
          </div>
        ))}
      </div>
    </div>
  );
}

function Detail() {
  return (
    <div className="card space-y-4 p-4">
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="flex gap-6">
          <Bar className="h-3 w-32" />
          <Bar className="h-3 w-1/2" />
        </div>
      ))}
    </div>
  );
}

/** What a section shows while it loads, without the page header (for Suspense inside a page). */
export function SectionSkeleton({ label, layout = "table", rows = 6 }: { label: string; layout?: SkeletonLayout; rows?: number }) {
  return (
    <div role="status" aria-busy="true" aria-label={label} data-testid="skeleton">
      <span className="sr-only">{label}</span>
      {layout === "cards" ? <Cards /> : layout === "detail" ? <Detail /> : <Table rows={rows} />}
    </div>
  );
}

/** A whole page while it loads: header bars, then the section shape. */
export function PageSkeleton({ label, layout = "table" }: { label: string; layout?: SkeletonLayout }) {
  return (
    <div role="status" aria-busy="true" aria-label={label} data-testid="page-skeleton">
      <span className="sr-only">{label}</span>
      <div className="mb-6 space-y-2" aria-hidden="true">
        <Bar className="h-7 w-48" />
        <Bar className="h-4 w-96 max-w-full" />
      </div>
      <div aria-hidden="true">{layout === "cards" ? <Cards /> : layout === "detail" ? <Detail /> : <Table rows={8} />}</div>
    </div>
  );
}
