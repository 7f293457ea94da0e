/**
 * `GET /v2/` through the full stack: proves the registry is there, speaks the v2 API and accepts our
 * credentials (for bearer registries this includes a token exchange).
 */
import type { PingResult } from "../provider";
import { parseAuthChallenges, pickChallenge } from "../transport/auth-challenge";
import type { OciClient } from "./client";
import { discard, header, headerValues } from "../transport/types";

export async function ping(client: OciClient): Promise<PingResult> {
  const started = performance.now();
  const res = await client.sendPlain({ method: "GET", url: new URL("/v2/", client.registryUrl), expect: [200, 401] });
  await discard(res);
  const challenge = res.status === 401 ? pickChallenge(parseAuthChallenges(headerValues(res, "www-authenticate"))) : undefined;
  const authScheme = challenge?.scheme === "bearer" ? "bearer" : challenge?.scheme === "basic" ? "basic" : "none";
  // this GET is the one the auth step would send to discover the challenge: tell it the answer
  client.challenges.learn(challenge ?? null);

  if (res.status === 401) {
    const authed = await client.send({ method: "GET", url: new URL("/v2/", client.registryUrl), expect: [200], what: "API root" });
    await discard(authed);
  }
  const apiVersion = header(res, "docker-distribution-api-version");
  return {
    latencyMs: Math.round(performance.now() - started),
    authScheme,
    ...(apiVersion ? { apiVersion } : {}),
  };
}
