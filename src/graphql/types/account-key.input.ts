import { Field, ID, InputType } from 'type-graphql';
import type { AccountKey, Provider } from '../../domain/provider';
import { ProviderEnum } from './enums';

@InputType('AccountKeyInput', { description: 'Which account: a provider and that provider\'s account id.' })
export class AccountKeyInput implements AccountKey {
  @Field(() => ProviderEnum, { description: 'The provider that bills the account.' })
  provider!: Provider;

  @Field(() => ID, { description: 'The account id within that provider.' })
  accountId!: string;
}
