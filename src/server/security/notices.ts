import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Says at start-up how this instance is protected, so an operator never has to guess: who may
 * call it, whether callers are told apart, and which credentials cross the network in clear.
 */
export function logSecurityPosture(config: AppConfig, logger: Logger): void {
  const { security } = config;
  if (security.routerSecret) {
    logger.info({ header: security.routerSecretHeader }, 'router secret required on every request');
    if (security.routerSecretPrevious) {
      logger.warn(
        'ROUTER_SECRET_PREVIOUS is set: the previous router secret is still accepted; unset it once the router sends the new one',
      );
    }
  } else if (security.networkIsTrusted) {
    logger.warn('no ROUTER_SECRET: TRUST_NETWORK_WITHOUT_ROUTER_SECRET=true says only the router can reach this subgraph');
  } else {
    logger.warn('no ROUTER_SECRET: anything that can reach this port can query it (fine on a laptop, not in production)');
  }
  if (security.jwt) {
    logger.info(
      { issuer: security.jwt.issuer, audience: security.jwt.audience, keys: security.jwt.jwksUrl ? 'JWKS' : 'public key' },
      'JWT auth on: callers see only their tenants’ accounts',
    );
  } else {
    logger.warn('JWT auth off: every configured account is readable by every caller');
  }
  if (config.cacheKeySecretGenerated && (config.redisUrl !== null || config.redisClusterNodes !== null)) {
    logger.warn(
      'CACHE_KEY_SECRET is not set: cache keys use a key generated for this process, so instances sharing this Redis do not share entries; set the same CACHE_KEY_SECRET (32+ characters) on each',
    );
  }
  for (const { id, displayName: provider } of config.providers) {
    const settings = config.upstreams[id];
    if (!settings) continue;
    const url = new URL(settings.baseUrl);
    if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
      logger.warn(
        { provider, host: url.hostname },
        `${provider} credentials travel over plain HTTP to ${url.hostname}: use an https:// base URL if the provider serves one`,
      );
    }
  }
}
