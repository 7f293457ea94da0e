"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

/**
 * Below the md breakpoint the navigation column would take half a phone's width, so it hides behind
 * a Menu button. The panel closes on Escape (focus back on the button), on a click outside it, and
 * when a link in it navigated (the pathname changed).
 */
export function MobileMenu({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const path = usePathname();
  const [shownPath, setShownPath] = useState(path);
  if (shownPath !== path) {
    // a link in the menu was followed: React's "adjust state on prop change" pattern, no effect needed
    setShownPath(path);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="mr-auto md:hidden">
      <button ref={button} type="button" className="btn-secondary" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true" className="mr-1.5">
          ☰
        </span>
        Menu
      </button>
      <div id={panelId} hidden={!open}>
        <div aria-hidden="true" className="fixed inset-0 z-30 bg-black/40" onClick={() => setOpen(false)} />
        <div className="fixed inset-y-0 left-0 z-40 w-64 max-w-[85vw] overflow-y-auto bg-shell px-3 py-5 shadow-xl">{children}</div>
      </div>
    </div>
  );
}
