/**
 * A Harbor v2.0 simulator on loopback: the REST API under /api/v2.0 for the operations Dockmaster
 * uses, answered from state held here plus the content of a real docker-registry, which also serves
 * /v2/ through this server (as Harbor's core does). Every API response is checked against Harbor's
 * swagger (harborSpec); the vulnerability report body against the scanner adapter spec.
 *
 * Covered: projects (+ summary with quota), repositories, artifacts (tags with immutable status,
 * labels, push/pull time, scan overview, accessories), vulnerability additions, replication
 * policies / executions / tasks and starting one, retention policy + dry-run executions with their
 * task logs, immutable tag rules, system volumes.
 */
import type { components } from "../../../lib/registry/harbor/generated/harbor-v2";
import type { components as scanner } from "../../../lib/registry/harbor/generated/scanner-v1.1";
import type { RegistryUser } from "../../harness/registry";
import { openBacking, type Backing, type BackingImage } from "../backing";
import { basicCredentials, startHttpSim, type RunningSim, type SimReply, type SimRequest } from "../http-sim";
import { harborSpec, VULNERABILITY_MIME_TYPES } from "../spec/specs";
import { globMatch } from "../glob";

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
  /** the latest dry run: which repository:tag it would delete */
  dryRun?: { startTime: string; removals: Array<{ repository: string; tag: string }> };
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
  setProject(name: string, options: { public?: boolean; quotaBytes?: number; quotaHidden?: boolean; retention?: RetentionFixture; immutableRules?: S["ImmutableRule"][] }): void;
  addReplicationPolicy(p: ReplicationPolicyFixture): number;
  addReplicationExecution(e: ReplicationExecutionFixture): number;
  /** what POST /replication/executions started, in order */
  startedExecutions: Array<{ id: number; policyId: number; user: string }>;
  setVolumes(volumes: Array<{ total: number; free: number }>): void;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimReply => ({ status, json: body, headers });
const errors = (status: number, code: string, message: string): SimReply => json(status, { errors: [{ code, message }] });

export async function startHarborSim(options: { registryUrl: string; users: RegistryUser[]; version?: string }): Promise<HarborSim> {
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

  function overview(m: ArtifactMeta | undefined): S["ScanOverview"] | undefined {
    if (!m?.report && !m?.scanStatus) return undefined;
    const vulns = m.report?.vulnerabilities ?? [];
    const counts: Record<string, number> = {};
    for (const v of vulns) counts[v.severity ?? "Unknown"] = (counts[v.severity ?? "Unknown"] ?? 0) + 1;
    const generated = m.report?.generated_at ?? created;
    return {
      [VULNERABILITY_MIME_TYPES[0]]: {
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

  async function artifactJson(image: BackingImage, q: URLSearchParams): Promise<S["Artifact"]> {
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
      const o = overview(m);
      if (o) out.scan_overview = o;
    }
    if (flag("with_accessory")) out.accessories = await accessories(image);
    return out;
  }

  const authorized = (req: SimRequest) => {
    const c = basicCredentials(req);
    return !!c && options.users.some((u) => u.username === c.username && u.password === c.password) ? c.username : undefined;
  };

  function paged<T>(req: SimRequest, items: T[]): SimReply {
    const page = Math.max(1, Number(req.url.searchParams.get("page") ?? 1));
    const size = Math.min(100, Math.max(1, Number(req.url.searchParams.get("page_size") ?? 10)));
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

  /** repository path segment: Harbor wants it URL-encoded twice when it contains "/" */
  const repoParam = (project: string, raw: string) => `${project}/${decodeURIComponent(decodeURIComponent(raw))}`;

  async function findImage(repository: string, reference: string): Promise<BackingImage | undefined> {
    return backing.image(repository, reference).catch(() => undefined);
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const path = req.rawPath;
    if (!path.startsWith("/api/v2.0/")) return errors(404, "NOT_FOUND", `no route ${path}`);
    const user = authorized(req);
    if (!user) return errors(401, "UNAUTHORIZED", "unauthorized");
    const p = path.slice("/api/v2.0".length).split("/").slice(1);
    const q = req.url.searchParams;
    const route = p.join("/");

    if (req.method === "GET" && route === "projects") {
      let names = await projectNames();
      const name = q.get("name");
      if (name) names = names.filter((n) => n.includes(name));
      return paged(req, await Promise.all(names.map(projectJson)));
    }
    if (req.method === "GET" && p[0] === "projects" && p.length === 2) {
      if (!(await projectNames()).includes(p[1]!)) return errors(404, "NOT_FOUND", `project ${p[1]} not found`);
      return json(200, await projectJson(p[1]!));
    }
    if (req.method === "GET" && p[0] === "projects" && p[2] === "summary" && p.length === 3) {
      const name = p[1]!;
      if (!(await projectNames()).includes(name)) return errors(404, "NOT_FOUND", `project ${name} not found`);
      let used = 0;
      for (const repo of await reposOf(name)) for (const img of await backing.images(repo)) used += img.size;
      // Harbor leaves the quota out for an account that may not read it (quotaHidden)
      const quota = projectOptions.get(name)?.quotaHidden ? {} : { quota: { hard: { storage: projectOptions.get(name)?.quotaBytes ?? -1 }, used: { storage: used } } };
      return json(200, { repo_count: (await reposOf(name)).length, project_admin_count: 1, maintainer_count: 0, developer_count: 0, guest_count: 0, limited_guest_count: 0, ...quota });
    }
    if (req.method === "GET" && (route === "repositories" || (p[0] === "projects" && p[2] === "repositories" && p.length === 3))) {
      const repos = p.length === 3 ? await reposOf(p[1]!) : await backing.repositories();
      if (p.length === 3 && !(await projectNames()).includes(p[1]!)) return errors(404, "NOT_FOUND", `project ${p[1]} not found`);
      const rows: S["Repository"][] = [];
      for (const r of repos) {
        const images = await backing.images(r);
        rows.push({ id: idFor(repositoryIds, r), project_id: idFor(projectIds, r.split("/")[0]!), name: r, description: "", artifact_count: images.length, pull_count: 0, creation_time: created, update_time: images.map((i) => meta.get(i.digest)?.pushTime ?? i.created ?? created).sort().at(-1) ?? created });
      }
      return paged(req, rows);
    }
    if (p[0] === "projects" && p[2] === "repositories" && p[4] === "artifacts") {
      const repository = repoParam(p[1]!, p[3]!);
      if (req.method === "GET" && p.length === 5) {
        const images = await backing.images(repository).catch(() => null);
        if (!images) return errors(404, "NOT_FOUND", `repository ${repository} not found`);
        const sorted = images.sort((a, b) => (meta.get(b.digest)?.pushTime ?? b.created ?? "").localeCompare(meta.get(a.digest)?.pushTime ?? a.created ?? ""));
        return paged(req, await Promise.all(sorted.map((i) => artifactJson(i, q))));
      }
      const reference = decodeURIComponent(p[5] ?? "");
      const image = await findImage(repository, reference);
      if (!image) return errors(404, "NOT_FOUND", `artifact ${repository}@${reference} not found`);
      if (req.method === "GET" && p.length === 6) return json(200, await artifactJson(image, q));
      if (req.method === "GET" && p[6] === "additions" && p[7] === "vulnerabilities" && p.length === 8) {
        const report = meta.get(image.digest)?.report;
        if (!report) return json(200, {});
        const accepted = String(req.headers["x-accept-vulnerabilities"] ?? VULNERABILITY_MIME_TYPES.join(", "));
        const mime = VULNERABILITY_MIME_TYPES.find((m) => accepted.includes(m)) ?? VULNERABILITY_MIME_TYPES[0];
        return json(200, { [mime]: report });
      }
      if (req.method === "GET" && p[6] === "accessories" && p.length === 7) return paged(req, await accessories(image));
    }
    if (req.method === "GET" && p[0] === "projects" && p[2] === "immutabletagrules" && p.length === 3) {
      return paged(req, projectOptions.get(p[1]!)?.immutableRules ?? []);
    }
    if (p[0] === "retentions" && p.length >= 2) {
      const id = Number(p[1]);
      const project = [...projectIds.entries()].find(([name, pid]) => pid === id && projectOptions.get(name)?.retention)?.[0];
      const retention = project ? projectOptions.get(project)!.retention! : undefined;
      if (!retention || !project) return errors(403, "FORBIDDEN", `no retention policy ${p[1]}`);
      if (req.method === "GET" && p.length === 2) {
        return json(200, { id, algorithm: "or", rules: retention.rules, trigger: { kind: "Schedule", settings: { cron: "0 0 0 * * *" }, references: {} }, scope: { level: "project", ref: idFor(projectIds, project) } });
      }
      const dry = retention.dryRun;
      if (req.method === "GET" && p[2] === "executions" && p.length === 3) {
        return paged(req, dry ? [{ id: 1, policy_id: id, start_time: dry.startTime, end_time: dry.startTime, status: "Succeed", trigger: "MANUAL", dry_run: true }] : []);
      }
      if (req.method === "GET" && p[2] === "executions" && p[3] === "1" && p[4] === "tasks" && dry) {
        const repos = await reposOf(project);
        if (p.length === 5) {
          return paged(
            req,
            await Promise.all(
              repos.map(async (r, i) => {
                const total = (await backing.images(r)).reduce((n, img) => n + img.tags.length, 0);
                const removed = dry.removals.filter((x) => x.repository === r).length;
                return { id: i + 1, execution_id: 1, repository: r.slice(project.length + 1), job_id: `job-${i + 1}`, status: "Success", status_code: 3, status_revision: 1, start_time: dry.startTime, end_time: dry.startTime, total, retained: total - removed };
              }),
            ),
          );
        }
        if (p.length === 6) {
          const repo = repos[Number(p[5]) - 1];
          if (!repo) return errors(404, "NOT_FOUND", "no such task");
          return { status: 200, text: retentionLog(await backing.images(repo), dry.removals.filter((x) => x.repository === repo).map((x) => x.tag)) };
        }
      }
    }
    if (p[0] === "replication") {
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
        startedExecutions.push({ id, policyId: policy.id, user });
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
    if (req.method === "GET" && route === "systeminfo/volumes") return json(200, { storage: volumes });
    if (req.method === "GET" && route === "systeminfo") return json(200, { harbor_version: options.version ?? "v2.15.2-sim", registry_url: "127.0.0.1", auth_mode: "db_auth", read_only: false });
    return errors(404, "NOT_FOUND", `the simulator does not implement ${req.method} ${path}`);
  }

  const sim = await startHttpSim({
    name: "harbor",
    handle,
    check: (x) => (x.path.startsWith("/api/v2.0/") ? spec.check({ method: x.method, path: x.path, status: x.status, ...(x.contentType ? { contentType: x.contentType } : {}), body: x.body }).problems : []),
    errorReply: (status, message) => errors(status, status === 401 ? "UNAUTHORIZED" : status === 403 ? "FORBIDDEN" : status === 404 ? "NOT_FOUND" : "UNKNOWN", message),
    proxy: { matches: (path) => path === "/v2" || path.startsWith("/v2/"), target: options.registryUrl },
  });

  return {
    ...sim,
    backing,
    startedExecutions,
    async setArtifact(repository, reference, m) {
      const image = await backing.image(repository, reference);
      if (!image) throw new Error(`harbor sim: ${repository}:${reference} is not in the registry`);
      meta.set(image.digest, { ...meta.get(image.digest), ...m });
      return image.digest;
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
    stop: async () => {
      await sim.stop();
      await backing.close();
    },
  };
}

/** The dry-run task log as Harbor's retention job writes it: one table row per tag, RETAIN or DEL. */
function retentionLog(images: BackingImage[], removedTags: string[]): string {
  const rows = images.flatMap((img) => img.tags.map((t) => [img.digest, t, "image", "", img.created ?? "", "", img.created ?? "", removedTags.includes(t) ? "DEL" : "RETAIN"]));
  const header = ["Digest", "Tag", "Kind", "Labels", "PushedTime", "PulledTime", "CreatedTime", "Retention"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return ["2026-01-01T00:00:00Z [INFO] [/pkg/retention/job.go:NNN]: ", line, row(header), line, ...rows.map(row), line, ""].join("\n");
}
