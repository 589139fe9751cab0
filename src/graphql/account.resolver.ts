import { GraphQLError } from 'graphql';
import { Arg, Ctx, Directive, ID, Query, Resolver } from 'type-graphql';
import type { AccountView } from '../domain/account';
import { ErrorCode } from '../domain/billing-error';
import type { Provider } from '../domain/provider';
import { loadReadable } from './readable-account';
import type { GraphQLContext } from './context';
import { ACCOUNTS_ASSUMED_SIZE } from './federation-directives';
import { AccountKeyInput } from './types/account-key.input';
import { AccountType } from './types/account.type';
import { ProviderEnum } from './types/enums';

// Resolvers are thin: every lookup goes through the per-request loader, never to HTTP.
@Resolver(() => AccountType)
export class AccountResolver {
  // No @Authorized() here: an anonymous caller gets UNAUTHENTICATED per account (loadReadable),
  // not a failed list that would null the whole response.
  @Directive('@authenticated')
  @Query(() => AccountType, {
    nullable: true,
    description:
      'One account by provider and id. Null, with an error saying why, when the account is unknown or its provider fails.',
  })
  account(
    @Arg('provider', () => ProviderEnum, { description: 'The provider that bills the account.' }) provider: Provider,
    @Arg('accountId', () => ID, { description: 'The account id within that provider.' }) accountId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AccountView> {
    return loadReadable(ctx, { provider, accountId });
  }

  @Directive('@authenticated')
  @Directive(`@listSize(assumedSize: ${ACCOUNTS_ASSUMED_SIZE})`)
  @Query(() => [AccountType], {
    nullable: 'items',
    description:
      'Several accounts at once, in the order asked. Each one that fails is null with its own error; the others still resolve. Duplicates cost one upstream call.',
  })
  accounts(
    @Arg('keys', () => [AccountKeyInput], { description: 'The accounts to look up.' }) keys: AccountKeyInput[],
    @Ctx() ctx: GraphQLContext,
  ): Array<Promise<AccountView>> {
    if (keys.length > ctx.maxAccountsPerQuery) {
      throw new GraphQLError(`At most ${ctx.maxAccountsPerQuery} accounts can be asked for at once`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      });
    }
    // One promise per slot, so a failing account gets its own error at its own index.
    return keys.map((key) => loadReadable(ctx, { provider: key.provider, accountId: key.accountId }));
  }
}
