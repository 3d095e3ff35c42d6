import { lexicographicSortSchema, printSchema } from 'graphql';
import type { OrdoModule } from './kernel/module.js';
import { orderModules } from './kernel/module.js';
import { buildOrdoSchema } from './schema.js';

/** The SDL as checked in: sorted, so that a diff shows what changed and nothing else. */
export async function printSchemaFile(modules: OrdoModule[]): Promise<string> {
  const schema = await buildOrdoSchema(orderModules(modules));
  return `# Emitted by \`npm run schema\` from the code. Do not edit: change the resolvers and run it again.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
