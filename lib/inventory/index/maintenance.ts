/**
 * How often the cluster-wide maintenance job runs (lib/probe/scheduler: the in-process timer's
 * default and pg-boss's cron both derive from this). Kept here, below lib/probe and free of imports,
 * because the inventory's sync status needs it to tell an overdue environment and lib/inventory may
 * not import lib/probe.
 */
export const MAINTENANCE_EVERY_MS = 5 * 60_000;
