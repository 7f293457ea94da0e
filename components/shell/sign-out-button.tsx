"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    // Sign-out ends the account's sessions in every browser (lib/auth/account.ts): a JWT cookie
    // cannot be withdrawn one by one, so a copy of this one must stop working too.
    <button type="button" className="btn-secondary" title="Signs you out in every browser" onClick={() => signOut({ callbackUrl: "/signin" })}>
      Sign out
    </button>
  );
}
