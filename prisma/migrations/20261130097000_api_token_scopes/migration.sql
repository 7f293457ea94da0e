-- API tokens v2 (issue 15): scopes that narrow the owner's roles, an environment restriction, where a
-- token was last used from, and who revoked it. Existing rows get empty scopes: legacy tokens, which
-- act as read+promote until they are rotated (lib/auth/token-scopes.ts).
ALTER TABLE "ApiToken" ADD COLUMN "lastUsedFrom" TEXT;
ALTER TABLE "ApiToken" ADD COLUMN "revokedById" TEXT;
ALTER TABLE "ApiToken" ADD COLUMN "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "ApiToken" ADD COLUMN "environments" TEXT[] DEFAULT ARRAY[]::TEXT[];
