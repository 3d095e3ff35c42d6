// GraphQL building blocks shared by every module: the Node interface, Money, DateTime, page info.
import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';

@InterfaceType()
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

function toMoney(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new GraphQLError('Money is a whole number of minor units (for example 1999 for 19.99).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

export const MoneyScalar = new GraphQLScalarType({
  name: 'Money',
  description: 'An integer amount in the minor unit of its currency (for example cents).',
  serialize: toMoney,
  parseValue: toMoney,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('Money is a whole number of minor units.', { extensions: { code: 'BAD_USER_INPUT' } });
    return toMoney(Number(ast.value));
  },
});

export const DateTimeScalar = new GraphQLScalarType({ ...DateTimeResolver.toConfig(), name: 'DateTime' });

export const JSONObjectScalar = new GraphQLScalarType({ ...JSONObjectResolver.toConfig(), name: 'JSONObject' });

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor?: string | null;
  @Field(() => String, { nullable: true }) endCursor?: string | null;
}

export { Int };

/** A Relay connection type for `item`: `${name}Connection` with `${name}Edge`. */
export function connectionOf<T>(item: new (...args: any[]) => T, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => item) node!: T;
  }
  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [item]) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return Connection;
}
