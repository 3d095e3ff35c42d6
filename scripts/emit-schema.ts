// `npm run schema`: writes schema/schema.graphql from the code (the core modules: what the contract
// check reads), and schema/schema.plugins.graphql with the first-party plugins enabled as well.
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { printSchemaFile } from '../src/schema-print.js';
import { coreModules } from '../src/modules.js';
import { firstPartyPlugins } from '../plugins/index.js';

mkdirSync('schema', { recursive: true });
writeFileSync('schema/schema.graphql', await printSchemaFile(coreModules));
writeFileSync('schema/schema.plugins.graphql', await printSchemaFile([...coreModules, ...firstPartyPlugins()]));
console.log('wrote schema/schema.graphql and schema/schema.plugins.graphql');
