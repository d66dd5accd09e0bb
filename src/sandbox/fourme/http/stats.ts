// Counts every GraphQL request by operation name, root query field and mutation, so tests and benchmarks can
// assert "a second sync makes zero mutations" or "k changes make ⌈k/100⌉ bulk calls".
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
} from "graphql";

export interface RequestStats {
  /** GraphQL requests received (authenticated or not, faulted or not). */
  total: number;
  byOperation: Record<string, number>;
  byAccount: Record<string, number>;
  /** Root query fields executed (an aliased field counts once per alias). */
  byQueryField: Record<string, number>;
  /** Root mutation fields executed. */
  byMutation: Record<string, number>;
  mutations: number;
  rejected: { unauthorized: number; throttled: number; serverErrors: number };
  tokensIssued: number;
}

const empty = (): RequestStats => ({
  total: 0,
  byOperation: {},
  byAccount: {},
  byQueryField: {},
  byMutation: {},
  mutations: 0,
  rejected: { unauthorized: 0, throttled: 0, serverErrors: 0 },
  tokensIssued: 0,
});

const bump = (map: Record<string, number>, key: string, by = 1) => (map[key] = (map[key] ?? 0) + by);

export function selectOperation(
  doc: DocumentNode | undefined,
  name?: string | null,
): OperationDefinitionNode | undefined {
  const ops = (doc?.definitions ?? []).filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? ops.find((o) => o.name?.value === name) : ops.length === 1 ? ops[0] : undefined;
}

function included(field: FieldNode, variables: Record<string, unknown> | undefined): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, field, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, field, variables)?.if !== false;
  } catch {
    return true; // a bad variable fails the request itself; count the field as the request asked
  }
}

export class StatsRecorder {
  private stats = empty();

  /** A request as it arrives. */
  /** Counts a request as it arrives; returns its number. */
  received(operationName: string): number {
    bump(this.stats.byOperation, operationName);
    return (this.stats.total += 1);
  }

  /** A request that passed authentication and fault injection, about to execute. */
  executing(account: string, op: OperationDefinitionNode | undefined, variables?: Record<string, unknown>): void {
    bump(this.stats.byAccount, account);
    if (!op) return;
    for (const sel of op.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || sel.name.value.startsWith("__")) continue;
      // A field skipped by @include(if: false) or @skip(if: true) does not execute: it is not counted.
      if (!included(sel, variables)) continue;
      if (op.operation === "mutation") {
        bump(this.stats.byMutation, sel.name.value);
        this.stats.mutations += 1;
      } else bump(this.stats.byQueryField, sel.name.value);
    }
  }

  rejected(kind: keyof RequestStats["rejected"]): void {
    this.stats.rejected[kind] += 1;
  }

  tokenIssued(): void {
    this.stats.tokensIssued += 1;
  }

  snapshot(): RequestStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = empty();
  }
}
