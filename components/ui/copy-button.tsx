"use client";

import { useState } from "react";

/**
 * Copies `text` with the Clipboard API and says so visibly ("Copied") for a moment, or says that it
 * could not (an insecure origin has no navigator.clipboard), so a click never silently does nothing.
 */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className="btn-secondary shrink-0 px-2 py-1 text-xs"
      aria-label={label}
      data-testid={testId}
      data-state={state}
      onClick={async () => {
        try {
          if (!navigator.clipboard) throw new Error("no clipboard");
          await navigator.clipboard.writeText(text);
          setState("copied");
        } catch {
          setState("failed");
        }
        setTimeout(() => setState("idle"), 2000);
      }}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}</span>
    </button>
  );
}
