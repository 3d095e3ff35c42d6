import type { EventHandler, JobDefinition } from '../kernel/module.js';

/** One group of rollups and the reports read from them; `module.ts` joins the parts into one module. */
export interface RollupPart {
  entities: Function[];
  resolvers: Function[];
  on: Record<string, EventHandler | EventHandler[]>;
  jobs?: Record<string, JobDefinition>;
}

/** The parts' handlers by event type, several per type where parts share an event. */
export function joinHandlers(parts: RollupPart[]): Record<string, EventHandler[]> {
  const on: Record<string, EventHandler[]> = {};
  for (const part of parts) {
    for (const [type, h] of Object.entries(part.on)) (on[type] ??= []).push(...(Array.isArray(h) ? h : [h]));
  }
  return on;
}
