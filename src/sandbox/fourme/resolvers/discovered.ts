// discoveredConfigurationItems: answers at once with an asyncQuery; the import runs when the query's delay has
// passed, and its result is the mutation's own selection executed over what the import wrote.
import { randomBytes } from "node:crypto";
import { executeSync, Kind, type DocumentNode, type GraphQLResolveInfo } from "graphql";
import { isoAt } from "../clock.js";
import { countCis, importDiscovered, MAX_DISCOVERED_CIS, type DiscoveredInput } from "../discovery.js";
import type { GqlContext } from "../graphql/context.js";
import type { ResolverMap } from "../graphql/schema.js";
import type { AsyncQueryRec, CiRec } from "../store/records.js";
import { Errors, LIMITS, Msg, payload, type ValidationError } from "../validation.js";

interface Outcome {
  cis: CiRec[];
  errors: ValidationError[];
  asyncQuery: AsyncQueryRec;
}
type Ctx = GqlContext & { discoveryOutcome?: Outcome };

/** The submitted selection, re-executed over the outcome: the result holds exactly the fields asked for. */
function resultOf(info: GraphQLResolveInfo, ctx: Ctx, outcome: Outcome): unknown {
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...info.operation, selectionSet: { kind: Kind.SELECTION_SET, selections: [...info.fieldNodes] } },
      ...Object.values(info.fragments),
    ],
  };
  const result = executeSync({
    schema: info.schema,
    document,
    variableValues: info.variableValues,
    contextValue: { ...ctx, discoveryOutcome: outcome },
  });
  return JSON.parse(JSON.stringify(result));
}

export const discoveredResolvers: ResolverMap = {
  Mutation: {
    discoveredConfigurationItems: (
      _s,
      { input }: { input: DiscoveredInput & { clientMutationId?: string } },
      ctx: Ctx,
      info,
    ) => {
      const done = ctx.discoveryOutcome;
      if (done)
        return {
          clientMutationId: input.clientMutationId ?? null,
          errors: done.errors.length ? done.errors : null,
          configurationItems: done.cis,
          asyncQuery: done.asyncQuery,
        };
      const e = new Errors();
      e.required("source", "Source", input.source);
      e.maxLength("source", "Source", input.source, LIMITS.source);
      const count = countCis(input);
      if (count > MAX_DISCOVERED_CIS)
        e.add("physicalAssets", Msg.tooMany(`Configuration items (${count})`, MAX_DISCOVERED_CIS));
      if (input.supportTeam && !ctx.store.teams.lookup("name", `${ctx.account}\u0000${input.supportTeam}`)[0]) {
        e.add("supportTeam", Msg.notFound("Team", input.supportTeam));
      }
      if (!e.empty)
        return {
          clientMutationId: input.clientMutationId ?? null,
          errors: e.list,
          configurationItems: null,
          asyncQuery: null,
        };

      const { store, account } = ctx;
      const query = store.asyncQueries.insert(account, {
        status: "queued",
        readyAt: store.clock.now() + ctx.settings.discoveryDelayMs,
        token: randomBytes(24).toString("base64url"),
      });
      query.run = () => {
        const { cis, errors } = importDiscovered(store, account, input);
        store.asyncQueries.update(query, {
          status: "completed",
          completedAt: isoAt(store.clock),
          errorCount: errors.length,
          resultCount: cis.length,
        });
        return resultOf(info, ctx, { cis, errors, asyncQuery: query });
      };
      return { ...payload("asyncQuery", [], query, input.clientMutationId), configurationItems: null };
    },
  },
  AsyncQuery: {
    resultUrl: (q: AsyncQueryRec, _a, ctx: GqlContext) => `${ctx.settings.baseUrl}/async_query_results/${q.token}.json`,
  },
};
