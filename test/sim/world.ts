/**
 * One Dockmaster world on the three simulators, for the service tests and the browser tests:
 *   dev     → Docker Hub simulator, namespace "acme"  (token-auth registry; a Trivy report attached as a referrer)
 *   staging → ECR simulator, repositories "staging/…" (htpasswd registry with AWS:<token>)
 *   prod    → Harbor simulator, project "prod"        (htpasswd registry behind the simulator)
 * The same images are pushed to several environments (same digests), except where drift is wanted:
 * web:1.1 differs in prod, api:v1 differs in staging.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createOciProvider } from "../../lib/registry/oci/provider";
import type { RegistryProvider } from "../../lib/registry/provider";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "../../lib/scan/referrers";
import { buildImage, buildReferrer, type BuiltImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushReferrer } from "../harness/seed";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { startHubSim, type HubSim } from "./dockerhub/server";
import { startEcrSim, type EcrSim } from "./ecr/server";
import { CVES, ecrBasicFindings, ecrEnhancedFindings, HARBOR_IMMUTABLE_1X, HARBOR_RETAIN_LATEST, harborReport } from "./fixtures";
import { startHarborSim, type HarborSim } from "./harbor/server";
import { SPECS_DIR } from "./spec/specs";

export const WORLD_SECRETS = {
  HUB_USER: "acmebot",
  HUB_PAT: "dckr_pat_world_4c1d2e",
  HARBOR_USER: "admin",
  HARBOR_PASSWORD: "Harbor12345",
  ECR_TOKEN: "ecr-world-token-91b2",
  AWS_KEY: "AKIAWORLDEXAMPLE0001",
  AWS_SECRET: "world/secret/key/EXAMPLE0000000000000000",
  AWS_REGION: "eu-west-1",
};

export interface World {
  hub: HubSim;
  ecr: EcrSim;
  harbor: HarborSim;
  /** digests by "<env>/<repo>:<tag>" */
  digests: Record<string, string>;
  /** registry entries for dockmaster.yaml, with ${VAR} secrets */
  configYaml: string;
  /** environment the app needs for those ${VAR}s (and the ECR endpoint) */
  env: Record<string, string>;
  /** the simulators' spec violations so far */
  violations(): string[];
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const s = WORLD_SECRETS;
  const started: Array<{ stop(): Promise<void> }> = [];
  const keep = <T extends { stop(): Promise<void> }>(x: T): T => (started.push(x), x);
  try {
    const tokens: RunningTokenServer = keep(await startTokenServer({ users: [{ username: s.HUB_USER, password: s.HUB_PAT }], anonymousPull: true }));
    const hubRegistry: RunningRegistry = keep(await startRegistry({ auth: "token", token: tokens.config }));
    const ecrRegistry = keep(await startRegistry({ auth: "htpasswd", users: [{ username: "AWS", password: s.ECR_TOKEN }] }));
    const harborRegistry = keep(await startRegistry({ auth: "htpasswd", users: [{ username: s.HARBOR_USER, password: s.HARBOR_PASSWORD }] }));
    const hub = keep(await startHubSim({ registryUrl: hubRegistry.url, users: [{ username: s.HUB_USER, password: s.HUB_PAT }], tokenRealm: tokens.realm }));
    const ecr = keep(await startEcrSim({ registryUrl: ecrRegistry.url, registryPassword: s.ECR_TOKEN, accessKeyId: s.AWS_KEY, secretAccessKey: s.AWS_SECRET, region: s.AWS_REGION }));
    const harbor = keep(await startHarborSim({ registryUrl: harborRegistry.url, users: [{ username: s.HARBOR_USER, password: s.HARBOR_PASSWORD }] }));

    const pushers: Record<string, RegistryProvider> = {
      dev: createOciProvider({ name: "dev", url: hub.url, auth: { kind: "basic", username: s.HUB_USER, password: s.HUB_PAT }, tokenRealms: [tokens.realm] }),
      staging: createOciProvider({ name: "staging", url: ecrRegistry.url, auth: { kind: "basic", username: "AWS", password: s.ECR_TOKEN } }),
      prod: createOciProvider({ name: "prod", url: harbor.url, auth: { kind: "basic", username: s.HARBOR_USER, password: s.HARBOR_PASSWORD } }),
    };
    const ns: Record<string, string> = { dev: "acme", staging: "staging", prod: "prod" };
    const digests: Record<string, string> = {};
    const push = async (env: string, repo: string, tag: string, image: BuiltImage) => {
      digests[`${env}/${repo}:${tag}`] = await pushImage(pushers[env]!, `${ns[env]}/${repo}`, image, tag);
    };

    const web10 = buildImage({ layerCount: 1, created: "2025-12-01T00:00:00Z", labels: { "org.opencontainers.image.title": "web", "org.opencontainers.image.version": "1.0" } });
    const web11 = buildImage({ layerCount: 2, created: "2026-01-10T00:00:00Z", labels: { "org.opencontainers.image.title": "web", "org.opencontainers.image.version": "1.1" } });
    const web11rebuilt = buildImage({ layerCount: 2, created: "2026-01-11T00:00:00Z", labels: { "org.opencontainers.image.title": "web", "org.opencontainers.image.version": "1.1" } });
    const web20 = buildImage({ layerCount: 1, created: "2026-02-01T00:00:00Z" });
    const apiV1 = buildImage({ layerCount: 1, created: "2026-01-05T00:00:00Z" });
    const apiV1other = buildImage({ layerCount: 1, created: "2026-01-06T00:00:00Z" });

    for (const env of ["dev", "staging", "prod"]) await push(env, "web", "1.0", web10);
    await push("dev", "web", "1.1", web11);
    await push("staging", "web", "1.1", web11);
    await push("prod", "web", "1.1", web11rebuilt);
    await push("dev", "web", "2.0", web20);
    await push("dev", "api", "v1", apiV1);
    await push("staging", "api", "v1", apiV1other);

    // dev (Hub) has no scanner: its report is a Trivy JSON attached to the image as a referrer
    const trivy = readFileSync(path.join(SPECS_DIR, "trivy-v0.74.0-alpine-39-high-critical.json"));
    await pushReferrer(pushers.dev!, "acme/web", buildReferrer(web20.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payloadMediaType: "application/json", payload: trivy, annotations: { "org.opencontainers.image.created": "2026-02-01T06:00:00Z" } }));
    await Promise.all(Object.values(pushers).map((p) => p.close()));

    hub.setRepository("acme/web", { description: "Acme web front end", pullCount: 4321, lastUpdated: "2026-02-01T00:00:00.000000Z", immutableTagRules: ["1\\.0"] });
    hub.setRepository("acme/api", { description: "Acme API", pullCount: 77 });
    hub.setTag("acme/web", "1.0", { lastPushed: "2025-12-01T00:00:00.000000Z", lastPulled: "2026-02-03T08:00:00.000000Z" });
    hub.setRateLimit(100, 87);

    ecr.setRepository("staging/web", {
      mutability: "IMMUTABLE",
      scanOnPush: true,
      lifecycle: { policyText: JSON.stringify({ rules: [{ rulePriority: 1, description: "keep the last release", selection: { tagStatus: "tagged", tagPrefixList: ["1."], countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }] }), preview: [{ tag: "1.0", priority: 1 }] },
    });
    await ecr.setImage("staging/web", "1.1", { pushedAt: "2026-01-12T09:00:00Z", lastPulledAt: "2026-02-02T10:00:00Z", scan: { basic: ecrBasicFindings([CVES.musl, CVES.openssl]) }, replication: [{ region: "eu-central-1", registryId: "123456789012", status: "COMPLETE" }, { region: "us-east-1", registryId: "123456789012", status: "FAILED", failureCode: "REPLICATION_FAILED" }] });
    await ecr.setImage("staging/api", "v1", { scan: { enhanced: ecrEnhancedFindings([CVES.zlib, CVES.bash], { repository: "staging/api", digest: digests["staging/api:v1"]! }) } });
    ecr.setReplicationRules([{ destinations: [{ region: "eu-central-1", registryId: "123456789012" }, { region: "us-east-1", registryId: "123456789012" }], prefixes: ["staging/"] }]);

    harbor.setProject("prod", {
      quotaBytes: 2 * 1024 ** 3,
      immutableRules: [HARBOR_IMMUTABLE_1X],
      retention: {
        rules: [HARBOR_RETAIN_LATEST],
        dryRun: { startTime: "2026-02-02T03:00:00Z", removals: [{ repository: "prod/web", tag: "1.0" }] },
      },
    });
    await harbor.setArtifact("prod/web", "1.1", { pushTime: "2026-01-11T12:00:00Z", pullTime: "2026-02-03T07:00:00Z", labels: [{ name: "release" }], report: harborReport([CVES.musl, CVES.bash, CVES.openssl]) });
    await harbor.setArtifact("prod/web", "1.0", { pushTime: "2025-12-02T12:00:00Z", report: harborReport([CVES.zlib]) });
    harbor.addReplicationPolicy({ name: "prod-to-dr", destination: "harbor-dr.example.com", destNamespace: "prod", trigger: "scheduled", cron: "0 0 2 * * *", filters: [{ type: "name", value: "prod/**" }] });
    harbor.addReplicationExecution({
      policy: "prod-to-dr",
      status: "Failed",
      trigger: "scheduled",
      startTime: "2026-02-01T02:00:00Z",
      endTime: "2026-02-01T02:04:00Z",
      statusText: "1 of 2 tasks failed",
      tasks: [
        { status: "Succeed", src: "prod/web:1.0", dst: "prod/web:1.0" },
        { status: "Failed", src: "prod/web:1.1", dst: "prod/web:1.1" },
      ],
    });

    const configYaml = `registries:
  - name: hub
    kind: dockerhub
    url: ${hub.url}
    tokenRealms: [${tokens.realm}]
    credentials:
      username: ${s.HUB_USER}
      token: \${WORLD_HUB_PAT}
  - name: ecr
    kind: ecr
    url: ${ecrRegistry.url}
    region: ${s.AWS_REGION}
    credentials:
      accessKeyId: \${WORLD_AWS_KEY}
      secretAccessKey: \${WORLD_AWS_SECRET}
  - name: harbor
    kind: harbor
    url: ${harbor.url}
    credentials:
      username: ${s.HARBOR_USER}
      password: \${WORLD_HARBOR_PASSWORD}
environments:
  - { name: dev, order: 1, registry: hub, namespace: acme }
  - { name: staging, order: 2, registry: ecr, namespace: staging }
  - { name: prod, order: 3, registry: harbor, namespace: prod, protected: true }
`;
    const env = {
      WORLD_HUB_PAT: s.HUB_PAT,
      WORLD_AWS_KEY: s.AWS_KEY,
      WORLD_AWS_SECRET: s.AWS_SECRET,
      WORLD_HARBOR_PASSWORD: s.HARBOR_PASSWORD,
      // the AWS SDK's own setting for a service endpoint: the ECR API is the simulator
      AWS_ENDPOINT_URL_ECR: ecr.url,
    };
    return {
      hub,
      ecr,
      harbor,
      digests,
      configYaml,
      env,
      violations: () => [...hub.violations(), ...ecr.violations(), ...harbor.violations()],
      stop: async () => {
        for (const x of started.reverse()) await x.stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const x of started.reverse()) await x.stop().catch(() => undefined);
    throw err;
  }
}
