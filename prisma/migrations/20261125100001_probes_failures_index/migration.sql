-- Probes: "last failures" on the probes page. Failures are rare, so scanning the time index backwards
-- for them can read the whole table; a partial index holds only the failures.
-- (A migration of its own because 20261125100000_probes was already committed.)
CREATE INDEX "ProbeResult_failures_idx" ON "ProbeResult"("at") WHERE NOT "ok";
