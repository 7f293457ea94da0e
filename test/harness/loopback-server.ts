import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface LoopbackListener {
  url: string;
  host: string;
  port: number;
  /** closes the server, cutting any keep-alive or half-finished connection instead of waiting for it */
  close(): Promise<void>;
}

/** Listens on a free 127.0.0.1 port and remembers every connection, so a test server stops at once. */
export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
