import { expect } from "chai";
import {
  isPlaceholderSerial,
  MAX_SERIAL_LENGTH,
  normaliseSerial,
  serialKey,
  usableSerial,
} from "../../../src/sync/serial.js";

describe("serial numbers", () => {
  it("trims for writing and trims plus upper-cases for comparing", () => {
    expect(normaliseSerial("  7hq2kx3 \t")).to.equal("7hq2kx3");
    expect(serialKey("  7hq2kx3 ")).to.equal("7HQ2KX3");
    expect(serialKey(null)).to.equal("");
  });

  it("treats the firmware filler values the fleet generator produces as placeholders", () => {
    for (const s of ["0", "To be filled by O.E.M.", "Default string", "System Serial Number"]) {
      expect(isPlaceholderSerial(s), s).to.equal(true);
    }
  });

  it("treats other well-known fillers as placeholders whatever their case and punctuation", () => {
    const fillers = [
      "TO BE FILLED BY OEM",
      "to be filled by o.e.m.",
      "None",
      "N/A",
      "n.a.",
      "Not Specified",
      "NOT APPLICABLE",
      "Unknown",
      "123456789",
      "1234567890",
      "0123456789",
      "Chassis Serial Number",
      "Base Board Serial Number",
      "$(DEFAULT_STRING)",
    ];
    for (const s of fillers) expect(isPlaceholderSerial(s), s).to.equal(true);
  });

  it("treats empty, blank, punctuation-only and one-repeated-character values as placeholders", () => {
    for (const s of ["", "   ", "\t", null, undefined, "-", "---", "00000000", "XXXXXXXX", "xxxx", "1111-1111", "••"]) {
      expect(isPlaceholderSerial(s), JSON.stringify(s)).to.equal(true);
    }
  });

  it("keeps real serials, including VM serials that merely contain zeros", () => {
    for (const s of ["7HQ2KX3", "HW7KQ3XJ9M", "0000-0012-3456-7890-1234-5678-90", "C02XK1JHJG5J", "12", "A0"]) {
      expect(isPlaceholderSerial(s), s).to.equal(false);
    }
  });

  it("writes a serial only when it is real and fits 4me's 50 characters", () => {
    expect(usableSerial(" 7HQ2KX3 ")).to.deep.equal({ serial: "7HQ2KX3" });
    expect(usableSerial("")).to.deep.equal({ rejected: "empty" });
    expect(usableSerial("Default string")).to.deep.equal({ rejected: "placeholder" });
    expect(usableSerial("A".repeat(10) + "B".repeat(MAX_SERIAL_LENGTH - 10))).to.have.property("serial");
    expect(usableSerial("AB".repeat(MAX_SERIAL_LENGTH / 2) + "C")).to.deep.equal({ rejected: "too_long" });
  });
});
