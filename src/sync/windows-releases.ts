// Windows build number → release name (version). A fact table, kept by hand: add a row when Microsoft ships a
// feature update. Source: Microsoft Learn, "Windows 11 release information"
// (https://learn.microsoft.com/windows/release-health/windows11-release-information) and "Windows 10 release
// information" (https://learn.microsoft.com/windows/release-health/release-information), the "OS build" column.
// A build not listed here names the major version only ("Windows 11"): never a guessed release.

/** The first Windows 11 build: builds from it on are Windows 11 (Windows 10 stops at 19045). */
export const FIRST_WINDOWS_11_BUILD = 22000;

export const WINDOWS_RELEASES: Readonly<Record<number, string>> = {
  // Windows 10
  10240: "1507",
  10586: "1511",
  14393: "1607",
  15063: "1703",
  16299: "1709",
  17134: "1803",
  17763: "1809",
  18362: "1903",
  18363: "1909",
  19041: "2004",
  19042: "20H2",
  19043: "21H1",
  19044: "21H2",
  19045: "22H2",
  // Windows 11
  22000: "21H2",
  22621: "22H2",
  22631: "23H2",
  26100: "24H2",
  26200: "25H2",
};

/**
 * Windows GetProductInfo product types (winnt.h PRODUCT_*), the numbers Intune reports as skuNumber, with the edition
 * names Windows itself shows (https://learn.microsoft.com/windows/win32/api/sysinfoapi/nf-sysinfoapi-getproductinfo).
 */
export const WINDOWS_SKUS: Readonly<Record<number, string>> = {
  4: "Enterprise",
  27: "Enterprise N",
  48: "Professional",
  49: "Professional N",
  98: "Home N",
  99: "Home China",
  100: "Home Single Language",
  101: "Home",
  121: "Education",
  122: "Education N",
  125: "Enterprise LTSC",
  126: "Enterprise N LTSC",
  161: "Pro for Workstations",
  162: "Pro for Workstations N",
  164: "Pro Education",
  165: "Pro Education N",
  175: "Enterprise multi-session",
  188: "IoT Enterprise",
  191: "IoT Enterprise LTSC",
};
