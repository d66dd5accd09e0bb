// The pure functions the configuration form's script exposes as window.IntuneForm, loaded in node for tests. The
// script is the one 4me receives: the parts of app-offering/form/ as loadConfigurationForm joins them.
import { runBrowserScript } from "./browser-script.js";
import { loadConfigurationForm } from "../../../src/extension/render.js";
import type { ImportFilters } from "../../../src/sync/filters.js";

/** The name the assembled script runs under in tests' stack traces. */
const FORM_SCRIPT_NAME = "app-offering/form (assembled)";

export interface BreakdownRowObject {
  platform: string;
  ownership: string;
  userState: string;
  count: number;
}
export interface ParsedBreakdown {
  total: number;
  rows: BreakdownRowObject[];
  alerts: { platform: string; ownership: string; userState: string; noncompliant: number; inGrace: number }[];
}
/** The form reads the same switches as the sync's ImportFilters. */
export type FormFilters = Partial<ImportFilters>;

export interface FormApi {
  FILTER_FIELDS: Record<string, string>;
  TENANT_SLOTS: number;
  exclusionReason(c: { platform: string; ownership: string; userState: string }, f: FormFilters): string | null;
  isImported(c: { platform: string; ownership: string; userState: string }, f: FormFilters): boolean;
  parseBreakdown(value: unknown): ParsedBreakdown | null;
  countImported(b: ParsedBreakdown | null, f: FormFilters): number;
  countAlerts(b: ParsedBreakdown | null, f: FormFilters, duringGracePeriod: boolean): number;
  alertsForecast(b: ParsedBreakdown | null, count: number, limit: unknown, enabled: boolean): string | null;
  summarize(
    b: ParsedBreakdown | null,
    f: FormFilters,
  ): {
    known: boolean;
    total: number;
    active: boolean;
    imported: number;
    wouldImport: number;
    byPlatform: Record<string, { total: number; imported: number }>;
    excluded: Record<string, number>;
  };
  describeStatus(raw: unknown): { text: string; tone: string | null; pendingConsent: boolean };
  visibleTenantSlots(slots: { domain?: string; status?: string }[], revealed: number): boolean[];
  parseOfferedClouds(value: unknown): string[] | null;
  cloudChoices(offered: string[] | null, selected: string, filled: boolean): { shown: string[]; value: string };
  unlinkedNotice(raw: unknown): string | null;
  formatDuration(seconds: unknown): string | null;
  splitPatterns(raw: unknown): string[];
  patternsProblem(patterns: string[]): string | null;
  matchesPattern(pattern: string, name: string): boolean;
  parseCatalogue(value: unknown): FormCatalogue | null;
  countByPattern(
    patterns: string[],
    entries: FormCatalogue["apps"],
  ): { pattern: string; apps: number; installs: number }[];
  softwareForecast(
    catalogue: FormCatalogue | null,
    raw: unknown,
  ): { headline: string; tone: string | null; lines: { pattern: string; text: string }[]; note: string };
}

export interface FormCatalogue {
  apps: { name: string; version: string; deviceCount: number }[];
  omitted: { apps: number; installs: number };
}

export function loadFormApi(): FormApi {
  return runBrowserScript<FormApi>(loadConfigurationForm().javascript, FORM_SCRIPT_NAME, "IntuneForm");
}
