-- Foundation: users and role grants, registries and environments, audit log, sign-in throttling, settings.
CREATE TYPE "Role" AS ENUM ('viewer', 'developer', 'approver', 'admin');
CREATE TYPE "RegistryKind" AS ENUM ('oci', 'harbor', 'ecr', 'dockerhub');
CREATE TYPE "ConfigSource" AS ENUM ('config', 'ui');

CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Registry" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "RegistryKind" NOT NULL,
    "url" TEXT NOT NULL,
    "username" TEXT,
    "secretEnvRef" TEXT,
    "secretCiphertext" TEXT,
    "insecureSkipVerify" BOOLEAN NOT NULL DEFAULT false,
    "caFile" TEXT,
    "options" JSONB,
    "source" "ConfigSource" NOT NULL DEFAULT 'ui',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Registry_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Registry_name_key" ON "Registry"("name");

CREATE TABLE "Environment" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "registryId" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "policy" JSONB,
    "source" "ConfigSource" NOT NULL DEFAULT 'ui',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Environment_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Environment_name_key" ON "Environment"("name");
ALTER TABLE "Environment" ADD CONSTRAINT "Environment_registryId_fkey"
    FOREIGN KEY ("registryId") REFERENCES "Registry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "RoleGrant" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "environmentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RoleGrant_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RoleGrant_userId_idx" ON "RoleGrant"("userId");
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_userId_fkey"
    FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "RoleGrant" ADD CONSTRAINT "RoleGrant_environmentId_fkey"
    FOREIGN KEY ("environmentId") REFERENCES "Environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Not expressible in schema.prisma: one grant per (user, role, scope), with NULL meaning "global".
CREATE UNIQUE INDEX "RoleGrant_user_role_scope_key" ON "RoleGrant"("userId", "role", COALESCE("environmentId", ''));

CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "outcome" TEXT NOT NULL,
    "sourceIp" TEXT,
    "detail" JSONB,
    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
CREATE INDEX "AuditEvent_action_idx" ON "AuditEvent"("action");
CREATE INDEX "AuditEvent_actorEmail_idx" ON "AuditEvent"("actorEmail");

CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);
