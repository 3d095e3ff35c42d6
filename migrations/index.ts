// The migrations of each dialect, in order. `npm run migration:create` writes new files and this list.
import type { MigrationObject } from '@mikro-orm/core';
import { postgresql } from './postgresql/index.js';
import { sqlite } from './sqlite/index.js';

export function migrationsFor(kind: 'sqlite' | 'postgresql'): MigrationObject[] {
  return kind === 'postgresql' ? postgresql : sqlite;
}
