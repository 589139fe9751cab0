import { randomUUID } from 'node:crypto';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis from '@keyv/redis';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from '@redis/client';
import calculateSlot from 'cluster-key-slot';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import Keyv from 'keyv';
import type { AccountSnapshot } from '../domain/account';
import type { Cacheable, SnapshotCache } from './snapshot-cache';

/** Where the cache lives: one Redis endpoint, or the seed nodes of a Redis Cluster. */
export type RedisTarget =
  | { readonly url: string; readonly clusterNodes?: undefined }
  | { readonly clusterNodes: readonly string[]; readonly url?: undefined };

/** How to reach Redis and what to do when it cannot be reached. */
export type RedisCacheOptions = RedisTarget & {
  /** Longest wait for one Redis operation before it counts as a miss. */
  readonly operationTimeoutMs: number;
  /**
   * Called once when Redis stops answering (not once per failed operation, nor once per shard):
   * `node` is the cluster node (host:port, never credentials) that failed first, when known.
   */
  readonly onOutage: (error: unknown, node?: string) => void;
  /** Called once when it answers again (every shard, for a cluster). */
  readonly onRecovery: () => void;
};

const PREFIX = 'billing-subgraph:v1:';
/** The one shard of a single Redis. A cluster's shards are named by their master's host:port. */
const SINGLE = 'redis';
/** A cluster whose slot map cannot be read (no seed node answers). */
const TOPOLOGY = 'cluster';
/** How often, at most, a failing cluster has its slot map read again. */
const TOPOLOGY_REFRESH_MS = 1_000;
/** How often a cluster shard that is down is asked whether it is back (the breaker lets one try through a second). */
const PROBE_INTERVAL_MS = 1_000;

const reconnectDelay = (retries: number): number => Math.min(100 * 2 ** retries, 2_000);

type RedisClient = RedisClientType;
type RedisCluster = RedisClusterType;

/** The commands of the refresh lease, which a client and a cluster (routing by key) both have. */
interface LeaseCommands {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<string | null>;
  get(key: string): Promise<string | null>;
  del(key: string): Promise<number>;
  exists(key: string): Promise<number>;
}

/**
 * Snapshots in a Redis shared by every instance, through Apollo's KeyValueCache over keyv and
 * @keyv/redis (reads of one tick are batched). Redis is never a single point of failure: every
 * operation has a short timeout, a breaker skips Redis for a second after repeated failures,
 * and any failure reads as a miss, so the upstreams answer instead.
 *
 * On a Redis Cluster, each master is a shard with its own breaker and its own read batch, so a
 * shard that is down costs only its own keys (when the cluster still serves the others): a
 * batch of one shard's keys is read as one MGET per slot (@keyv/redis groups them, since an MGET
 * across slots is refused with CROSSSLOT), and node-redis sends them down that master's one
 * connection together.
 */
export class RedisSnapshotCache implements SnapshotCache {
  readonly #client: RedisClient | undefined;
  readonly #cluster: RedisCluster | undefined;
  readonly #commands: LeaseCommands;
  readonly #keyv: Keyv<string>;
  /** Per shard: its read batch (one DataLoader each) and its breaker. */
  readonly #stores = new Map<string, KeyvAdapter<string>>();
  readonly #policies = new Map<string, IPolicy>();
  readonly #options: RedisCacheOptions;
  readonly #instance = randomUUID();
  readonly #handshakeMs: number;
  /** Shards that failed and have not answered since. */
  readonly #down = new Set<string>();
  /** Cluster nodes whose first connection is made (node-redis says so once per node). */
  readonly #readyNodes = new Set<string>();
  /** Cluster nodes being connected, each with the deadline of its first handshake. */
  readonly #handshakes = new Map<string, NodeJS.Timeout>();
  #clusterReady = false;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  #lastTopologyRefresh = 0;

  constructor(options: RedisCacheOptions) {
    this.#options = options;
    const connectTimeout = Math.max(options.operationTimeoutMs, 1_000);
    this.#handshakeMs = connectTimeout * 2;

    let store: KeyvRedis<string>;
    if (options.clusterNodes !== undefined) {
      const cluster = createCluster({
        rootNodes: options.clusterNodes.map((url) => ({ url })),
        // Every node the slot map names is reached with these, not only the seeds.
        defaults: {
          ...nodeDefaults(options.clusterNodes[0] ?? '', { connectTimeout, reconnectStrategy: reconnectDelay }),
          // Fail at once while a node is disconnected instead of queueing commands without bound.
          disableOfflineQueue: true,
        },
        // connect() only reads the slot map (masters are then connected one by one, see
        // #connectMasters), so a master that is down at start-up does not hold up the others.
        minimizeConnections: true,
      });
      // Failed discoveries also reject connect(), which reports them; shards report by their operations.
      cluster.on('error', () => undefined);
      cluster.on('node-ready', (node: { host: string; port: number }) => this.#nodeReady(`${node.host}:${node.port}`));
      this.#cluster = cluster;
      this.#commands = cluster;
      store = new KeyvRedis(cluster, { throwOnErrors: true, throwOnConnectError: true });
      this.#connectCluster(0);
    } else {
      const client = createClient({
        url: options.url,
        disableOfflineQueue: true,
        socket: { connectTimeout, reconnectStrategy: reconnectDelay },
      });
      // Without a listener, a connection error would be thrown as an uncaught 'error' event.
      client.on('error', (error: unknown) => this.#failed(SINGLE, error));
      client.on('ready', () => this.#recovered(SINGLE));
      client.connect().catch((error: unknown) => this.#failed(SINGLE, error));
      // node-redis has no timeout on the handshake itself: a server that accepts and never answers is an outage too.
      setTimeout(() => {
        if (!client.isReady) this.#failed(SINGLE, new Error('Redis did not become ready in time'));
      }, this.#handshakeMs).unref();
      this.#client = client;
      this.#commands = client;
      store = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
    }

    // Both layers must throw: a Keyv that swallows a failed write would report Redis as healthy.
    this.#keyv = new Keyv<string>({ store, namespace: '', useKeyPrefix: false, throwOnErrors: true });
    this.#keyv.on('error', (error: unknown) => {
      // A cluster's failures are told apart by shard, from the operations themselves.
      if (this.#cluster === undefined) this.#failed(SINGLE, error);
    });
  }

  async get<T extends Cacheable = AccountSnapshot>(key: string): Promise<T | undefined> {
    const redisKey = PREFIX + key;
    const text = await this.#run(redisKey, undefined, (shard) => this.#storeOf(shard).get(redisKey));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  async set(key: string, snapshot: Cacheable, ttlSeconds: number): Promise<void> {
    const redisKey = PREFIX + key;
    await this.#run(redisKey, undefined, (shard) =>
      this.#storeOf(shard).set(redisKey, JSON.stringify(snapshot), { ttl: ttlSeconds }),
    );
  }

  async lease(key: string, ms: number): Promise<boolean> {
    const leaseKey = `${PREFIX}lease:${key}`;
    // When Redis cannot say, refreshing ourselves is the safe answer.
    return this.#run(leaseKey, true, async () => {
      const reply = await this.#commands.set(leaseKey, this.#instance, {
        condition: 'NX',
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ms)) },
      });
      return reply === 'OK';
    });
  }

  async release(key: string): Promise<void> {
    const leaseKey = `${PREFIX}lease:${key}`;
    await this.#run(leaseKey, undefined, async () => {
      // Only our own lease: one that expired and was taken by another instance stays theirs.
      const holder = await this.#commands.get(leaseKey);
      if (holder === this.#instance) await this.#commands.del(leaseKey);
    });
  }

  async leaseHeld(key: string): Promise<boolean> {
    const leaseKey = `${PREFIX}lease:${key}`;
    return this.#run(leaseKey, false, async () => (await this.#commands.exists(leaseKey)) === 1);
  }

  healthy(): boolean {
    if (this.#closed || !this.#connected() || this.#down.size > 0) return false;
    return this.#cluster === undefined || this.#cluster.masters.every((master) => this.#readyNodes.has(master.address));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#probeTimer);
    for (const timer of this.#handshakes.values()) clearTimeout(timer);
    if (this.#cluster !== undefined) {
      // Requests are answered by now, so nothing is pending: no need to wait on nodes that may be gone.
      this.#cluster.destroy();
      return;
    }
    const client = this.#client as RedisClient;
    if (client.isOpen) await client.close().catch(() => undefined);
    else client.destroy();
  }

  /** Reads the cluster's slot map; until that works, retries with backoff and every operation is a miss. */
  #connectCluster(retries: number): void {
    const cluster = this.#cluster as RedisCluster;
    // No node answering the handshake (a hung server) is an outage too, though connect() still waits.
    const watchdog = setTimeout(() => {
      if (!this.#clusterReady) this.#failed(TOPOLOGY, new Error('Redis Cluster did not answer in time'));
    }, this.#handshakeMs);
    watchdog.unref();
    cluster.connect().then(
      () => {
        clearTimeout(watchdog);
        if (this.#closed) return;
        this.#clusterReady = true;
        this.#recovered(TOPOLOGY);
        this.#connectMasters(cluster);
      },
      (error: unknown) => {
        clearTimeout(watchdog);
        if (this.#closed) return;
        this.#failed(TOPOLOGY, error);
        this.#retryTimer = setTimeout(() => this.#connectCluster(retries + 1), reconnectDelay(retries));
        this.#retryTimer.unref();
      },
    );
  }

  #connected(): boolean {
    return this.#cluster !== undefined ? this.#clusterReady : (this.#client as RedisClient).isReady;
  }

  /** The shard that holds a key: the master serving its slot now, for a cluster (undefined when none does). */
  #shardOf(redisKey: string): string | undefined {
    if (this.#cluster === undefined) return SINGLE;
    return this.#cluster.slots[calculateSlot(redisKey)]?.master.address;
  }

  #storeOf(shard: string): KeyvAdapter<string> {
    let store = this.#stores.get(shard);
    if (store === undefined) {
      store = new KeyvAdapter(this.#keyv);
      this.#stores.set(shard, store);
    }
    return store;
  }

  #policyOf(shard: string): IPolicy {
    let policy = this.#policies.get(shard);
    if (policy === undefined) {
      policy = wrap(
        circuitBreaker(handleAll, { halfOpenAfter: 1_000, breaker: new ConsecutiveBreaker(3) }),
        timeout(this.#options.operationTimeoutMs, TimeoutStrategy.Aggressive),
      );
      this.#policies.set(shard, policy);
    }
    return policy;
  }

  async #run<T>(redisKey: string, fallback: T, operation: (shard: string) => Promise<T>): Promise<T> {
    // Not connected (yet, or any more): a miss. The client's own events report real outages, so
    // a request that beats the first handshake raises no false alarm.
    if (this.#closed || !this.#connected()) return fallback;
    const shard = this.#shardOf(redisKey);
    if (shard === undefined) {
      // A slot missing from the map (the cluster was being resharded when it was read): a miss
      // until the map is read again.
      this.#refreshTopology();
      return fallback;
    }
    if (this.#cluster !== undefined && !this.#readyNodes.has(shard)) {
      // As with a single Redis: a request that beats a node's first handshake is a miss, not an outage.
      this.#connectNode(shard);
      return fallback;
    }
    try {
      const result = await this.#policyOf(shard).execute(() => operation(shard));
      this.#recovered(shard);
      return result;
    } catch (error) {
      // The breaker's own fast refusals are the outage already counted, not a new one.
      if (!(error instanceof BrokenCircuitError)) {
        this.#failed(shard, error);
        this.#refreshTopology();
      }
      return fallback;
    }
  }

  /**
   * node-redis reads the slot map again only on a MOVED reply, which a dead master never sends:
   * after a failover, its slots would stay routed to it until it came back. So a failing
   * cluster has its map read again (at most once a second), and a promoted replica takes over.
   * (`_slots.rediscover` is typed but underscored: the one call here outside node-redis's documented API.)
   */
  #refreshTopology(): void {
    const cluster = this.#cluster;
    if (cluster === undefined || this.#closed) return;
    const now = Date.now();
    if (now - this.#lastTopologyRefresh < TOPOLOGY_REFRESH_MS) return;
    this.#lastTopologyRefresh = now;
    // Any known node to start from: when it does not answer, the seed nodes are asked.
    const from =
      cluster.masters.find((master) => master.client?.isReady)?.client ?? cluster.masters.find((master) => master.client)?.client;
    if (from === undefined) return;
    cluster._slots.rediscover(from).then(
      () => {
        this.#forgetFormerMasters(cluster);
        this.#connectMasters(cluster);
      },
      () => undefined,
    );
  }

  /** Connects every master now rather than on a first request (which would then be a miss). */
  #connectMasters(cluster: RedisCluster): void {
    for (const master of cluster.masters) this.#connectNode(master.address);
  }

  /** Opens a master's connection; a first handshake that does not end in time is an outage of its shard. */
  #connectNode(address: string): void {
    const cluster = this.#cluster;
    if (cluster === undefined || this.#closed || this.#readyNodes.has(address) || this.#handshakes.has(address)) return;
    const node = cluster.nodeByAddress.get(address);
    if (node === undefined) return;
    // Resolves once connected; node-redis retries meanwhile, and 'node-ready' says when.
    cluster.nodeClient(node).catch(() => undefined);
    const deadline = setTimeout(() => {
      this.#handshakes.delete(address);
      if (!this.#readyNodes.has(address)) this.#failed(address, new Error('Redis Cluster node did not become ready in time'));
    }, this.#handshakeMs);
    deadline.unref();
    this.#handshakes.set(address, deadline);
  }

  #nodeReady(address: string): void {
    this.#readyNodes.add(address);
    clearTimeout(this.#handshakes.get(address));
    this.#handshakes.delete(address);
    this.#recovered(address);
  }

  /**
   * A master that is down and no longer in the slot map (a replica took its slots) is not an
   * outage any more. Redis keeps a failed master in the map until another takes over, so this
   * never hides a shard that is still down.
   */
  #forgetFormerMasters(cluster: RedisCluster): void {
    if (this.#closed) return;
    const masters = new Set(cluster.masters.map((master) => master.address));
    for (const shard of this.#down) {
      if (shard !== TOPOLOGY && !masters.has(shard)) this.#recovered(shard);
    }
  }

  /**
   * Asks each cluster shard that is down whether it is back: a key read in one of its slots,
   * which a node refuses while the cluster is down. A shard then recovers without waiting for
   * traffic (its keys may be asked for rarely: a lease lives on another shard than its value).
   */
  #probe(): void {
    const cluster = this.#cluster;
    if (cluster === undefined || this.#closed || !this.#clusterReady) return;
    for (const shard of this.#down) {
      if (shard === TOPOLOGY) continue;
      const key = probeKeyFor(shard, (slot) => cluster.slots[slot]?.master.address);
      // No slot of its own any more: the next slot map read forgets it.
      if (key === undefined) this.#refreshTopology();
      else void this.#run(key, 0, () => this.#commands.exists(key));
    }
  }

  #failed(shard: string, error: unknown): void {
    if (this.#closed || this.#down.has(shard)) return;
    const first = this.#down.size === 0;
    this.#down.add(shard);
    if (this.#cluster !== undefined && this.#probeTimer === undefined) {
      this.#probeTimer = setInterval(() => this.#probe(), PROBE_INTERVAL_MS);
      this.#probeTimer.unref();
    }
    if (first) this.#options.onOutage(error, shard === SINGLE || shard === TOPOLOGY ? undefined : shard);
  }

  #recovered(shard: string): void {
    if (this.#down.size === 0 || !this.#down.delete(shard) || this.#closed) return;
    if (this.#down.size > 0) return;
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
    this.#options.onRecovery();
  }
}

/** A key (never written) in one of the slots a shard serves, or undefined when it serves none. */
function probeKeyFor(shard: string, masterOf: (slot: number) => string | undefined): string | undefined {
  // A shard holds a third of the slots or so: a few tries find one of them.
  for (let i = 0; i < 1_000; i += 1) {
    const key = `${PREFIX}probe:${i}`;
    if (masterOf(calculateSlot(key)) === shard) return key;
  }
  return undefined;
}

/** The user, password and TLS of a cluster URL, for every node (config checks that all URLs agree). */
function nodeDefaults(url: string, socket: { connectTimeout: number; reconnectStrategy: (retries: number) => number }) {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    socket: parsed.protocol === 'rediss:' ? { ...socket, tls: true as const } : socket,
  };
}
