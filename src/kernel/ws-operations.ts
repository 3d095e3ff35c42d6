// The same door for operations over graphql-ws as over HTTP: parsed with the same token bound, validated
// with the same limits (checked first) and input-string rule, variables checked before execution, and
// every error formatted by the same formatter (codes, fields, internal errors logged with a reference).
import {
  GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { annotateFieldErrors } from './field-errors.js';
import { badStringsError, inputStringsRule, variableProblems } from './input-strings.js';

type Formatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
type Hooks = Pick<ServerOptions, 'onSubscribe' | 'onOperation' | 'onNext' | 'onError'>;

export interface WsOperationOptions {
  schema: GraphQLSchema;
  limits: ValidationRule;
  maxTokens: number;
  introspection: boolean;
  formatError: Formatter;
  /** Wraps a subscription's stream once it starts (to count it while it is open: metrics). */
  subscriptionStarted?: <T>(stream: AsyncGenerator<T>) => AsyncGenerator<T>;
  /** Told of each operation: started or answered (`ok` or the first error's code), or refused before it ran. */
  observe?: (document: DocumentNode | undefined, operationName: string | null | undefined, outcome: string) => void;
}

/** As Apollo codes them over HTTP, so that the formatter treats both alike. */
function coded(e: unknown, code: string): GraphQLError {
  const err = e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined });
  return new GraphQLError(err.message, {
    nodes: err.nodes, source: err.source, positions: err.positions,
    originalError: err.originalError ?? err,
    extensions: { code, ...err.extensions },
  });
}

export function wsOperationHooks(o: WsOperationOptions): Hooks {
  const rules = [o.limits, inputStringsRule, ...specifiedRules, ...(o.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => o.formatError(e.toJSON(), e));
  return {
    onSubscribe: (_ctx, _id, payload) => {
      // Refused before it runs: counted with the code the client gets.
      const refused = (errors: GraphQLError[], document?: DocumentNode) => {
        o.observe?.(document, payload.operationName, String(format(errors)[0]?.extensions?.code ?? 'BAD_USER_INPUT'));
        return errors;
      };
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: o.maxTokens });
      } catch (e) {
        return refused([coded(e, 'GRAPHQL_PARSE_FAILED')]);
      }
      const invalid = validate(o.schema, document, rules);
      if (invalid.length) return refused(invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')), document);
      const problems = variableProblems(document, payload.operationName, payload.variables);
      if (problems.length) return refused([badStringsError(problems)], document);
      const args: ExecutionArgs = { schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables };
      return args;
    },
    onOperation: (_ctx, _id, _payload, args, result) => {
      if (isAsyncGenerator(result)) {
        o.observe?.(args.document, args.operationName, 'ok');
        return o.subscriptionStarted ? (o.subscriptionStarted(result) as never) : undefined;
      }
      // A query or mutation over the socket, or a subscription refused by its resolver: its first error's code.
      const first = (result as ExecutionResult).errors?.[0];
      o.observe?.(args.document, args.operationName, first ? String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok');
      return undefined;
    },
    onNext: (_ctx, _id, _payload, args, result) => {
      const errors = (result as ExecutionResult).errors;
      if (!errors?.length) return undefined;
      annotateFieldErrors(o.schema, errors, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
      return { ...result, errors: format(errors) } as never;
    },
    onError: (_ctx, _id, _payload, errors) => format(errors) as never,
  };
}

function isAsyncGenerator(v: unknown): v is AsyncGenerator<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncGenerator)[Symbol.asyncIterator] === 'function' && typeof (v as AsyncGenerator).next === 'function';
}
