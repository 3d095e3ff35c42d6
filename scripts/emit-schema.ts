// `npm run schema`: writes schema/schema.graphql from the code (the core modules: what the contract
// check reads), and schema/schema.plugins.graphql with the first-party plugins enabled as well.
// `--out <dir>` writes them there instead (test/integration/schema.test.ts compares them with the
// checked-in ones from a process of their own: type-graphql keeps every decorated class of a process).
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaFile } from '../src/schema-print.js';
import { coreModules } from '../src/modules.js';
import { firstPartyPlugins } from '../plugins/index.js';

const at = process.argv.indexOf('--out');
const dir = at > 0 ? process.argv[at + 1] : 'schema';
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'schema.graphql'), await printSchemaFile(coreModules));
writeFileSync(join(dir, 'schema.plugins.graphql'), await printSchemaFile([...coreModules, ...firstPartyPlugins()]));
console.log(`wrote ${dir}/schema.graphql and ${dir}/schema.plugins.graphql`);
