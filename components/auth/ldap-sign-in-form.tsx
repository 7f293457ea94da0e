"use client";

import { useCredentialsSignIn } from "./use-credentials-sign-in";

/** The directory's form (next-auth provider "ldap"): a username as the directory knows it, not an email. */
export function LdapSignInForm({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const { error, pending, onSubmit } = useCredentialsSignIn({ provider: "ldap", fields: ["username", "password"], callbackUrl, wrongCredentials: "Wrong username or password." });
  const title = `Sign in with ${name}`;

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
