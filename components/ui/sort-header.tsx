import Link from "next/link";

type Direction = "asc" | "desc";

/**
 * A column header that sorts by following a link. aria-sort sits on the header cell (the
 * columnheader role carries it, a link may not): "ascending"/"descending" on the sorted column,
 * "none" on the others, so a screen reader says how the table is ordered.
 */
export function SortHeader({ href, label, direction }: { href: string; label: string; direction?: Direction }) {
  return (
    <th aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}>
      <Link href={href} className="hover:text-slate-800">
        {label}
        <span aria-hidden="true">{direction === "asc" ? " ▲" : direction === "desc" ? " ▼" : ""}</span>
      </Link>
    </th>
  );
}
