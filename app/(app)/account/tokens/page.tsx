import { PageHeader } from "@/components/shell/page-header";
import { CreateTokenForm } from "@/components/settings/token-forms";
import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import { Badge } from "@/components/ui/badge";
import { Forbidden } from "@/components/shell/forbidden";
import { authorizePage } from "@/lib/auth/page";
import { decide } from "@/lib/auth/policy";
import { currentTokenSettings } from "@/lib/auth/token-settings";
import { listActiveTokensOfAll, listApiTokens, tokenLimitOf } from "@/lib/auth/tokens";
import { getPrisma } from "@/lib/runtime";
import { createTokenAction, revokeTokenAction } from "./actions";
import { Time } from "@/components/ui/time";
import { ScrollRegion } from "@/components/ui/scroll-region";

export const metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

type Row = Awaited<ReturnType<typeof listApiTokens>>[number];

function ScopesCell({ t }: { t: Row }) {
  const limit = tokenLimitOf(t);
  return (
    <td className="text-xs">
      {limit.scopes.join(", ")}
      {limit.environments && <div className="text-slate-500">only {limit.environments.join(", ")}</div>}
      {limit.legacy && (
        <div>
          <Badge tone="amber">legacy token: rotate to set scopes and expiry</Badge>
        </div>
      )}
    </td>
  );
}

function LastUsedCell({ t }: { t: Row }) {
  if (!t.lastUsedAt) return <td className="text-xs">never</td>;
  return (
    <td className="text-xs">
      <Time at={t.lastUsedAt} relative /> from {t.lastUsedFrom ?? "unknown address"}
    </td>
  );
}

function StateCell({ t }: { t: Row }) {
  if (t.revokedAt) return <Badge tone="red">revoked</Badge>;
  if (t.expiresAt && t.expiresAt <= new Date()) return <Badge tone="slate">expired</Badge>;
  return (
    <HiddenFieldsButton
      action={revokeTokenAction}
      fields={{ id: t.id }}
      label="Revoke"
      ariaLabel={`Revoke token ${t.name}`}
      confirm={{ title: `Revoke token ${t.name}?`, detail: "Every call with it is refused from now on. This cannot be undone.", confirmLabel: "Revoke" }}
    />
  );
}

export default async function TokensPage() {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const me = access.principal;
  const prisma = await getPrisma();
  const tokens = await listApiTokens(prisma, me.id);
  const settings = await currentTokenSettings();
  const environments = (await prisma.environment.findMany({ orderBy: { order: "asc" }, select: { name: true } })).map((e) => e.name);
  const isAdmin = decide(me.grants, "user.manage").allowed;
  const everyone = isAdmin ? (await listActiveTokensOfAll(prisma)).filter((t) => t.userId !== me.id) : [];
  return (
    <>
      <PageHeader
        title="API tokens"
        description="For pipelines: send `Authorization: Bearer <token>` to /api/v1 (and a `metrics` token to /metrics for Prometheus). A token acts as you, limited to its scopes and environments, and never with more than your roles at the time of each call."
      />
      <section className="card mb-6 p-5">
        <CreateTokenForm action={createTokenAction} maxDays={settings.maxDays} environments={environments} />
      </section>
      <ScrollRegion label="Your API tokens" className="card">
        <table className="table" data-testid="my-tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={7} className="py-6 text-center text-sm text-slate-500" data-testid="tokens-empty">
                  No tokens yet. Create one above for each pipeline or tool (name it after it), copy it once, and store it in the pipeline&apos;s secrets.
                </td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="font-mono text-xs">{t.prefix}…</td>
                <ScopesCell t={t} />
                <td className="text-xs">
                  <Time at={t.createdAt} />
                </td>
                <LastUsedCell t={t} />
                <td className="text-xs">
                  <Time at={t.expiresAt} fallback="never" />
                </td>
                <td>
                  <StateCell t={t} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {isAdmin && (
        <ScrollRegion label="Other users' tokens" className="card mt-6">
          <h2 className="px-4 pt-4 text-sm font-semibold">Other users&apos; working tokens (admins may revoke any)</h2>
          <table className="table" data-testid="all-tokens">
            <thead>
              <tr>
                <th>Owner</th>
                <th>Name</th>
                <th>Scopes</th>
                <th>Last used</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {everyone.length === 0 && (
                <tr>
                  <td colSpan={6} className="py-4 text-center text-slate-500">
                    No other user has a working token.
                  </td>
                </tr>
              )}
              {everyone.map((t) => (
                <tr key={t.id}>
                  <td>{t.ownerEmail}</td>
                  <td>{t.name}</td>
                  <ScopesCell t={t} />
                  <LastUsedCell t={t} />
                  <td className="text-xs">
                    <Time at={t.expiresAt} fallback="never" />
                  </td>
                  <td>
                    <StateCell t={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
