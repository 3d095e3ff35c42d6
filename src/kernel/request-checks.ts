// A request watcher (request-plugins.ts) for what validation cannot see: the operation's kind and the request's variables. Strings no database can hold
// are refused before execution (input-strings.ts), and input errors get their failing fields named from
// the request's document and variables (field-errors.ts) before the formatter writes them out.
import type { RequestWatcher } from './request-plugins.js';
import { GraphQLError } from 'graphql';
import { annotateFieldErrors } from './field-errors.js';
import { badStringsError, variableProblems } from './input-strings.js';

export function requestChecks<C extends object>(): RequestWatcher<C> {
  return {
    requestDidStart() {
      return {
        didResolveOperation({ document, request, operation }) {
          // Over HTTP a subscription would resolve its field once, to null: say where it is served instead.
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on /graphql, not over HTTP POST.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          const problems = variableProblems(document, request.operationName, request.variables);
          if (problems.length) throw badStringsError(problems);
        },
        didEncounterErrors({ errors, document, request, schema }) {
          annotateFieldErrors(schema, errors, document, request.operationName, request.variables);
        },
      };
    },
  };
}
