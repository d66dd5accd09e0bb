// Payload validation errors (ValidationError {path message}) as 4me returns them in mutation payloads. The wording
// follows 4me's Rails-style messages; clients must treat the text as opaque and rely on the path.

export interface ValidationError {
  path: string[];
  message: string;
}

export const Msg = {
  blank: (label: string) => `${label} can't be blank`,
  tooLong: (label: string, max: number) => `${label} is too long (maximum is ${max} characters)`,
  taken: (label: string) => `${label} has already been taken`,
  notFound: (label: string, id: string) => `${label} not found: ${id}`,
  notSoftware: (name: string) => `Operating system '${name}' is not a software configuration item`,
  unknownCustomField: (id: string) => `Custom field '${id}' is not defined by the UI extension of this record`,
  removedCi: (name: string) => `Configuration item '${name}' has the status Removed and cannot be linked to a request`,
  tooMany: (label: string, max: number) => `${label} cannot contain more than ${max} items`,
  inactiveRecord: "Record not found",
  // UNCONFIRMED wording; the stricter reading: a template that "may not be used to help register new requests".
  disabledTemplate: (id: string) => `Request template is disabled: ${id}`,
};

export const INACTIVE_CI_STATUSES = ["archived", "to_be_removed", "lost_or_stolen", "removed"];

export const LIMITS = { name: 160, label: 160, serialNr: 50, assetID: 50, source: 30, sourceID: 128, subject: 255 };

/** Collects errors for one record; `at` prefixes every path (e.g. a discovered item's position). */
export class Errors {
  readonly list: ValidationError[] = [];
  constructor(private readonly at: string[] = []) {}
  add(field: string | string[], message: string): void {
    this.list.push({ path: [...this.at, ...(Array.isArray(field) ? field : [field])], message });
  }
  maxLength(field: string, label: string, value: string | null | undefined, max: number): void {
    if (typeof value === "string" && value.length > max) this.add(field, Msg.tooLong(label, max));
  }
  required(field: string, label: string, value: unknown): void {
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      this.add(field, Msg.blank(label));
    }
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** A payload for a mutation: `errors` is null when there are none, and the record is null when there are. */
export function payload<K extends string>(
  key: K,
  errors: ValidationError[],
  record: unknown,
  clientMutationId?: string | null,
): Record<K | "errors" | "clientMutationId", unknown> {
  const failed = errors.length > 0;
  return {
    clientMutationId: clientMutationId ?? null,
    errors: failed ? errors : null,
    [key]: failed ? null : record,
  } as Record<K | "errors" | "clientMutationId", unknown>;
}
