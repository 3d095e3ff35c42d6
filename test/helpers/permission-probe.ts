// Calls every root field of the schema with made-up arguments as a given principal and tells whether the
// engine let the call through (any answer or error but FORBIDDEN / UNAUTHENTICATED) or refused it.
// The arguments are valid for the schema and its input checks (so the refusal, if any, is the answer),
// and name nothing that exists (so an allowed call changes nothing that matters).
import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';

export type RootKind = 'query' | 'mutation' | 'subscription';
export interface Operation { kind: RootKind; name: string; document: string; variables: Record<string, unknown> }

/** Strings that pass the inputs' checks (emails, codes, countries, currencies, passwords) by the field's name. */
function stringFor(name: string): string {
  const n = name.toLowerCase();
  if (n.includes('email') || n === 'replyto') return 'probe@example.com';
  if (n === 'countries') return 'DE';
  if (n === 'phone' || n === 'smsfrom') return '+49 30 1234567';
  if (n === 'currencycode') return 'EUR';
  if (n === 'countrycode' || n === 'fromregion' || n === 'toregion') return 'DE';
  if (n === 'timezone') return 'Europe/Berlin';
  if (n === 'cutofftime') return '15:00';
  if (n.includes('password')) return 'probe password 123';
  if (n.endsWith('code') || n === 'sku' || n.endsWith('sku')) return 'probe-none';
  if (n.includes('url')) return 'https://example.com/probe';
  if (n === 'number') return '999999';
  return 'probe';
}

function valueFor(type: GraphQLInputType, name: string, depth = 0): unknown {
  if (isNonNullType(type)) return valueFor(type.ofType, name, depth);
  if (isListType(type)) return [valueFor(type.ofType, name, depth)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID': return `${name.replace(/Id$/, '') || 'x'}_probe_none`;
      case 'Int': case 'Money': return 1;
      case 'Float': return 1;
      case 'Boolean': return false;
      case 'DateTime': return '2026-01-01T00:00:00.000Z';
      case 'JSONObject': return {};
      default: return stringFor(name);
    }
  }
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) || depth < 1) out[f.name] = valueFor(f.type, f.name, depth + 1);
    }
    return out;
  }
  throw new Error(`no value for ${String(type)}`);
}

const typeString = (a: GraphQLArgument) => String(a.type);

function documentFor(kind: RootKind, field: GraphQLField<unknown, unknown>): Operation {
  const vars = field.args.map((a) => `$${a.name}: ${typeString(a)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || !isScalarType(named) && !isEnumType(named) ? ' { __typename }' : '';
  const document = `${kind} Probe${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
  const variables = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, a.name)]));
  return { kind, name: field.name, document, variables };
}

export function loadSchema(path = new URL('../../schema/schema.graphql', import.meta.url)): GraphQLSchema {
  return buildSchema(readFileSync(path, 'utf8'));
}

/** Every root field of the schema, each as a document with its variables. */
export function operations(schema: GraphQLSchema): Operation[] {
  const out: Operation[] = [];
  for (const [kind, type] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) out.push(documentFor(kind, field));
  }
  return out;
}

export const REFUSED = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
