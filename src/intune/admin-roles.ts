// Who may bind a tenant to a 4me account: a user whose ID token's `wids` (directory role template ids) holds a role
// that can grant tenant-wide admin consent. Template ids from Microsoft's "Microsoft Entra built-in roles" reference
// (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference). Application and Cloud
// Application Administrators can consent to apps but not to Microsoft Graph application permissions: they may bind
// the tenant (they administer its applications), and Entra itself then refuses their consent to our Graph roles.
// `wids` is in the ID token only when the app registration's groupMembershipClaims includes DirectoryRole (README).
export const CONSENTING_ROLES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
};

/** The name of the first consenting role among the token's `wids`, or undefined when there is none. */
export function consentingRoleOf(wids: unknown): string | undefined {
  if (!Array.isArray(wids)) return undefined;
  for (const id of wids) {
    const role = typeof id === "string" ? CONSENTING_ROLES[id.toLowerCase()] : undefined;
    if (role) return role;
  }
  return undefined;
}
