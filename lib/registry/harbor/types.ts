/** Short names for the generated Harbor API types (see generated/, `npm run gen:harbor`). */
import type { components } from "./generated/harbor-v2";

type S = components["schemas"];
export type HarborProject = S["Project"];
export type HarborProjectSummary = S["ProjectSummary"];
export type HarborRepository = S["Repository"];
export type HarborArtifact = S["Artifact"];
export type HarborNativeReportSummary = S["NativeReportSummary"];
export type HarborReplicationPolicy = S["ReplicationPolicy"];
export type HarborReplicationExecution = S["ReplicationExecution"];
export type HarborReplicationTask = S["ReplicationTask"];
export type HarborRetentionPolicy = S["RetentionPolicy"];
export type HarborRetentionRule = S["RetentionRule"];
export type HarborRetentionExecution = S["RetentionExecution"];
export type HarborRetentionTask = S["RetentionExecutionTask"];
export type HarborImmutableRule = S["ImmutableRule"];
export type HarborSystemInfo = S["SystemInfo"];
