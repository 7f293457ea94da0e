"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** "Sign in with <name>": starts the OpenID Connect redirect (provider id `oidc`, lib/auth/oidc.ts). */
export function SsoSignInButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      className="btn-secondary w-full"
      onClick={() => {
        setPending(true);
        void signIn("oidc", { callbackUrl }).finally(() => setPending(false));
      }}
    >
      {pending ? `Redirecting to ${name}…` : `Sign in with ${name}`}
    </button>
  );
}
