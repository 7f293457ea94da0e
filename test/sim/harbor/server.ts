/**
 * A Harbor v2.0 simulator on loopback: the REST API under /api/v2.0 for the operations Dockmaster
 * uses, answered from state held here plus the content of a real docker-registry, which also serves
 * /v2/ through this server (as Harbor's core does). Every API response is checked against Harbor's
 * swagger (harborSpec); the vulnerability report body against the scanner adapter spec.
 *
 * Covered: projects (+ summary with quota), repositories, artifacts (tags with immutable status,
 * labels, push/pull time, scan overview, accessories), vulnerability additions, replication
 * policies / executions / tasks and starting one, retention policy + dry-run executions with their
 * task logs, immutable tag rules, system volumes, deleting artifacts and tags, starting a manual GC.
 *
 * Behaviour beyond the schema, as Harbor has it (each cited where it is simulated): accounts with
 * Harbor's role policies (./rbac.ts), wrong or disabled credentials answered as anonymous rather than
 * 401, page_size capped at 100, repository names URL-encoded twice, numeric project names only with
 * X-Is-Resource-Name, scan overviews keyed by the X-Accept-Vulnerabilities mime type, retention logs
 * one row per artifact that expire.
 */
import type { components } from "../../../lib/registry/harbor/generated/harbor-v2";
import type { components as scanner } from "../../../lib/registry/harbor/generated/scanner-v1.1";
import type { RegistryUser } from "../../harness/registry";
import { openBacking, type Backing, type BackingImage } from "../backing";
import { basicCredentials, startHttpSim, type RunningSim, type SimReply, type SimRequest } from "../http-sim";
import { harborSpec, VULNERABILITY_MIME_TYPES } from "../spec/specs";
import { globMatch } from "../glob";
import { projectPermissions, seesProject, systemPermissions, type Caller, type HarborAccount, type ProjectPermission, type SystemPermission } from "./rbac";

export type { HarborAccount, HarborAccountKind } from "./rbac";

type S = components["schemas"];
export type HarborReport = scanner["schemas"]["HarborVulnerabilityReport"];

export interface ArtifactMeta {
  pushTime?: string;
  pullTime?: string;
  labels?: Array<{ name: string; color?: string; description?: string }>;
  report?: HarborReport;
  /** scan overview status when no report is attached yet (e.g. "Running") */
  scanStatus?: string;
}

export interface RetentionFixture {
  rules: S["RetentionRule"][];
  /** the latest dry run: which artifacts it would delete, each named by one of its tags */
  dryRun?: {
    startTime: string;
    removals: Array<{ repository: string; tag: string }>;
    /** Harbor's job status values (src/pkg/task/...: Success, Error, Running, Stopped); default Success */
    status?: "Success" | "Error" | "Running" | "Stopped";
    /** the job log was swept (logger_sweeper_duration, 1 day by default): reading it is a 404 */
    logExpired?: boolean;
    /** scheduled real runs after the dry run, which push it down the executions list */
    laterRuns?: number;
  };
}

export interface ReplicationPolicyFixture {
  name: string;
  description?: string;
  source?: string;
  destination: string;
  destNamespace?: string;
  trigger?: "manual" | "scheduled" | "event_based";
  cron?: string;
  enabled?: boolean;
  filters?: Array<{ type: string; value: string }>;
}

export interface ReplicationExecutionFixture {
  policy: string;
  status: "InProgress" | "Succeed" | "Failed" | "Stopped";
  trigger?: "manual" | "scheduled" | "event_based";
  startTime: string;
  endTime?: string;
  statusText?: string;
  tasks?: Array<{ status: string; src: string; dst: string; operation?: string; startTime?: string; endTime?: string }>;
}

export interface HarborSim extends RunningSim {
  backing: Backing;
  setArtifact(repository: string, reference: string, meta: ArtifactMeta): Promise<string>;
  /**
   * The webhook Harbor sends when the artifact's scan completes, in the Default format of
   * specs/events/harbor-webhooks.md ("Scanning completed"), with the artifact's scan overview.
   */
  scanCompletedWebhook(repository: string, reference: string, options?: { host?: string; occurAt?: number }): Promise<Record<string, unknown>>;
  setProject(name: string, options: { public?: boolean; quotaBytes?: number; quotaHidden?: boolean; retention?: RetentionFixture; immutableRules?: S["ImmutableRule"][] }): void;
  addReplicationPolicy(p: ReplicationPolicyFixture): number;
  addReplicationExecution(e: ReplicationExecutionFixture): number;
  /** what POST /replication/executions started, in order */
  startedExecutions: Array<{ id: number; policyId: number; user: string }>;
  setVolumes(volumes: Array<{ total: number; free: number }>): void;
  /** adds (or replaces, by username) an account with a role in its projects; see ./rbac.ts */
  addAccount(account: HarborAccount): void;
  /** artifacts and tags deleted through the API, in order */
  deletions: Array<{ kind: "artifact" | "tag"; repository: string; reference: string; user: string }>;
  /** garbage collections started through the API; a run stays "Running" until finishGc() */
  gcRuns: Array<{ id: number; user: string; parameters: Record<string, unknown>; status: "Running" | "Success" }>;
  finishGc(): void;
  /** Harbor's "per-project quota" setting (quota_per_project_enable); on by default */
  setQuotaPerProject(enabled: boolean): void;
}

/** Harbor's own scan report type: what scan_overview is keyed by when no X-Accept-Vulnerabilities is sent */
const NATIVE_REPORT_MIME = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";
/** the simulator's one dry-run execution id; later runs get the ids after it */
const DRY_RUN_EXECUTION_ID = 1;
/** GET /retentions/metadatas: the templates and selectors the simulator's rules use */
const RETENTION_METADATA = {
  templates: [{ rule_template: "latestPushedK", display_text: "retain the most recently pushed # artifacts", action: "retain", params: [{ type: "int", unit: "COUNT", required: true }] }],
  scope_selectors: [{ display_text: "Repositories", kind: "doublestar", decorations: ["repoMatches", "repoExcludes"] }],
  tag_selectors: [{ display_text: "Tags", kind: "doublestar", decorations: ["matches", "excludes"] }],
};

/**
 * Statuses the real Harbor answers that its swagger does not document: go-swagger's parameter
 * validation (422, any operation: goharbor/harbor#13765), RequireAuthenticated in the retention API's
 * Prepare (401 on the metadata, src/server/v2.0/handler/retention.go), and a swept job log (404).
 */
function undocumentedButReal(operationId: string | undefined, status: number): boolean {
  if (status === 422) return true;
  if (operationId === "getRentenitionMetadata") return status === 401;
  if (operationId === "getRetentionTaskLog") return status === 404 || status === 401;
  // the artifact controller's immutability check (src/controller/artifact/controller.go) answers 412
  if (operationId === "deleteArtifact" || operationId === "deleteTag") return status === 412;
  return false;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimReply => ({ status, json: body, headers });
const errors = (status: number, code: string, message: string): SimReply => json(status, { errors: [{ code, message }] });

/** `users` are system admins; `accounts` adds the other kinds (project roles, robots). */
export async function startHarborSim(options: { registryUrl: string; users: RegistryUser[]; accounts?: HarborAccount[]; version?: string }): Promise<HarborSim> {
  const user0 = options.users[0]!;
  const backing = openBacking(options.registryUrl, { kind: "basic", username: user0.username, password: user0.password });
  const spec = harborSpec();

  const projectIds = new Map<string, number>();
  const projectOptions = new Map<string, { public?: boolean; quotaBytes?: number; quotaHidden?: boolean; retention?: RetentionFixture; immutableRules?: S["ImmutableRule"][] }>();
  const repositoryIds = new Map<string, number>();
  const artifactIds = new Map<string, number>();
  const meta = new Map<string, ArtifactMeta>();
  const policies: Array<S["ReplicationPolicy"] & { id: number; name: string }> = [];
  const executions: Array<S["ReplicationExecution"] & { id: number }> = [];
  const tasks = new Map<number, S["ReplicationTask"][]>();
  const startedExecutions: HarborSim["startedExecutions"] = [];
  let volumes = [{ total: 100 * 1024 ** 3, free: 60 * 1024 ** 3 }];
  let quotaPerProject = true;
  const deletions: HarborSim["deletions"] = [];
  const gcRuns: HarborSim["gcRuns"] = [];
  const accounts = new Map<string, HarborAccount>([...options.users.map((u) => ({ ...u, kind: "admin" as const })), ...(options.accounts ?? [])].map((a) => [a.username, a]));
  const created = "2026-01-01T00:00:00Z";

  const idFor = (map: Map<string, number>, key: string) => {
    let id = map.get(key);
    if (id === undefined) map.set(key, (id = map.size + 1));
    return id;
  };

  async function projectNames(): Promise<string[]> {
    const names = new Set(projectOptions.keys());
    for (const repo of await backing.repositories()) names.add(repo.split("/")[0]!);
    return [...names].sort();
  }

  async function reposOf(project: string): Promise<string[]> {
    return (await backing.repositories()).filter((r) => r.startsWith(`${project}/`));
  }

  function retentionId(project: string): number | undefined {
    return projectOptions.get(project)?.retention ? idFor(projectIds, project) : undefined;
  }

  async function projectJson(name: string): Promise<S["Project"]> {
    const o = projectOptions.get(name) ?? {};
    const rid = retentionId(name);
    return {
      project_id: idFor(projectIds, name),
      name,
      owner_id: 1,
      owner_name: "admin",
      registry_id: 0,
      creation_time: created,
      update_time: created,
      deleted: false,
      repo_count: (await reposOf(name)).length,
      metadata: { public: String(o.public ?? true), auto_scan: "true", ...(rid ? { retention_id: String(rid) } : {}) },
    };
  }

  const immutableTag = (project: string, repository: string, tag: string): boolean =>
    (projectOptions.get(project)?.immutableRules ?? []).some((rule) => {
      if (rule.disabled) return false;
      const repoSel = rule.scope_selectors?.repository ?? [];
      const repoName = repository.slice(project.length + 1);
      const repoOk = repoSel.every((s) => (globMatch(s.pattern ?? "**", repoName) ? s.decoration !== "repoExcludes" : s.decoration === "repoExcludes"));
      const tagOk = (rule.tag_selectors ?? []).every((s) => (globMatch(s.pattern ?? "**", tag) ? s.decoration !== "excludes" : s.decoration === "excludes"));
      return repoOk && tagOk;
    });

  function accessoryType(artifactType: string | undefined): string {
    if (!artifactType) return "subject.accessory";
    if (artifactType.includes("cosign")) return "signature.cosign";
    if (artifactType.includes("notation")) return "signature.notation";
    if (/spdx|cyclonedx|sbom/i.test(artifactType)) return "harbor.sbom";
    return "subject.accessory";
  }

  async function accessories(image: BackingImage): Promise<S["Accessory"][]> {
    const refs = await backing.referrers(image.repository, image.digest);
    return refs.map((r) => ({
      id: idFor(artifactIds, r.digest),
      artifact_id: idFor(artifactIds, r.digest),
      subject_artifact_id: idFor(artifactIds, image.digest),
      subject_artifact_digest: image.digest,
      subject_artifact_repo: image.repository,
      size: r.size,
      digest: r.digest,
      type: accessoryType(r.artifactType),
      icon: "",
      creation_time: created,
    }));
  }

  /**
   * The mime type the overview is keyed by: the first type of X-Accept-Vulnerabilities Harbor knows,
   * and without the header Harbor's native report type (src/server/v2.0/handler/artifact.go hands
   * the header to the vulnerability assembler; the swagger's default is the native type).
   */
  function overviewMime(req: SimRequest): string {
    const accepted = String(req.headers["x-accept-vulnerabilities"] ?? "").split(",").map((x) => x.trim());
    return VULNERABILITY_MIME_TYPES.find((m) => accepted.includes(m)) ?? NATIVE_REPORT_MIME;
  }

  function overview(m: ArtifactMeta | undefined, mime: string): S["ScanOverview"] | undefined {
    if (!m?.report && !m?.scanStatus) return undefined;
    const vulns = m.report?.vulnerabilities ?? [];
    const counts: Record<string, number> = {};
    for (const v of vulns) counts[v.severity ?? "Unknown"] = (counts[v.severity ?? "Unknown"] ?? 0) + 1;
    const generated = m.report?.generated_at ?? created;
    return {
      [mime]: {
        report_id: `report-${vulns.length}-${generated}`,
        scan_status: m.scanStatus ?? "Success",
        severity: m.report?.severity ?? "None",
        duration: 3,
        summary: { total: vulns.length, fixable: vulns.filter((v) => v.fix_version).length, summary: counts },
        start_time: generated,
        end_time: generated,
        complete_percent: 100,
        scanner: { name: m.report?.scanner?.name ?? "Trivy", vendor: m.report?.scanner?.vendor ?? "Aqua Security", version: m.report?.scanner?.version ?? "v0.50.0" },
      },
    };
  }

  async function artifactJson(image: BackingImage, q: URLSearchParams, req: SimRequest): Promise<S["Artifact"]> {
    const project = image.repository.split("/")[0]!;
    const m = meta.get(image.digest);
    const push = m?.pushTime ?? image.created ?? created;
    const flag = (name: string) => q.get(name) === "true";
    const out: S["Artifact"] = {
      id: idFor(artifactIds, image.digest),
      type: image.artifactType ? "UNKNOWN" : "IMAGE",
      media_type: image.configMediaType ?? image.mediaType,
      manifest_media_type: image.mediaType,
      project_id: idFor(projectIds, project),
      repository_id: idFor(repositoryIds, image.repository),
      repository_name: image.repository,
      digest: image.digest,
      size: image.size,
      push_time: push,
      pull_time: m?.pullTime ?? "0001-01-01T00:00:00.000Z",
      addition_links: {
        vulnerabilities: { href: `/api/v2.0/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(image.repository.slice(project.length + 1)))}/artifacts/${image.digest}/additions/vulnerabilities`, absolute: false },
      },
      references: image.mediaType.includes("index") || image.mediaType.includes("list")
        ? image.platforms.map((p) => ({ parent_id: idFor(artifactIds, image.digest), child_id: idFor(artifactIds, p.digest), child_digest: p.digest, platform: { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) } }))
        : [],
    };
    if (q.get("with_tag") !== "false") {
      out.tags = image.tags.map((t) => ({
        id: idFor(artifactIds, `${image.repository}:${t}`),
        repository_id: idFor(repositoryIds, image.repository),
        artifact_id: idFor(artifactIds, image.digest),
        name: t,
        push_time: push,
        pull_time: m?.pullTime ?? "0001-01-01T00:00:00.000Z",
        immutable: flag("with_immutable_status") ? immutableTag(project, image.repository, t) : false,
      }));
    }
    if (flag("with_label")) {
      out.labels = (m?.labels ?? []).map((l, i) => ({ id: i + 1, name: l.name, color: l.color ?? "#0095D3", description: l.description ?? "", scope: "g", project_id: 0, creation_time: created, update_time: created }));
    }
    if (flag("with_scan_overview")) {
      const o = overview(m, overviewMime(req));
      if (o) out.scan_overview = o;
    }
    if (flag("with_accessory")) out.accessories = await accessories(image);
    return out;
  }

  /**
   * The account a request acts as. Wrong, disabled or expired credentials are NOT a 401: Harbor's
   * security generators (src/server/middleware/security/basic_auth.go, robot.go) just produce no
   * context, and the request carries on as anonymous (public content only). goharbor/harbor#20930.
   */
  const callerOf = (req: SimRequest): Caller => {
    const c = basicCredentials(req);
    const account = c ? accounts.get(c.username) : undefined;
    return account && account.password === c!.password && !account.disabled ? account : undefined;
  };

  const isPublic = (project: string) => projectOptions.get(project)?.public ?? true;
  /** src/server/v2.0/handler/base.go RequireProjectAccess / RequireSystemAccess: 401 for anonymous, 403 otherwise */
  const denied = (caller: Caller): SimReply => (caller ? errors(403, "FORBIDDEN", "forbidden") : errors(401, "UNAUTHORIZED", "unauthorized"));
  const may = (caller: Caller, project: string, perm: ProjectPermission) => projectPermissions(caller, project, isPublic(project)).has(perm);
  const maySystem = (caller: Caller, perm: SystemPermission) => systemPermissions(caller).has(perm);

  function paged<T>(req: SimRequest, items: T[]): SimReply {
    const page = Math.max(1, Number(req.url.searchParams.get("page") ?? 1));
    const size = Math.max(1, Number(req.url.searchParams.get("page_size") ?? 10));
    const slice = items.slice((page - 1) * size, page * size);
    const headers: Record<string, string> = { "x-total-count": String(items.length) };
    if (page * size < items.length) {
      const next = new URL(req.url.toString());
      next.searchParams.set("page", String(page + 1));
      next.searchParams.set("page_size", String(size));
      headers.link = `<${req.rawPath}${next.search}>; rel="next"`;
    }
    return json(200, slice, headers);
  }

  /**
   * The repository path segment, URL-encoded twice when the name contains "/" (the swagger: "a/b ->
   * a%252Fb"). Encoded once, the router sees the decoded "/" as a path separator and no route matches:
   * Harbor answers 404, so undefined here.
   */
  const repoParam = (project: string, raw: string): string | undefined => {
    const once = decodeURIComponent(raw);
    return once.includes("/") ? undefined : `${project}/${decodeURIComponent(once)}`;
  };

  /**
   * A project path parameter: src/server/v2.0/handler/project.go parseProjectNameOrID reads a number
   * as the project id unless X-Is-Resource-Name is true, so a project named "2024" needs the header.
   */
  async function resolveProject(req: SimRequest, raw: string): Promise<string | undefined> {
    const value = decodeURIComponent(raw);
    const names = await projectNames();
    if (/^\d+$/.test(value) && String(req.headers["x-is-resource-name"] ?? "").toLowerCase() !== "true") {
      return names.find((n) => projectIds.get(n) === Number(value));
    }
    return names.includes(value) ? value : undefined;
  }

  async function findImage(repository: string, reference: string): Promise<BackingImage | undefined> {
    return backing.image(repository, reference).catch(() => undefined);
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const path = req.rawPath;
    if (!path.startsWith("/api/v2.0/")) return errors(404, "NOT_FOUND", `no route ${path}`);
    const caller = callerOf(req);
    const p = path.slice("/api/v2.0".length).split("/").slice(1);
    const q = req.url.searchParams;
    const route = p.join("/");
    // go-swagger validates page_size against the swagger's maximum (100) before any handler runs
    // (goharbor/harbor#13765): 422 with a validation failure list
    const pageSize = q.get("page_size");
    if (pageSize !== null && Number(pageSize) > 100) {
      return errors(422, "UNPROCESSABLE_ENTITY", "validation failure list:\npage_size in query should be less than or equal to 100");
    }

    if (req.method === "GET" && route === "projects") {
      // src/controller/project ListProjects via the handler: public projects plus the caller's own; all for admins
      let names = (await projectNames()).filter((n) => seesProject(caller, n, isPublic(n)));
      const name = q.get("name");
      if (name) names = names.filter((n) => n.includes(name));
      return paged(req, await Promise.all(names.map(projectJson)));
    }
    if (p[0] === "projects" && p.length >= 2 && p[2] !== "repositories") {
      const project = await resolveProject(req, p[1]!);
      if (!project) return errors(404, "NOT_FOUND", `project ${p[1]} not found`);
      if (req.method === "GET" && p.length === 2) {
        if (!may(caller, project, "project:read")) return denied(caller);
        return json(200, await projectJson(project));
      }
      if (req.method === "GET" && p[2] === "summary" && p.length === 3) {
        if (!may(caller, project, "project:read")) return denied(caller);
        let used = 0;
        for (const repo of await reposOf(project)) for (const img of await backing.images(repo)) used += img.size;
        const summary: S["ProjectSummary"] = { repo_count: (await reposOf(project)).length, project_admin_count: 1, maintainer_count: 0, developer_count: 0, guest_count: 0, limited_guest_count: 0 };
        // src/server/v2.0/handler/project.go GetProjectSummary: the quota only with quota:read, and
        // getProjectQuotaSummary adds nothing when per-project quotas are off (quotaHidden: one project as
        // such an account would see it)
        if (quotaPerProject && may(caller, project, "quota:read") && !projectOptions.get(project)?.quotaHidden) summary.quota = { hard: { storage: projectOptions.get(project)?.quotaBytes ?? -1 }, used: { storage: used } };
        return json(200, summary);
      }
      if (req.method === "GET" && p[2] === "immutabletagrules" && p.length === 3) {
        // src/server/v2.0/handler/immutable.go: RequireProjectAccess(ActionList, ResourceImmutableTag)
        if (!may(caller, project, "immutable-tag:list")) return denied(caller);
        return paged(req, projectOptions.get(project)?.immutableRules ?? []);
      }
    }
    if (req.method === "GET" && (route === "repositories" || (p[0] === "projects" && p[2] === "repositories" && p.length === 3))) {
      if (p.length === 3) {
        if (!(await projectNames()).includes(p[1]!)) return errors(404, "NOT_FOUND", `project ${p[1]} not found`);
        if (!may(caller, p[1]!, "repository:list")) return denied(caller);
      }
      // src/server/v2.0/handler/repository.go ListAllRepositories: only projects the caller may list
      const repos = (p.length === 3 ? await reposOf(p[1]!) : await backing.repositories()).filter((r) => may(caller, r.split("/")[0]!, "repository:list"));
      const rows: S["Repository"][] = [];
      for (const r of repos) {
        const images = await backing.images(r);
        rows.push({ id: idFor(repositoryIds, r), project_id: idFor(projectIds, r.split("/")[0]!), name: r, description: "", artifact_count: images.length, pull_count: 0, creation_time: created, update_time: images.map((i) => meta.get(i.digest)?.pushTime ?? i.created ?? created).sort().at(-1) ?? created });
      }
      return paged(req, rows);
    }
    if (p[0] === "projects" && p[2] === "repositories" && p[4] === "artifacts") {
      const repository = repoParam(p[1]!, p[3]!);
      if (!repository) return errors(404, "NOT_FOUND", `no route ${path}: repository names containing "/" must be URL-encoded twice`);
      if (!(await projectNames()).includes(p[1]!)) return errors(404, "NOT_FOUND", `project ${p[1]} not found`);
      if (!may(caller, p[1]!, "artifact:read")) return denied(caller);
      if (req.method === "GET" && p.length === 5) {
        const images = await backing.images(repository).catch(() => null);
        if (!images) return errors(404, "NOT_FOUND", `repository ${repository} not found`);
        const sorted = images.sort((a, b) => (meta.get(b.digest)?.pushTime ?? b.created ?? "").localeCompare(meta.get(a.digest)?.pushTime ?? a.created ?? ""));
        return paged(req, await Promise.all(sorted.map((i) => artifactJson(i, q, req))));
      }
      const reference = decodeURIComponent(p[5] ?? "");
      const image = await findImage(repository, reference);
      if (!image) return errors(404, "NOT_FOUND", `artifact ${repository}@${reference} not found`);
      if (req.method === "DELETE" && p.length === 6) {
        // src/server/v2.0/handler/artifact.go DeleteArtifact: RequireProjectAccess(delete, artifact); the
        // artifact controller refuses while one of its tags is immutable (412, ErrPreconditionFailed)
        if (!may(caller, p[1]!, "artifact:delete")) return denied(caller);
        const immutable = image.tags.find((t) => immutableTag(p[1]!, repository, t));
        if (immutable) return errors(412, "PRECONDITION", `the artifact ${repository}@${image.digest} has the immutable tag ${immutable}`);
        await backing.deleteImage(repository, image.digest);
        deletions.push({ kind: "artifact", repository, reference: image.digest, user: caller!.username });
        return { status: 200 };
      }
      if (req.method === "DELETE" && p[6] === "tags" && p.length === 8) {
        // DeleteTag: RequireProjectAccess(delete, tag); the tag must belong to the artifact named
        if (!may(caller, p[1]!, "tag:delete")) return denied(caller);
        const tag = decodeURIComponent(p[7]!);
        if (!image.tags.includes(tag)) return errors(404, "NOT_FOUND", `tag ${tag} not found on artifact ${repository}@${image.digest}`);
        if (immutableTag(p[1]!, repository, tag)) return errors(412, "PRECONDITION", `the tag ${tag} is immutable`);
        await backing.removeTag(repository, tag);
        deletions.push({ kind: "tag", repository, reference: tag, user: caller!.username });
        return { status: 200 };
      }
      if (req.method === "GET" && p.length === 6) return json(200, await artifactJson(image, q, req));
      if (req.method === "GET" && p[6] === "additions" && p[7] === "vulnerabilities" && p.length === 8) {
        const report = meta.get(image.digest)?.report;
        if (!report) return json(200, {});
        return json(200, { [overviewMime(req)]: report });
      }
      if (req.method === "GET" && p[6] === "accessories" && p.length === 7) return paged(req, await accessories(image));
    }
    if (req.method === "GET" && route === "retentions/metadatas") {
      // src/server/v2.0/handler/retention.go Prepare: RequireAuthenticated for every retention call,
      // and no further permission for the metadata: a cheap "am I logged in?" for users and robots
      if (!caller) return denied(caller);
      return json(200, RETENTION_METADATA);
    }
    if (p[0] === "retentions" && p.length >= 2) {
      if (!caller) return denied(caller);
      const id = Number(p[1]);
      const project = [...projectIds.entries()].find(([name, pid]) => pid === id && projectOptions.get(name)?.retention)?.[0];
      const retention = project ? projectOptions.get(project)!.retention! : undefined;
      if (!retention || !project) return errors(404, "NOT_FOUND", `no retention policy ${p[1]}`);
      // src/server/v2.0/handler/retention.go requireAccess: tag-retention read for the policy and the
      // task log, list for executions and tasks
      const readOrList = p.length === 2 || p.length === 6 ? "tag-retention:read" : "tag-retention:list";
      if (!may(caller, project, readOrList)) return denied(caller);
      if (req.method === "GET" && p.length === 2) {
        return json(200, { id, algorithm: "or", rules: retention.rules, trigger: { kind: "Schedule", settings: { cron: "0 0 0 * * *" }, references: {} }, scope: { level: "project", ref: idFor(projectIds, project) } });
      }
      const dry = retention.dryRun;
      const execs = dry ? retentionExecutions(id, dry) : [];
      if (req.method === "GET" && p[2] === "executions" && p.length === 3) return paged(req, execs);
      if (req.method === "GET" && p[2] === "executions" && p[4] === "tasks" && dry && Number(p[3]) === DRY_RUN_EXECUTION_ID) {
        const repos = await reposOf(project);
        if (p.length === 5) {
          return paged(
            req,
            await Promise.all(
              repos.map(async (r, i) => {
                // total / retained count artifacts, as saveRetainNum in src/pkg/retention/job.go does
                const total = (await backing.images(r)).length;
                const removed = (await removedDigests(r, dry.removals)).size;
                return { id: i + 1, execution_id: DRY_RUN_EXECUTION_ID, repository: r.slice(project.length + 1), job_id: `job-${i + 1}`, status: dry.status ?? "Success", status_code: 3, status_revision: 1, start_time: dry.startTime, end_time: dry.startTime, total, retained: total - removed };
              }),
            ),
          );
        }
        if (p.length === 6) {
          const repo = repos[Number(p[5]) - 1];
          if (!repo) return errors(404, "NOT_FOUND", "no such task");
          // job logs are swept after logger_sweeper_duration (src/jobservice/logger/sweeper); core then
          // answers the log request with NOT_FOUND
          if (dry.logExpired) return errors(404, "NOT_FOUND", `log of task ${p[5]} not found`);
          return { status: 200, text: retentionLog(await backing.images(repo), await removedDigests(repo, dry.removals)) };
        }
      }
      if (req.method === "GET" && p[2] === "executions") return errors(404, "NOT_FOUND", "execution not found");
    }
    if (p[0] === "replication") {
      // src/server/v2.0/handler/replication.go: RequireSystemAccess on every endpoint
      const need: SystemPermission = req.method === "POST" ? "replication:create" : p[1] === "policies" ? (p.length === 2 ? "replication-policy:list" : "replication-policy:read") : p.length === 2 ? "replication:list" : "replication:read";
      if (!maySystem(caller, need)) return denied(caller);
      if (req.method === "GET" && route === "replication/policies") return paged(req, policies);
      if (req.method === "GET" && p[1] === "policies" && p.length === 3) {
        const policy = policies.find((x) => x.id === Number(p[2]));
        return policy ? json(200, policy) : errors(404, "NOT_FOUND", "policy not found");
      }
      if (req.method === "GET" && route === "replication/executions") {
        const pid = q.get("policy_id");
        return paged(req, executions.filter((e) => !pid || e.policy_id === Number(pid)).sort((a, b) => b.id - a.id));
      }
      if (req.method === "POST" && route === "replication/executions") {
        let body: { policy_id?: unknown };
        try {
          body = JSON.parse(req.body.toString("utf8")) as { policy_id?: unknown };
        } catch {
          return errors(400, "BAD_REQUEST", "invalid JSON body");
        }
        const policy = policies.find((x) => x.id === body.policy_id);
        if (!policy) return errors(400, "BAD_REQUEST", `policy ${String(body.policy_id)} not found`);
        const id = executions.length + 1;
        executions.push({ id, policy_id: policy.id, status: "InProgress", trigger: "manual", start_time: new Date().toISOString(), status_text: "", total: 0, failed: 0, succeed: 0, in_progress: 0, stopped: 0 });
        startedExecutions.push({ id, policyId: policy.id, user: caller!.username });
        return { status: 201, headers: { location: `/api/v2.0/replication/executions/${id}` } };
      }
      if (req.method === "GET" && p[1] === "executions" && p.length === 3) {
        const e = executions.find((x) => x.id === Number(p[2]));
        return e ? json(200, e) : errors(404, "NOT_FOUND", "execution not found");
      }
      if (req.method === "GET" && p[1] === "executions" && p[3] === "tasks" && p.length === 4) {
        if (!executions.some((x) => x.id === Number(p[2]))) return errors(404, "NOT_FOUND", "execution not found");
        return paged(req, tasks.get(Number(p[2])) ?? []);
      }
    }
    if (req.method === "POST" && route === "system/gc/schedule") {
      // src/server/v2.0/handler/gc.go CreateGCSchedule: RequireSystemAccess(create, garbage-collection);
      // schedule type "Manual" starts a run at once and answers 201 with its location
      if (!maySystem(caller, "gc:create")) return denied(caller);
      let body: { schedule?: { type?: unknown }; parameters?: Record<string, unknown> };
      try {
        body = JSON.parse(req.body.toString("utf8")) as typeof body;
      } catch {
        return errors(400, "BAD_REQUEST", "invalid JSON body");
      }
      if (!["Manual", "Hourly", "Daily", "Weekly", "Custom", "None", "Schedule"].includes(String(body.schedule?.type))) return errors(400, "BAD_REQUEST", `invalid schedule type ${String(body.schedule?.type)}`);
      if (body.schedule?.type !== "Manual") return errors(400, "BAD_REQUEST", "the simulator starts manual runs only");
      if (gcRuns.some((r) => r.status === "Running")) return errors(409, "CONFLICT", "a garbage collection is already running");
      const id = gcRuns.length + 1;
      gcRuns.push({ id, user: caller!.username, parameters: body.parameters ?? {}, status: "Running" });
      return { status: 201, headers: { location: `/api/v2.0/system/gc/${id}` } };
    }
    if (req.method === "GET" && route === "systeminfo/volumes") {
      // src/server/v2.0/handler/systeminfo.go GetVolumes: RequireSystemAccess(read, system-volumes)
      if (!maySystem(caller, "system-volumes:read")) return denied(caller);
      return json(200, { storage: volumes });
    }
    if (req.method === "GET" && route === "systeminfo") return json(200, { harbor_version: options.version ?? "v2.15.2-sim", registry_url: "127.0.0.1", auth_mode: "db_auth", read_only: false });
    return errors(404, "NOT_FOUND", `the simulator does not implement ${req.method} ${path}`);
  }

  /** the digests of the artifacts a dry run removes: retention works on artifacts, a removal names one by any of its tags */
  async function removedDigests(repository: string, removals: Array<{ repository: string; tag: string }>): Promise<Set<string>> {
    const tags = removals.filter((x) => x.repository === repository).map((x) => x.tag);
    return new Set((await backing.images(repository)).filter((img) => img.tags.some((t) => tags.includes(t))).map((img) => img.digest));
  }

  /** newest first: the dry run, then `laterRuns` scheduled real runs after it (src/pkg/retention launcher) */
  function retentionExecutions(policyId: number, dry: NonNullable<RetentionFixture["dryRun"]>) {
    const at = (minutes: number) => new Date(Date.parse(dry.startTime) + minutes * 60_000).toISOString().replace(".000Z", "Z");
    const later = Array.from({ length: dry.laterRuns ?? 0 }, (_, i) => ({ id: DRY_RUN_EXECUTION_ID + 1 + i, policy_id: policyId, start_time: at(60 * (i + 1)), end_time: at(60 * (i + 1) + 1), status: "Success", trigger: "SCHEDULE", dry_run: false }));
    return [...later.reverse(), { id: DRY_RUN_EXECUTION_ID, policy_id: policyId, start_time: dry.startTime, end_time: dry.startTime, status: dry.status ?? "Success", trigger: "MANUAL", dry_run: true }];
  }

  const sim = await startHttpSim({
    name: "harbor",
    handle,
    check: (x) => {
      if (!x.path.startsWith("/api/v2.0/")) return [];
      const result = spec.check({ method: x.method, path: x.path, status: x.status, ...(x.contentType ? { contentType: x.contentType } : {}), body: x.body });
      if (!undocumentedButReal(result.operationId, x.status)) return result.problems;
      // a status the real Harbor sends that its swagger does not list: the body must still be Harbor's error shape
      let body: unknown;
      try {
        body = JSON.parse(x.body.toString("utf8"));
      } catch {
        return [`${x.method} ${x.path} → ${x.status}: error body is not JSON`];
      }
      return [...result.problems.filter((p) => !p.includes("is not documented for this operation")), ...spec.checkSchema("Errors", body)];
    },
    errorReply: (status, message) => errors(status, status === 401 ? "UNAUTHORIZED" : status === 403 ? "FORBIDDEN" : status === 404 ? "NOT_FOUND" : "UNKNOWN", message),
    proxy: { matches: (path) => path === "/v2" || path.startsWith("/v2/"), target: options.registryUrl },
  });

  return {
    ...sim,
    backing,
    startedExecutions,
    deletions,
    gcRuns,
    finishGc() {
      for (const r of gcRuns) r.status = "Success";
    },
    async setArtifact(repository, reference, m) {
      const image = await backing.image(repository, reference);
      if (!image) throw new Error(`harbor sim: ${repository}:${reference} is not in the registry`);
      meta.set(image.digest, { ...meta.get(image.digest), ...m });
      return image.digest;
    },
    async scanCompletedWebhook(repository, reference, o = {}) {
      const image = await backing.image(repository, reference);
      if (!image) throw new Error(`harbor sim: ${repository}:${reference} is not in the registry`);
      const [namespace, ...rest] = repository.split("/");
      return {
        type: "SCANNING_COMPLETED",
        occur_at: o.occurAt ?? Math.floor(Date.parse(meta.get(image.digest)?.report?.generated_at ?? created) / 1000),
        operator: "auto",
        event_data: {
          resources: [{ digest: image.digest, resource_url: `${o.host ?? "harbor.local"}/${repository}@${image.digest}`, scan_overview: overview(meta.get(image.digest), VULNERABILITY_MIME_TYPES[0] ?? NATIVE_REPORT_MIME) }],
          repository: { name: rest.join("/"), namespace, repo_full_name: repository, repo_type: "public" },
        },
      };
    },
    setProject(name, o) {
      idFor(projectIds, name);
      projectOptions.set(name, { ...projectOptions.get(name), ...o });
    },
    addReplicationPolicy(f) {
      const id = policies.length + 1;
      const registry = (name: string, rid: number): S["Registry"] => ({ id: rid, name, url: `https://${name}`, type: "harbor", insecure: false, status: "healthy", credential: { type: "basic", access_key: "robot" }, creation_time: created, update_time: created });
      policies.push({
        id,
        name: f.name,
        description: f.description ?? "",
        ...(f.source ? { src_registry: registry(f.source, 10 + id) } : {}),
        dest_registry: registry(f.destination, 20 + id),
        dest_namespace: f.destNamespace ?? "",
        dest_namespace_replace_count: -1,
        trigger: { type: f.trigger ?? "manual", trigger_settings: { cron: f.cron ?? "" } },
        filters: (f.filters ?? []).map((x) => ({ type: x.type, value: x.value, decoration: "matches" })),
        replicate_deletion: false,
        override: true,
        enabled: f.enabled ?? true,
        creation_time: created,
        update_time: created,
        speed: -1,
        copy_by_chunk: false,
      });
      return id;
    },
    addReplicationExecution(f) {
      const policy = policies.find((x) => x.name === f.policy);
      if (!policy) throw new Error(`harbor sim: no replication policy ${f.policy}`);
      const id = executions.length + 1;
      const list = (f.tasks ?? []).map((t, i) => ({ id: id * 100 + i, execution_id: id, status: t.status, job_id: `job-${id}-${i}`, operation: t.operation ?? "copy", resource_type: "artifact", src_resource: t.src, dst_resource: t.dst, start_time: t.startTime ?? f.startTime, end_time: t.endTime ?? f.endTime ?? f.startTime }));
      tasks.set(id, list);
      const count = (s: string) => list.filter((t) => t.status === s).length;
      executions.push({ id, policy_id: policy.id, status: f.status, trigger: f.trigger ?? "manual", start_time: f.startTime, ...(f.endTime ? { end_time: f.endTime } : {}), status_text: f.statusText ?? "", total: list.length, failed: count("Failed"), succeed: count("Succeed"), in_progress: count("InProgress"), stopped: count("Stopped") });
      return id;
    },
    setVolumes(v) {
      volumes = v;
    },
    addAccount(a) {
      accounts.set(a.username, a);
    },
    setQuotaPerProject(enabled) {
      quotaPerProject = enabled;
    },
    stop: async () => {
      await sim.stop();
      await backing.close();
    },
  };
}

/**
 * The dry-run task log as Harbor's retention job writes it (src/pkg/retention/job.go logResults): one
 * table row per candidate ARTIFACT, its tags joined by commas in the Tag cell (empty when untagged),
 * RETAIN or DEL for the whole artifact; tablewriter with left/right borders and no top/bottom line.
 */
function retentionLog(images: BackingImage[], removed: Set<string>): string {
  const rows = images.map((img) => [img.digest, img.tags.join(","), "image", "", img.created ?? "", "", img.created ?? "", removed.has(img.digest) ? "DEL" : "RETAIN"]);
  const header = ["Digest", "Tag", "Kind", "Labels", "PushedTime", "PulledTime", "CreatedTime", "Retention"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return ["2026-01-01T00:00:00Z [INFO] [/pkg/retention/job.go:NNN]: ", row(header), line, ...rows.map(row), ""].join("\n");
}
