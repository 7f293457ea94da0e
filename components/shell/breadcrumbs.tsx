import Link from "next/link";
import type { Crumb } from "@/lib/browse/breadcrumbs";

export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600" data-testid="breadcrumbs">
      <ol className="flex flex-wrap items-center gap-1">
        {crumbs.map((c, i) => (
          <li key={`${i}-${c.label}`} className="flex items-center gap-1">
            {i > 0 && (
              <span aria-hidden="true" className="text-slate-400">
                ›
              </span>
            )}
            {c.href ? (
              <Link href={c.href} className="text-sky-700 hover:underline">
                {c.label}
              </Link>
            ) : i === crumbs.length - 1 ? (
              <span aria-current="page" className="font-medium text-slate-800">
                {c.label}
              </span>
            ) : (
              <span>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
