"use client";

import { ActionForm, type FormAction } from "@/components/form/action-form";

/** "Run now" for one replication policy; the server action checks replication.trigger and audits. */
export function TriggerReplicationForm({ action, registry, policyId, policyName }: { action: FormAction; registry: string; policyId: string; policyName: string }) {
  return (
    <ActionForm action={action} submitLabel="Run now" label={`Run replication policy ${policyName}`} className="flex items-center gap-2">
      <input type="hidden" name="registry" value={registry} />
      <input type="hidden" name="policyId" value={policyId} />
    </ActionForm>
  );
}
