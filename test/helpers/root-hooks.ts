// Mocha root hooks: no test reaches the network; loopback (the sandbox and servers under test) is allowed.
import nock from "nock";

export const mochaHooks = {
  beforeAll() {
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));
  },
  afterEach() {
    nock.cleanAll();
  },
};
