// The endpoint KEDA's metrics-api scaler reads: 503 before the first decision, then the decision as JSON.
import { afterEach, describe, expect, it } from "vitest";
import { type DesiredCount, type DesiredCountServer, serveDesiredCount } from "./serve-desired-count.js";

describe("serveDesiredCount", () => {
  let server: DesiredCountServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("answers GET /desired with the latest decision", async () => {
    let current: DesiredCount | undefined;
    server = await serveDesiredCount(() => current, 0, "127.0.0.1");
    expect((await fetch(server.url)).status).toBe(503);
    current = { region: "eu", desiredWorkers: 3, currentWorkers: 2, lag: 4200, reason: "demand" };
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(((await res.json()) as DesiredCount).desiredWorkers).toBe(3);
    expect((await fetch(server.url.replace("/desired", "/other"))).status).toBe(404);
  });
});
