"use client";

import { usePathname } from "next/navigation";

/** The address that led nowhere; a not-found page gets no params, so it reads the URL. */
export function CurrentPath() {
  const path = usePathname();
  return <code className="break-all rounded bg-slate-100 px-1 text-slate-800">{path}</code>;
}
