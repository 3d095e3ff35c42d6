// Bounds on what one request may ask for: nesting depth, and a cost where a list multiplies what is
// below it by its page size. Checked at validation, before anything runs.
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export function queryLimits(maxDepth: number, maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const measure = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): { depth: number; cost: number } => {
      if (!set) return { depth, cost: 0 };
      let deepest = depth;
      let cost = 0;
      for (const sel of set.selections) {
        let r: { depth: number; cost: number };
        if (sel.kind === Kind.FIELD) {
          r = measure(sel.selectionSet, depth + 1, seen);
          const size = pageArg(sel);
          r = { depth: r.depth, cost: 1 + r.cost * size };
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          r = measure(sel.selectionSet, depth, seen);
        } else {
          const f = fragments.get(sel.name.value);
          if (!f || seen.has(f.name.value)) continue;
          r = measure(f.selectionSet, depth, new Set([...seen, f.name.value]));
        }
        deepest = Math.max(deepest, r.depth);
        cost += r.cost;
      }
      return { depth: deepest, cost };
    };

    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`The query is nested ${depth} levels deep; at most ${maxDepth} are allowed.`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        } else if (cost > maxCost) {
          context.reportError(new GraphQLError(`The query would cost ${cost} (fields times page sizes); at most ${maxCost} is allowed. Ask for smaller pages.`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        }
      },
    };
  };
}

/** A paginated field counts its page size times what it selects (100 when the size is a variable). */
function pageArg(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  return first ? 100 : 1;
}
