export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

export function withAuthorization<T extends { headers?: Record<string, string> }>(req: T, value: string): T {
  return { ...req, headers: { ...req.headers, authorization: value } };
}
