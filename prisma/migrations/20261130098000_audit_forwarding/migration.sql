-- Audit forwarding (issue 15): an outbox of (audit event, sink) rows, written by a trigger in the same
-- transaction as the audit row, so no writer can forget it, a mutation never waits for a sink, and an
-- event exists for a sink exactly when it exists at all. Rows leave the outbox once delivered.
CREATE TABLE "AuditSink" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "failingSince" TIMESTAMP(3),
    "lastError" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastDeliveredAt" TIMESTAMP(3),
    "delivered" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditSink_pkey" PRIMARY KEY ("name")
);

CREATE TABLE "AuditDelivery" (
    "id" BIGSERIAL NOT NULL,
    "auditId" BIGINT NOT NULL,
    "sink" TEXT NOT NULL,
    CONSTRAINT "AuditDelivery_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AuditDelivery_sink_fkey" FOREIGN KEY ("sink") REFERENCES "AuditSink"("name") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "AuditDelivery_sink_auditId_idx" ON "AuditDelivery"("sink", "auditId");

CREATE FUNCTION "audit_outbox"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "AuditDelivery" ("auditId", "sink")
  SELECT n."id", s."name" FROM new_rows n CROSS JOIN "AuditSink" s ORDER BY n."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "AuditEvent_outbox" AFTER INSERT ON "AuditEvent"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "audit_outbox"();
