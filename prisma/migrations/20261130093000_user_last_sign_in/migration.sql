-- When each account last signed in (issue 13: Settings → Users shows it); null until the next sign-in.
ALTER TABLE "User" ADD COLUMN "lastSignInAt" TIMESTAMP(3);
