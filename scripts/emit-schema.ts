// `npm run schema`: writes schema/schema.graphql from the code (core modules and the plugins enabled).
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { printSchemaFile } from '../src/schema-print.js';
import { coreModules } from '../src/modules.js';

mkdirSync('schema', { recursive: true });
writeFileSync('schema/schema.graphql', await printSchemaFile(coreModules));
console.log('wrote schema/schema.graphql');
