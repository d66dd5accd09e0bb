import { expect } from "chai";
import type { FourMeSimulator } from "../../../../src/sandbox/fourme/index.js";
import { clientFor, SMALL_SEED, withSim, type Client } from "./helpers.js";

const CREATE = `mutation($input: RequestCreateInput!) {
  requestCreate(input: $input) { errors { path message } request { id requestId status category impact team { name } requestedFor { id } configurationItems(first: 5) { nodes { id } } notes(first: 5) { nodes { text internal person { id } } } } }
}`;
const UPDATE = `mutation($input: RequestUpdateInput!) { requestUpdate(input: $input) { errors { path message } request { id status } } }`;

describe("4me simulator requests and notes", () => {
  let sim: FourMeSimulator;
  let acme: Client;
  let ids: { jane: string; ci: string; removedCi: string; si: string };

  before(async () => {
    sim = await withSim();
    const seeded = sim.seedAccount("acme", {
      ...SMALL_SEED,
      cis: [
        { name: "LAPTOP-1", serialNr: "S1", brand: "Dell", model: "Latitude 7440", status: "in_production" },
        { name: "LAPTOP-GONE", serialNr: "S2", brand: "Dell", model: "Latitude 7440", status: "removed" },
      ],
    });
    ids = {
      jane: seeded.personIds[0],
      ci: seeded.ciIds[0],
      removedCi: seeded.ciIds[1],
      si: seeded.serviceInstanceIds.Laptops,
    };
    acme = await clientFor(sim, "acme");
  });
  after(() => sim.close());

  it("refuses a service instance, team or request template given by name or unknown id, as 4me does", async () => {
    const base = { subject: "x", category: "incident", requestedForId: ids.jane };
    for (const [key, value] of [
      ["serviceInstanceId", "Laptops"],
      ["teamId", "Service Desk"],
      ["templateId", "NG1lLmNvbS9SZXF1ZXN0VGVtcGxhdGUvOTk"],
    ] as const) {
      const p = (await acme.data(CREATE, { input: { ...base, [key]: value } })).requestCreate;
      expect(p.request, key).to.equal(null);
      expect(p.errors.map((e: { path: string[] }) => e.path.join("."))).to.deep.equal([key]);
    }
  });

  it("creates a request with a CI, a note, and the team of its service instance", async () => {
    const input = {
      subject: "LAPTOP-1 is noncompliant",
      category: "incident",
      impact: "low",
      requestedForId: ids.jane,
      configurationItemIds: [ids.ci],
      serviceInstanceId: ids.si,
      note: "Firewall off",
      source: "Intune",
      sourceID: "dev-1",
    };
    const p = (await acme.data(CREATE, { input })).requestCreate;
    expect(p.errors).to.equal(null);
    expect(p.request).to.deep.include({
      status: "assigned",
      category: "incident",
      impact: "low",
      team: { name: "Workplace Support" },
      requestedFor: { id: ids.jane },
    });
    expect(p.request.requestId).to.match(/^\d+$/);
    expect(p.request.notes.nodes).to.have.length(1);
    expect(p.request.notes.nodes[0]).to.deep.include({ text: "Firewall off", internal: false });
  });

  it("refuses to link a CI whose status is removed", async () => {
    const p = (await acme.data(CREATE, { input: { subject: "x", configurationItemIds: [ids.removedCi] } }))
      .requestCreate;
    expect(p.errors).to.deep.equal([
      {
        path: ["configurationItemIds"],
        message: "Configuration item 'LAPTOP-GONE' has the status Removed and cannot be linked to a request",
      },
    ]);
    expect(p.request).to.equal(null);
  });

  it("requires a subject and a completion reason to complete", async () => {
    expect((await acme.data(CREATE, { input: { category: "incident" } })).requestCreate.errors[0].path).to.deep.equal([
      "subject",
    ]);
    const id = (await acme.data(CREATE, { input: { subject: "to complete" } })).requestCreate.request.id;
    const noReason = (await acme.data(UPDATE, { input: { id, status: "completed" } })).requestUpdate;
    expect(noReason.errors).to.deep.equal([
      { path: ["completionReason"], message: "Completion reason can't be blank" },
    ]);
    const done = (
      await acme.data(UPDATE, {
        input: { id, status: "completed", completionReason: "solved", note: "Compliant again" },
      })
    ).requestUpdate;
    expect(done.request.status).to.equal("completed");
  });

  it("adds notes with noteCreate and finds requests by source, sourceID, status and number", async () => {
    const created = (await acme.data(CREATE, { input: { subject: "dedup", source: "Intune", sourceID: "dev-9" } }))
      .requestCreate.request;
    const note = await acme.data(
      `mutation($input: NoteCreateInput!) { noteCreate(input: $input) { errors { message } note { id text internal } } }`,
      {
        input: { ownerId: created.id, text: "Still failing", internal: true },
      },
    );
    expect(note.noteCreate.note).to.deep.include({ text: "Still failing", internal: true });
    const open = `{ requests(first: 10, filter: { source: { values: ["Intune"] }, sourceID: { values: ["dev-9"] }, status: { values: [completed, declined], negate: true } }) { nodes { id notes(first: 10) { nodes { text } } } } }`;
    expect((await acme.data(open)).requests.nodes).to.deep.equal([
      { id: created.id, notes: { nodes: [{ text: "Still failing" }] } },
    ]);
    const byNumber = await acme.data(
      `query($n: String) { requests(first: 1, filter: { requestId: { values: [$n] } }) { nodes { id } } }`,
      { n: created.requestId },
    );
    expect(byNumber.requests.nodes[0].id).to.equal(created.id);
    const badOwner = await acme.data(
      `mutation { noteCreate(input: { ownerId: "x", text: "t" }) { errors { path } note { id } } }`,
    );
    expect(badOwner.noteCreate.errors[0].path).to.deep.equal(["ownerId"]);
  });

  it("keeps a CI linked after it became removed, when the update does not add it again", async () => {
    const ci = sim.accounts.cis.get(ids.ci)!;
    const id = (await acme.data(CREATE, { input: { subject: "linked", configurationItemIds: [ids.ci] } })).requestCreate
      .request.id;
    sim.accounts.cis.update(ci, { status: "removed" });
    expect((await acme.data(UPDATE, { input: { id, configurationItemIds: [ids.ci] } })).requestUpdate.errors).to.equal(
      null,
    );
    sim.accounts.cis.update(ci, { status: "in_production" });
  });

  it("shows requests with their notes in the inspection API", async () => {
    const list = sim.inspect.requests("acme");
    const first = list.find((r) => r.sourceID === "dev-1")!;
    expect(first.notes.map((n) => n.text)).to.deep.equal(["Firewall off"]);
    expect(first.configurationItems[0]).to.deep.include({ name: "LAPTOP-1" });
  });
});
