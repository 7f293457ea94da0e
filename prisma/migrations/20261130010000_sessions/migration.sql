-- Revocable sessions: every session JWT carries the user's sessionVersion from sign-in and is
-- accepted only while it still matches; sign-out, disabling, "sign out everywhere" and a password
-- change bump it.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
