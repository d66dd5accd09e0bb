// The operating-system family a device runs, as one software CI per family in 4me (issue 17): "Windows 11
// Enterprise 23H2", "iOS 17", "iPadOS 17", "macOS 14 Sonoma", "Android 14". Pure. Derived from Intune's
// operatingSystem and osVersion, for Windows also the edition (skuNumber, else skuFamily) and the build
// (windows-releases.ts). A release we have no name for falls back to the major version; a device whose operating
// system we cannot tell gets no OS CI (never a made-up one).
import { OS_CI_PREFIX } from "./software-ci.js";
import type { IntuneDevice } from "../intune/types.js";
import { platformOf, type Platform } from "./device-class.js";
import { cut, slug, tidy } from "./make-model.js";
import { FIRST_WINDOWS_11_BUILD, WINDOWS_RELEASES, WINDOWS_SKUS } from "./windows-releases.js";

export type OsSource = Pick<IntuneDevice, "operatingSystem" | "osVersion" | "skuFamily" | "skuNumber" | "deviceType"> &
  Partial<Pick<IntuneDevice, "model">>;

export interface OsFamily {
  /** The OS CI's sourceID in the bulk upload: "os:" and the name's slug. */
  sourceID: string;
  /** The OS CI's name. */
  name: string;
  /** Its software product: brand and model ("Microsoft", "Windows 11 Enterprise"). */
  brand: string;
  model: string;
  productSourceID: string;
}

/** 4me limits: sourceID ≤128, product model ≤ 128 (4me-platform.md §8.1). */
const MAX_TEXT = 128;

/** macOS marketing names by major version (Apple's, as "About This Mac" shows them). */
const MACOS_NAMES: Readonly<Record<string, string>> = {
  "10.13": "High Sierra",
  "10.14": "Mojave",
  "10.15": "Catalina",
  "11": "Big Sur",
  "12": "Monterey",
  "13": "Ventura",
  "14": "Sonoma",
  "15": "Sequoia",
  "26": "Tahoe",
};

export function osFamilyOf(d: OsSource): OsFamily | undefined {
  const platform: Platform = platformOf(d);
  const version = tidy(d.osVersion);
  switch (platform) {
    case "windows":
      return windowsFamily(d, version);
    case "ios": {
      const major = /^(\d+)\./.exec(`${version}.`)?.[1];
      // Since iPadOS 13 an iPad's system is iPadOS; Intune may still report "iOS" for it.
      const ipad = /ipad/i.test(`${d.operatingSystem ?? ""} ${d.deviceType ?? ""} ${d.model ?? ""}`);
      const os = ipad && (!major || Number(major) >= 13) ? "iPadOS" : "iOS";
      return family("Apple", os, major ? `${os} ${major}` : os);
    }
    case "macos": {
      const m = /^(10\.\d+|\d+)/.exec(version)?.[1];
      const named = m && MACOS_NAMES[m] ? ` ${MACOS_NAMES[m]}` : "";
      return family("Apple", "macOS", m ? `macOS ${m}${named}` : "macOS");
    }
    case "android": {
      const major = /^(\d+)/.exec(version)?.[1];
      return family("Google", "Android", major ? `Android ${major}` : "Android");
    }
    default:
      return undefined;
  }
}

function windowsFamily(d: OsSource, version: string): OsFamily {
  const build = /^10\.0\.(\d+)/.exec(version)?.[1];
  const major = build === undefined ? "" : Number(build) >= FIRST_WINDOWS_11_BUILD ? " 11" : " 10";
  const ed = windowsEdition(d);
  const edition = ed ? ` ${ed.replace(/^Professional/, "Pro")}` : "";
  const release = build !== undefined && WINDOWS_RELEASES[Number(build)] ? ` ${WINDOWS_RELEASES[Number(build)]}` : "";
  const model = `Windows${major}${edition}`;
  return family("Microsoft", model, `${model}${release}`);
}

/** The edition: by skuNumber when we know it, else Intune's skuFamily text. */
export function windowsEdition(d: Pick<IntuneDevice, "skuFamily" | "skuNumber">): string {
  const n = typeof d.skuNumber === "number" && d.skuNumber > 0 ? d.skuNumber : undefined;
  return (n !== undefined ? WINDOWS_SKUS[n] : undefined) ?? tidy(d.skuFamily);
}

function family(brand: string, model: string, name: string): OsFamily {
  const m = cut(model, MAX_TEXT);
  return {
    sourceID: cut(`${OS_CI_PREFIX}${slug(name)}`, MAX_TEXT),
    name: cut(name, MAX_TEXT),
    brand,
    model: m,
    productSourceID: cut(`os_${slug(`${brand} ${m}`)}`, MAX_TEXT),
  };
}

/** "Windows 11 Enterprise (4)", like the whitepaper's "Windows 10/11 Professional (48)": the OS SKU custom field. */
export function osSkuText(d: OsSource, platform: Platform, unknown: string): string | null {
  const n = typeof d.skuNumber === "number" && d.skuNumber > 0 ? d.skuNumber : undefined;
  if (platform !== "windows") return tidy(d.skuFamily) || null;
  const edition = windowsEdition(d);
  if (!edition) return unknown;
  const build = /^10\.0\.(\d+)/.exec(tidy(d.osVersion));
  const version = build ? (Number(build[1]) >= FIRST_WINDOWS_11_BUILD ? "11" : "10") : "10/11";
  return `Windows ${version} ${edition}${n !== undefined ? ` (${n})` : ""}`;
}
