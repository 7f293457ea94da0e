"use client";

import { useState } from "react";

export function CopyDigest({ digest, short }: { digest: string; short: string }) {
  const [copied, setCopied] = useState(false);
  return (
    // a full digest is 71 unbroken characters: it wraps anywhere rather than widening the page
    <span className="inline-flex max-w-full items-center gap-1">
      <code className="min-w-0 font-mono text-xs break-anywhere" title={digest} data-digest={digest}>
        {short}
      </code>
      <button
        type="button"
        className="rounded px-1 text-xs text-sky-700 hover:bg-sky-50"
        aria-label={`Copy ${digest}`}
        onClick={async () => {
          await navigator.clipboard?.writeText(digest).catch(() => undefined);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}
