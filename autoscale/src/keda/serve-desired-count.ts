// The desired worker count over HTTP for KEDA's metrics-api scaler: GET /desired answers
// {"region": ..., "desiredWorkers": n, "currentWorkers": n, "lag": n, "reason": ...}. A ScaledObject reads it with
// valueLocation "desiredWorkers" and targetValue "1" (AverageValue), so the HPA runs exactly n replicas.
// GET /healthz answers ok; anything else is 404.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface DesiredCount {
  readonly region: string;
  readonly desiredWorkers: number;
  readonly currentWorkers: number;
  readonly lag: number;
  readonly reason: string;
}

export interface DesiredCountServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function serveDesiredCount(
  read: () => DesiredCount | undefined,
  port: number,
  host = "0.0.0.0",
): Promise<DesiredCountServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/desired") {
      const body = read();
      if (body === undefined) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(`${JSON.stringify({ error: "no decision yet" })}\n`);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`${JSON.stringify(body)}\n`);
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found: GET /desired\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${bound}/desired`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
