// Production server: Next's request handler behind a plain node:http server, so that the
// client address Dockmaster rate-limits and audits is the socket's, not a header a client chose.
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";
const trustProxy = process.env.DOCKMASTER_TRUST_PROXY === "1";
process.env.NEXTAUTH_URL ??= `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`;

const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  // Behind a trusted reverse proxy its X-Forwarded-For is kept; otherwise the socket address wins.
  if (!trustProxy || !req.headers["x-forwarded-for"]) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`[dockmaster] ready on ${process.env.NEXTAUTH_URL}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
