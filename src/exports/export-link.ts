import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';

@ObjectType({ description: 'A link that downloads one CSV export without a session until it expires (docs/exports.md).' })
export class ExportLink {
  @Field({ description: 'GET it: the CSV is written as it is read from the database. Absolute when ORDO_PUBLIC_URL is set.' })
  url!: string;

  @Field(() => DateTimeScalar, { description: 'After this the link answers 403; a download already started runs to its end.' })
  expiresAt!: Date;

  @Field({ description: 'The name the download is saved under.' })
  fileName!: string;
}
