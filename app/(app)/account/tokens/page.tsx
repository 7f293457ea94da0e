import { PageHeader } from "@/components/shell/page-header";
import { CreateTokenForm } from "@/components/settings/token-forms";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { Badge } from "@/components/ui/badge";
import { Forbidden } from "@/components/shell/forbidden";
import { authorizePage } from "@/lib/auth/page";
import { listApiTokens } from "@/lib/auth/tokens";
import { getPrisma } from "@/lib/runtime";
import { createTokenAction, revokeTokenAction } from "./actions";

export const metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function TokensPage() {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const tokens = await listApiTokens(await getPrisma(), me.id);
  return (
    <>
      <PageHeader title="API tokens" description="For pipelines: send `Authorization: Bearer <token>` to /api/v1. A token acts as you, with your roles at the time of each call." />
      <section className="card mb-6 p-5">
        <CreateTokenForm action={createTokenAction} />
      </section>
      <div className="card">
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={6} className="py-6 text-center text-sm text-slate-500" data-testid="tokens-empty">
                  No tokens yet. Create one above for each pipeline or tool (name it after it), copy it once, and store it in the pipeline&apos;s secrets.
                </td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="font-mono text-xs">{t.prefix}…</td>
                <td className="text-xs">{t.createdAt.toISOString().slice(0, 16)}</td>
                <td className="text-xs">{t.lastUsedAt?.toISOString().slice(0, 16) ?? "never"}</td>
                <td className="text-xs">{t.expiresAt?.toISOString().slice(0, 10) ?? "never"}</td>
                <td>{t.revokedAt ? <Badge tone="red">revoked</Badge> : (
                    <HiddenFieldsButton
                      action={revokeTokenAction}
                      fields={{ id: t.id }}
                      label="Revoke"
                      ariaLabel={`Revoke token ${t.name}`}
                      confirm={{ title: `Revoke token ${t.name}?`, detail: "Every call with it is refused from now on. This cannot be undone.", confirmLabel: "Revoke" }}
                    />
                  )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
