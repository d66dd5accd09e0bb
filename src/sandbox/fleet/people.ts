// The directory users of a simulated tenant. User u is computed alone from (seed, tenant, u), like devices.
import { FIRST_NAMES, LAST_NAMES, NON_ASCII_PEOPLE } from "./catalog.js";
import { guid, mix, rngFor } from "./prng.js";

export interface TenantContext {
  seed: number;
  tenantIndex: number;
  domain: string;
  tenantId: string;
  /** Upper-case device-name prefix, e.g. "CON" for contoso.com. */
  prefix: string;
  /** Number of generated devices (size); the user pool scales with it. */
  size: number;
}

export interface SimUser {
  index: number;
  id: string;
  displayName: string;
  firstName: string;
  /** UPN as Intune reports it (a few are mixed case, as typed at enrolment). */
  upn: string;
  /** The person's e-mail in 4me: always lower case. */
  email: string;
  /** How a possessive device name starts: "Megan’s", "王芳的". */
  possessive: string;
  /** No 4me person exists for this user (an external contractor, a new hire not yet in 4me). */
  noPerson: boolean;
  /** The 4me person exists but is disabled (someone who left). */
  disabled: boolean;
}

export function userPoolSize(size: number): number {
  return Math.max(120, Math.ceil(size * 0.7));
}

// Users are asked for once per device; caching them per tenant context also shares their strings between devices.
const cache = new WeakMap<TenantContext, Map<number, SimUser>>();

export function userAt(ctx: TenantContext, u: number): SimUser {
  let users = cache.get(ctx);
  if (!users) cache.set(ctx, (users = new Map()));
  let user = users.get(u);
  if (!user) users.set(u, (user = drawUser(ctx, u)));
  return user;
}

function drawUser(ctx: TenantContext, u: number): SimUser {
  const rng = rngFor(ctx.seed, ctx.tenantIndex, "user", u);
  const F = FIRST_NAMES.length;
  const L = LAST_NAMES.length;
  const shift = mix(ctx.seed, ctx.tenantIndex, "names");
  let displayName: string;
  let firstName: string;
  let local: string;
  let possessive: string;
  if (u % 23 === 5) {
    const k = Math.floor(u / 23);
    const [name, baseLocal, poss] = NON_ASCII_PEOPLE[k % NON_ASCII_PEOPLE.length]!;
    const n = Math.floor(k / NON_ASCII_PEOPLE.length);
    displayName = name;
    firstName = name.split(" ")[0]!;
    local = n === 0 ? baseLocal : `${baseLocal}${n + 1}`;
    possessive = poss;
  } else {
    firstName = FIRST_NAMES[(u + shift) % F]!;
    const last = LAST_NAMES[(Math.floor(u / F) + (shift >>> 8)) % L]!;
    const n = Math.floor(u / (F * L));
    displayName = `${firstName} ${last}`;
    local = `${firstName}.${last}`.toLowerCase().replace(/ /g, "") + (n === 0 ? "" : String(n + 1));
    possessive = `${firstName}’s`;
  }
  const email = `${local}@${ctx.domain}`.toLowerCase();
  // Some UPNs were typed with capitals at enrolment: 4me matching must ignore case.
  const upn = u % 29 === 7 ? `${local.charAt(0).toUpperCase()}${local.slice(1)}@${ctx.domain}` : email;
  return {
    index: u,
    id: guid(rng),
    displayName,
    firstName,
    upn,
    email,
    possessive,
    noPerson: u % 37 === 11,
    disabled: u % 53 === 3,
  };
}

/** A user that has no 4me person, for the hard case that must be in every fleet. */
export function userWithoutPerson(ctx: TenantContext, k: number): SimUser {
  const pool = userPoolSize(ctx.size);
  const u = (11 + 37 * k) % (37 * Math.floor(pool / 37) || 37);
  return userAt(ctx, u);
}
