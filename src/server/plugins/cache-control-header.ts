import type { ApolloServerPlugin } from '@apollo/server';
import type { ResponseCachePolicy } from '../../graphql/cache-control';

/** Sets the Cache-Control header from the response's policy. */
export function cacheControlHeaderPlugin<TContext extends { cachePolicy: ResponseCachePolicy }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, errors }) {
          const value = contextValue.cachePolicy.header((errors?.length ?? 0) > 0);
          if (value !== undefined) response.http.headers.set('cache-control', value);
        },
      };
    },
  };
}
