import { randomUUID } from 'node:crypto';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
} from 'cockatiel';
import Keyv from 'keyv';
import type { AccountSnapshot } from '../domain/account';
import type { Cacheable, SnapshotCache } from './snapshot-cache';

/** How to reach Redis and what to do when it cannot be reached. */
export interface RedisCacheOptions {
  readonly url: string;
  /** Longest wait for one Redis operation before it counts as a miss. */
  readonly operationTimeoutMs: number;
  /** Called once when Redis stops answering (not once per failed operation). */
  readonly onOutage: (error: unknown) => void;
  /** Called once when it answers again. */
  readonly onRecovery: () => void;
}

const PREFIX = 'billing-subgraph:v1:';

/**
 * Snapshots in a Redis shared by every instance, through Apollo's KeyValueCache over keyv and
 * @keyv/redis (reads of one tick are batched into one MGET). Redis is never a single point of
 * failure: every operation has a short timeout, a breaker skips Redis for a second after
 * repeated failures, and any failure reads as a miss, so the upstreams answer instead.
 */
export class RedisSnapshotCache implements SnapshotCache {
  readonly #client: ReturnType<typeof createClient>;
  readonly #store: KeyvAdapter<string>;
  readonly #policy;
  readonly #options: RedisCacheOptions;
  readonly #instance = randomUUID();
  #down = false;
  #closed = false;

  constructor(options: RedisCacheOptions) {
    this.#options = options;
    this.#client = createClient({
      url: options.url,
      // Fail at once while disconnected instead of queueing commands without bound.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.max(options.operationTimeoutMs, 1_000),
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
      },
    });
    // Without a listener, a connection error would be thrown as an uncaught 'error' event.
    this.#client.on('error', (error: unknown) => this.#failed(error));
    this.#client.on('ready', () => this.#recovered());
    this.#client.connect().catch((error: unknown) => this.#failed(error));
    // node-redis has no timeout on the handshake itself: a server that accepts and never answers is an outage too.
    setTimeout(() => {
      if (!this.#client.isReady) this.#failed(new Error('Redis did not become ready in time'));
    }, Math.max(options.operationTimeoutMs, 1_000) * 2).unref();

    // Both layers must throw: a Keyv that swallows a failed write would report Redis as healthy.
    const keyv = new Keyv<string>({
      store: new KeyvRedis(this.#client, { throwOnErrors: true, throwOnConnectError: true }),
      namespace: '',
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    keyv.on('error', (error: unknown) => this.#failed(error));
    this.#store = new KeyvAdapter(keyv);
    this.#policy = wrap(
      circuitBreaker(handleAll, { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(3) }),
      timeout(options.operationTimeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  async get<T extends Cacheable = AccountSnapshot>(key: string): Promise<T | undefined> {
    const text = await this.#run(undefined, () => this.#store.get(PREFIX + key));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  async set(key: string, snapshot: Cacheable, ttlSeconds: number): Promise<void> {
    await this.#run(undefined, () => this.#store.set(PREFIX + key, JSON.stringify(snapshot), { ttl: ttlSeconds }));
  }

  async lease(key: string, ms: number): Promise<boolean> {
    // When Redis cannot say, refreshing ourselves is the safe answer.
    return this.#run(true, async () => {
      const reply = await this.#client.set(`${PREFIX}lease:${key}`, this.#instance, {
        condition: 'NX',
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ms)) },
      });
      return reply === 'OK';
    });
  }

  async release(key: string): Promise<void> {
    await this.#run(undefined, async () => {
      // Only our own lease: one that expired and was taken by another instance stays theirs.
      const holder = await this.#client.get(`${PREFIX}lease:${key}`);
      if (holder === this.#instance) await this.#client.del(`${PREFIX}lease:${key}`);
    });
  }

  async leaseHeld(key: string): Promise<boolean> {
    return this.#run(false, async () => (await this.#client.exists(`${PREFIX}lease:${key}`)) === 1);
  }

  healthy(): boolean {
    return !this.#down && this.#client.isReady;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#client.isOpen) await this.#client.close().catch(() => undefined);
    else this.#client.destroy();
  }

  async #run<T>(fallback: T, operation: () => Promise<T>): Promise<T> {
    // Not connected (yet, or any more): a miss. The client's own events report real outages, so
    // a request that beats the first handshake raises no false alarm.
    if (!this.#client.isReady) return fallback;
    try {
      const result = await this.#policy.execute(operation);
      this.#recovered();
      return result;
    } catch (error) {
      // The breaker's own fast refusals are the outage already counted, not a new one.
      if (!(error instanceof BrokenCircuitError)) this.#failed(error);
      return fallback;
    }
  }

  #failed(error: unknown): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.#options.onOutage(error);
  }

  #recovered(): void {
    if (!this.#down || this.#closed) return;
    this.#down = false;
    this.#options.onRecovery();
  }
}
