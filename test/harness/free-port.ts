import net from "node:net";

/**
 * A port that was free a moment ago (bind to 0, read, release). Another process can grab it in
 * between, so callers that spawn servers on it retry with a new port when the bind fails.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
