import { ECRClient } from "@aws-sdk/client-ecr";
import { RegistryError } from "../errors";
import type { RegistryConnection } from "../provider";

export interface EcrClientOptions {
  /** SDK attempts per call including the first (standard retry mode: throttling and 5xx) */
  maxAttempts?: number;
}

/** The AWS SDK client for the registry's account and region; an endpoint override serves VPC endpoints and tests. */
export function createEcrApiClient(conn: RegistryConnection, options: EcrClientOptions = {}): ECRClient {
  const aws = conn.aws;
  if (!aws?.region) {
    throw new RegistryError({ kind: "unsupported", registry: conn.name, message: `ECR registry "${conn.name}" has no AWS region configured (set region: in dockmaster.yaml)` });
  }
  const timeout = conn.timeoutMs ?? 30_000;
  return new ECRClient({
    region: aws.region,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(aws.accessKeyId && aws.secretAccessKey
      ? { credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey, ...(aws.sessionToken ? { sessionToken: aws.sessionToken } : {}) } }
      : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: Math.min(timeout, 10_000), requestTimeout: timeout },
  });
}
