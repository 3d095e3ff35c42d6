// Builds the GraphQL schema from the enabled modules' resolvers, once per process.
import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import type { OrdoModule } from './kernel/module.js';
import { NodeResolver } from './kernel/node.resolver.js';
import { createOrdoPubSub, type OrdoPubSub } from './kernel/pubsub.js';
import { auditMutations } from './kernel/audit/audit-mutations.js';
import { cacheValidationMetadata } from './kernel/validation-metadata.js';
import { useArgumentValidator } from './kernel/argument-validation.js';

/** How type-graphql validates input arguments (class-validator's options). */
const VALIDATE = { forbidUnknownValues: false, stopAtFirstError: true };

export async function buildOrdoSchema(modules: OrdoModule[], pubSub?: OrdoPubSub): Promise<GraphQLSchema> {
  cacheValidationMetadata(); // input arguments' rules looked up once per class, not per request
  useArgumentValidator(VALIDATE); // a plain check first, class-validator only when it is not sure
  const resolvers = [NodeResolver, ...modules.flatMap((m) => m.resolvers ?? [])] as [Function, ...Function[]];
  const schema = await buildSchema({
    resolvers,
    // Printing the SDL (npm run schema) has no engine: subscriptions still need a pub/sub to be built.
    pubSub: (pubSub ?? createOrdoPubSub(undefined, 'schema')) as never,
    validate: VALIDATE,
    emitSchemaFile: false,
  });
  // Every admin mutation leaves an audit entry (kernel/audit/).
  return auditMutations(schema);
}
