-- Directory sign-in (issue 15): how each account signs in, and the groups its directory or identity
-- provider reported at the last sign-in (roles follow from them through dockmaster.yaml `access:`).
ALTER TABLE "User" ADD COLUMN "authSource" TEXT NOT NULL DEFAULT 'local';
ALTER TABLE "User" ADD COLUMN "groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
