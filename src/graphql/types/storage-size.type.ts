import { Field, Float, ObjectType } from 'type-graphql';
import type { StorageSize } from '../../domain/account';
import type { StorageUnit } from '../../domain/vocabulary';
import { StorageUnitEnum } from './enums';
import { DecimalScalar } from './scalars';

@ObjectType('StorageSize', { simpleResolvers: true, description: 'A storage size such as "3GB".' })
export class StorageSizeType implements StorageSize {
  @Field(() => String, { description: 'The size exactly as the provider sent it, e.g. "3GB".' })
  raw!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'The number part, e.g. "3"; null when the value cannot be read.' })
  value!: string | null;

  @Field(() => StorageUnitEnum, { nullable: true, description: 'The unit the size was given in.' })
  unit!: StorageUnit | null;

  @Field(() => Float, { nullable: true, description: 'The size in gigabytes (1 GB = 1000 MB, 1 TB = 1000 GB).' })
  gigabytes!: number | null;
}
