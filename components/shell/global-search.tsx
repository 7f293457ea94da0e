"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
// a type only: erased from the client bundle, so the server-side search code never ships to the browser
import type { SearchResult as Result } from "@/lib/inventory/index/search";

const groups = [
  { kind: "repository", label: "Repositories" },
  { kind: "tag", label: "Tags" },
  { kind: "digest", label: "Digests" },
  { kind: "cve", label: "Vulnerabilities" },
  { kind: "label", label: "Labels" },
] as const;

const labelOf = (r: Result) =>
  r.kind === "repository" ? r.repository : r.kind === "tag" ? `${r.repository}:${r.tag}` : r.kind === "cve" ? `${r.cve} · ${r.repository}:${r.tag}` : r.kind === "label" ? `${r.label} · ${r.repository}:${r.tag}` : r.digest;

/** `/` anywhere but in a text field focuses the search, as on GitHub. */
function useSlashToFocus(input: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
      e.preventDefault();
      input.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [input]);
}

/** The top bar's search over the inventory index: repositories, tags, digest prefixes, CVE ids and label values, as a combobox. */
export function GlobalSearch() {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useSlashToFocus(input);

  // wait for a pause in typing: one request per query, not per keystroke
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 150);
    return () => clearTimeout(t);
  }, [text]);

  const search = useQuery({
    queryKey: ["search", q],
    enabled: q.length > 0,
    queryFn: async ({ signal }) => {
      const res = await fetch(`/api/v1/search?q=${encodeURIComponent(q)}`, { signal });
      if (!res.ok) throw new Error(`search failed (${res.status})`);
      return ((await res.json()) as { results: Result[] }).results;
    },
  });
  // grouped order is the navigation order
  const results = q ? groups.flatMap((g) => (search.data ?? []).filter((r) => r.kind === g.kind)) : [];
  const shown = open && q.length > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;

  const go = (r: Result | undefined) => {
    if (!r) return;
    setOpen(false);
    setText("");
    input.current?.blur();
    router.push(r.url);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setOpen(true);
      if (results.length) setActive((a) => (a + (e.key === "ArrowDown" ? 1 : results.length - 1)) % results.length);
    } else if (e.key === "Enter") {
      e.preventDefault();
      go(results[active]);
    } else if (e.key === "Escape") {
      setOpen(false);
    }
  };

  return (
    <div className="relative w-full lg:w-96">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-label="Search everywhere: repositories, tags and digests"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && results[active] ? optionId(active) : undefined}
        placeholder="Search everywhere: repositories, tags, digests  ( / )"
        className="input w-full"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {shown && (
        <div id={listId} role="listbox" aria-label="Search results" className="absolute left-0 right-0 z-20 mt-1 max-h-96 overflow-y-auto rounded border border-slate-200 bg-white py-1 text-sm shadow-lg">
          {search.isError && <div className="px-3 py-2 text-red-700">Search failed.</div>}
          {search.isSuccess && results.length === 0 && <div className="px-3 py-2 text-slate-500">No matches in the environments you may see.</div>}
          {groups.map((g) => {
            const inGroup = results.map((r, i) => [r, i] as const).filter(([r]) => r.kind === g.kind);
            if (!inGroup.length) return null;
            return (
              <div key={g.kind} role="group" aria-label={g.label}>
                <div className="px-3 pt-2 text-xs font-semibold uppercase text-slate-500">{g.label}</div>
                {inGroup.map(([r, i]) => (
                  <div
                    key={r.url}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === active}
                    className={`flex cursor-pointer justify-between gap-3 px-3 py-1 ${i === active ? "bg-sky-50" : ""}`}
                    onMouseEnter={() => setActive(i)}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      go(r);
                    }}
                  >
                    <span className="truncate font-mono text-xs">{labelOf(r)}</span>
                    {r.environment && <span className="shrink-0 text-xs text-slate-500">{r.environment}</span>}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
