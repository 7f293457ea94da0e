import http from "node:http";
import { listenOnLoopback } from "../harness/loopback-server";

/** A loopback HTTP endpoint that records the JSON bodies posted to it and answers a chosen status. */
export async function startWebhookReceiver() {
  const bodies: unknown[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (status < 300) bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  const listener = await listenOnLoopback(server);
  return {
    url: `${listener.url}/hook`,
    bodies,
    answer(s: number) {
      status = s;
    },
    stop: () => listener.close(),
  };
}
