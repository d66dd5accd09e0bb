import { expect } from "chai";
import { listen } from "../../../src/server/listen.js";

describe("listen", () => {
  it("reports what it binds (every interface for 0.0.0.0), and a loopback URL that reaches it", async () => {
    const all = await listen((_req, res) => res.end("ok"), { host: "0.0.0.0" });
    const loopback = await listen((_req, res) => res.end("ok"), { host: "127.0.0.1" });
    try {
      expect(all.bound).to.equal(`0.0.0.0:${all.port}`);
      expect(all.url).to.equal(`http://127.0.0.1:${all.port}`);
      expect(await (await fetch(all.url)).text()).to.equal("ok");
      expect(loopback.bound).to.equal(`127.0.0.1:${loopback.port}`);
    } finally {
      await Promise.all([all.close(), loopback.close()]);
    }
  });
});
