-- Issue 13: each person's chosen time zone; NULL follows the browser's zone.
ALTER TABLE "User" ADD COLUMN "timeZone" TEXT;
