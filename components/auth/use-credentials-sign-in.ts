"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * A credentials sign-in (password or directory) submitted from a form: the server's sentence (locked,
 * directory unreachable, throttled) is the message; next-auth's bare "CredentialsSignin" becomes
 * `wrongCredentials`. On success the page that asked for the sign-in is shown.
 */
export function useCredentialsSignIn(o: { provider: "credentials" | "ldap"; fields: readonly string[]; callbackUrl: string; wrongCredentials: string; initialError?: string }) {
  const router = useRouter();
  const [error, setError] = useState(o.initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const values = Object.fromEntries(o.fields.map((f) => [f, String(form.get(f) ?? "")]));
      const res = await signIn(o.provider, { redirect: false, ...values, callbackUrl: o.callbackUrl });
      if (!res || res.error) {
        setError(res?.error && res.error !== "CredentialsSignin" ? res.error : o.wrongCredentials);
        return;
      }
      router.replace(o.callbackUrl);
      router.refresh();
    } catch {
      setError("Could not reach the Dockmaster server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return { error, pending, onSubmit };
}
