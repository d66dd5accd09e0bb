// Who the simulated login page signs in. There is no password form: tests choose the user with controls.signIn, and
// without a choice an administrator of the tenant asked for signs in. The user's directory roles (`wids`) are role
// template ids as Entra puts them in tokens: every member holds the "member" template, an admin also Global Administrator.
import { createHash } from "node:crypto";
import type { SimTenant } from "../fleet/types.js";
import type { SimState } from "./state.js";

/** Role template ids (Microsoft Entra built-in roles reference, permissions-reference.md). */
export const DIRECTORY_ROLES = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  applicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  /**
   * Not in the built-in roles table (whose "User" template is a0b1b346-…), but the id Entra puts in `wids` for every
   * member, admin or not (Microsoft's token examples: ["62e90394-…", "b79fbf4d-…"] for a Global Administrator).
   */
  member: "b79fbf4d-3ef9-4689-8143-76b194e85509",
} as const;

/** The user `controls.signIn` signs in until changed. */
export interface SignInUser {
  /** Domain or id of the user's home tenant. */
  tenant: string;
  /** Default true: a Global Administrator. */
  admin?: boolean;
  /** Replaces the role template ids the user holds. */
  wids?: string[];
  upn?: string;
  name?: string;
}

export interface SimUser {
  tenant: SimTenant;
  upn: string;
  name: string;
  /** Stable per (tenant, upn), as a directory object id is. */
  oid: string;
  wids: string[];
}

/** A GUID derived from the text, so the same user keeps the same object id across requests and restarts. */
export function stableGuid(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  const v = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${v}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const title = (domain: string) => domain.split(".")[0]!.replace(/^./, (c) => c.toUpperCase());

/** The user signing in now: the one chosen through controls, or an administrator of `defaultTenant` (if any). */
export function currentUser(state: SimState, defaultTenant: SimTenant | undefined): SimUser | undefined {
  const chosen = state.signedIn;
  const tenant = chosen ? state.tenant(chosen.tenant) : defaultTenant;
  if (!tenant) return undefined;
  const admin = chosen?.admin ?? true;
  const upn = chosen?.upn ?? `${admin ? "admin" : "user"}@${tenant.domain}`;
  const wids =
    chosen?.wids ?? (admin ? [DIRECTORY_ROLES.globalAdministrator, DIRECTORY_ROLES.member] : [DIRECTORY_ROLES.member]);
  return {
    tenant,
    upn,
    name: chosen?.name ?? `${title(tenant.domain)} ${admin ? "Administrator" : "User"}`,
    oid: stableGuid(`${tenant.tenantId}|${upn.toLowerCase()}`),
    wids: [...wids],
  };
}
