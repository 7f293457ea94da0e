"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";

/** Whether a click on this anchor starts an in-app navigation to another address. */
function navigatesAway(event: MouseEvent): boolean {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(anchor instanceof HTMLAnchorElement) || anchor.hasAttribute("download")) return false;
  if (anchor.target && anchor.target !== "_self") return false;
  const to = new URL(anchor.href, window.location.href);
  const here = window.location;
  return to.origin === here.origin && (to.pathname !== here.pathname || to.search !== here.search);
}

/**
 * A thin bar at the top of the window from the click on a link until the new address is rendered,
 * so no click leaves the old page up without feedback — also where a page keeps its layout and only
 * its query changes (filters, ranges, pages), which shows no loading.tsx skeleton. Clicks are seen
 * in the capture phase because next/link cancels the default action (it navigates client-side); the
 * bar ends when the pathname or query the router renders changes. Screen readers hear "Loading page…".
 */
export function NavigationProgress() {
  const location = `${usePathname()}?${useSearchParams().toString()}`;
  const [pending, setPending] = useState(false);
  const [shown, setShown] = useState(location);
  if (shown !== location) {
    // the new address is rendered: the navigation is over (React's "adjust state on prop change" pattern)
    setShown(location);
    setPending(false);
  }

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (navigatesAway(event)) setPending(true);
    };
    // the Back button re-renders an address already visited; nothing to wait for that a bar would help with
    const onPopState = () => setPending(false);
    document.addEventListener("click", onClick, { capture: true });
    window.addEventListener("popstate", onPopState);
    return () => {
      document.removeEventListener("click", onClick, { capture: true });
      window.removeEventListener("popstate", onPopState);
    };
  }, []);

  return (
    <>
      <div role="status" aria-live="polite" aria-busy={pending} data-testid="navigation-progress" data-state={pending ? "loading" : "idle"} className="sr-only">
        {pending ? "Loading page…" : ""}
      </div>
      <div aria-hidden="true" className={`pointer-events-none fixed inset-x-0 top-0 z-50 h-1 transition-opacity duration-150 ${pending ? "opacity-100" : "opacity-0"}`}>
        <div className={`h-full bg-sky-500 ${pending ? "w-full animate-pulse" : "w-0"}`} />
      </div>
    </>
  );
}
