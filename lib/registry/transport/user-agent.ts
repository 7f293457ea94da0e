import type { Step } from "./types";

const DEFAULT_USER_AGENT = "dockmaster/0.1";

export function userAgentStep(userAgent: string = DEFAULT_USER_AGENT): Step {
  return (next) => (req) => next({ ...req, headers: { "user-agent": userAgent, ...req.headers } });
}
