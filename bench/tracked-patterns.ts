// The tracked-software patterns of the benchmarks (issue 17): bench/detected-apps.ts and bench/sync.ts --tracked=<n>.

/** 20 patterns an asset manager might track: licensed suites, browsers, tools and three in-house tools. */
export const BENCH_PATTERNS = [
  "Microsoft Visio*",
  "Microsoft Project*",
  "Adobe Acrobat*",
  "Google Chrome",
  "Zoom Workplace*",
  "zoom.us",
  "Mozilla Firefox*",
  "7-Zip*",
  "Notepad++*",
  "Cisco Secure Client*",
  "Slack*",
  "*Visual Studio Code",
  "AutoCAD LT*",
  "Tableau Desktop*",
  "SAP GUI*",
  "Microsoft Outlook",
  "Microsoft Teams",
  "Contoso Line-of-Business Tool 7",
  "Contoso Line-of-Business Tool 42",
  "Contoso Line-of-Business Tool 123",
];
