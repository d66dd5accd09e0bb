// The connector's Entra app registration in each Microsoft cloud. Microsoft requires an application to be registered
// separately in each national cloud ("National clouds", learn.microsoft.com/entra/identity-platform/
// authentication-national-cloud): a client id of one cloud is unknown in another (AADSTS700016). GCC High and DoD
// tenants both live in the Azure Government directory (login.microsoftonline.us, one US Government row in
// learn.microsoft.com/graph/deployments), so a DoD tenant uses the US Government app unless one of its own is set.
import type { CustomFieldValue } from "../app-instance/settings.js";
import { Field } from "../app-instance/fields.js";
import { AppError, ErrorCode } from "../errors.js";
import { CLOUDS, cloudName, type Cloud } from "./clouds.js";

export interface EntraApp {
  /** The application (client) id. */
  clientId: string;
  /** Exactly one credential: a client secret … */
  clientSecret?: string;
  /** … or a certificate (thumbprint, PEM private key). */
  certificate?: { thumbprint: string; privateKeyPem: string };
}

/** The app registrations by cloud; `usgov-dod` may be left out to use the `usgov` one. */
export type EntraApps = Partial<Record<Cloud, EntraApp>>;

export function noEntraAppReason(cloud: Cloud): string {
  return `this connector has no app registration for the ${cloudName(cloud)} cloud; ask its operator`;
}

/** A tenant of a cloud this deployment has no app registration for: the operator's move, never retried. */
export class NoEntraAppError extends AppError {
  constructor(readonly cloud: Cloud) {
    super(ErrorCode.Config, noEntraAppReason(cloud));
  }
}

function lookUp(microsoft: { apps: EntraApps }, cloud: Cloud): EntraApp | undefined {
  return microsoft.apps[cloud] ?? (cloud === "usgov-dod" ? microsoft.apps.usgov : undefined);
}

/** The app registration every request to a cloud's Entra ID uses. Throws NoEntraAppError when there is none. */
export function entraAppFor(microsoft: { apps: EntraApps }, cloud: Cloud): EntraApp {
  const app = lookUp(microsoft, cloud);
  if (!app) throw new NoEntraAppError(cloud);
  return app;
}

/** The clouds this deployment can connect tenants in, in the form's order. */
export function entraClouds(microsoft: { apps: EntraApps }): Cloud[] {
  return CLOUDS.filter((c) => lookUp(microsoft, c) !== undefined);
}

/** The read-only form field that tells the form which clouds to offer: their ids, comma-separated. */
export function offeredCloudsField(microsoft: { apps: EntraApps }): CustomFieldValue {
  return { id: Field.offeredClouds, value: entraClouds(microsoft).join(",") };
}

/** The field to write when the form does not show this deployment's list yet; undefined when it does. */
export function staleOfferedClouds(
  microsoft: { apps: EntraApps },
  current: CustomFieldValue[],
): CustomFieldValue | undefined {
  const field = offeredCloudsField(microsoft);
  const shown = current.find((f) => f.id === field.id)?.value;
  return String(shown ?? "") === field.value ? undefined : field;
}
