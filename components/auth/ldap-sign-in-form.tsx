"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** The directory's form (next-auth provider "ldap"): a username as the directory knows it, not an email. */
export function LdapSignInForm({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const title = `Sign in with ${name}`;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const res = await signIn("ldap", { redirect: false, username: String(form.get("username") ?? ""), password: String(form.get("password") ?? ""), callbackUrl });
      if (!res || res.error) {
        // The server's sentence (wrong password, directory unreachable, throttled) is the message.
        setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong username or password.");
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setError("Could not reach the Dockmaster server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label={title}>
      <h2 className="text-sm font-semibold text-slate-700">{title}</h2>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Username</span>
        <input name="username" type="text" autoComplete="username" required className="input mt-1" />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Password</span>
        <input name="password" type="password" autoComplete="current-password" required className="input mt-1" />
      </label>
      {error && (
        <p role="alert" data-testid="ldap-signin-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="btn-primary w-full">
        {pending ? "Signing in…" : title}
      </button>
    </form>
  );
}
