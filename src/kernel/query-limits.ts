// Bounds on what one request may ask for, checked at validation before anything runs: nesting depth,
// an estimated cost (a list multiplies what it selects by its page size), aliases, directives, and the
// shape of introspection. The token bound is the parser's (`maxTokens`, see http.ts). Measuring is one
// pass over the document (query-measure.ts). When a bound is exceeded the rule stops the whole
// validation there, so graphql-js's own rules never walk a hostile document.
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';
import { measureOperations, repeatedSelections, SATURATED, type Measure } from './query-measure.js';

export interface QueryLimitSettings {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
}

/**
 * Introspection is bounded on its own: graphql-js's standard introspection query (what GraphiQL, Altair
 * and GraphQL Code Generator send) nests 14 levels below `__schema` through `ofType` and 3 lists
 * (types → fields → args). Deeper `ofType` chains, or `fields { type { fields … } }` loops that multiply
 * the answer, are refused.
 */
export const INTROSPECTION_MAX_DEPTH = 20;
export const INTROSPECTION_MAX_LISTS = 3;

/**
 * Pairs of same-named selections at one place (query-measure.ts: repeatedSelections). graphql-js compares
 * each pair, and repeats nested in repeats multiply: 300 copies of `products { nodes { variants { sku } } }`
 * take it most of a second. Real queries repeat `id` or `__typename` across a few fragments: tens of pairs.
 */
export const MAX_REPEATED_SELECTIONS = 2_000;

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
const shown = (n: number) => (n >= SATURATED ? `more than ${SATURATED.toLocaleString('en')}` : String(n));

/** The first bound an operation's measure exceeds, as a message a client can act on; null when within. */
export function limitProblem(m: Measure, s: QueryLimitSettings): string | null {
  if (m.depth > s.maxDepth) return `The query is nested ${m.depth >= SATURATED ? `more than ${s.maxDepth}` : m.depth} levels deep; at most ${s.maxDepth} are allowed.`;
  if (m.introDepth > INTROSPECTION_MAX_DEPTH) return `The introspection part is nested ${shown(m.introDepth)} levels deep; at most ${INTROSPECTION_MAX_DEPTH} are allowed.`;
  if (m.introLists > INTROSPECTION_MAX_LISTS) return `The introspection part nests ${shown(m.introLists)} lists in each other; at most ${INTROSPECTION_MAX_LISTS} are allowed.`;
  if (m.aliases > s.maxAliases) return `The query uses ${shown(m.aliases)} aliases; at most ${s.maxAliases} are allowed.`;
  if (m.directives > s.maxDirectives) return `The query uses ${shown(m.directives)} directives; at most ${s.maxDirectives} are allowed.`;
  if (m.cost > s.maxCost) return `The query would cost ${shown(m.cost)} (fields times page sizes); at most ${s.maxCost} is allowed. Ask for smaller pages.`;
  if (m.nesting > maxNesting(s)) return `The query is nested too deeply (fields, fragments and fragment spreads more than ${maxNesting(s)} levels).`;
  return null;
}

/** Nesting past every bound is refused without walking further (introspection adds its own levels). */
const maxNesting = (s: QueryLimitSettings) => s.maxDepth + INTROSPECTION_MAX_DEPTH + 4;

export function queryLimits(s: QueryLimitSettings) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      let refused = false;
      for (const [op, m] of measureOperations(context.getSchema(), node, maxNesting(s))) {
        const problem = limitProblem(m, s);
        if (!problem) continue;
        const name = op.name ? `Operation "${op.name.value}": ` : '';
        context.reportError(tooComplex(name + problem));
        refused = true;
      }
      // Within the cost bound the expanded document is small enough to walk once more.
      if (!refused) {
        const pairs = repeatedSelections(node, s.maxCost + 100_000);
        if (pairs > MAX_REPEATED_SELECTIONS) {
          context.reportError(tooComplex(pairs >= SATURATED
            ? 'The query is too large once its fragments are expanded; send fewer or smaller fragments.'
            : `The query selects the same fields too many times (${pairs} repeated pairs to merge; at most ${MAX_REPEATED_SELECTIONS}). Select each field once.`));
          refused = true;
        }
      }
      // Returning a value from `enter` replaces the node for every rule visiting in parallel: null
      // removes the document, so no other rule (some are quadratic in the worst case) walks it.
      return refused ? null : undefined;
    },
  });
}
