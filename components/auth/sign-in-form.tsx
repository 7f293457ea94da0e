"use client";

import { useCredentialsSignIn } from "./use-credentials-sign-in";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const { error, pending, onSubmit } = useCredentialsSignIn({ provider: "credentials", fields: ["email", "password"], callbackUrl, wrongCredentials: "Wrong email or password.", initialError });

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Email</span>
        {/* the page exists to type this: the cursor starts here (issue 13) */}
        <input name="email" type="email" autoComplete="username" required autoFocus className="input mt-1" />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Password</span>
        <input name="password" type="password" autoComplete="current-password" required className="input mt-1" />
      </label>
      {error && (
        <p role="alert" data-testid="signin-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="btn-primary w-full">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
