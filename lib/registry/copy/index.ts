export { canMount, planCopy, type BlobAction, type CopyPlan, type PlannedBlob, type PlannedManifest, type PlanOptions } from "./plan";
export { executeCopy, verifyCopy, type CopyProgress, type CopyResult, type ExecuteOptions } from "./execute";
