/** How the operation label budget behaves; the defaults suit one subgraph's metrics. */
export interface OperationLabelOptions {
  /** Most operation names that hold a label of their own at once. */
  readonly capacity?: number;
  /** Most names whose recent volume is tracked (labelled ones included). */
  readonly tracked?: number;
  /** How fast old traffic stops counting: a request this long ago weighs half as much as one now. */
  readonly halfLifeMs?: number;
  /** A name takes the slot of the least-used labelled name only with more than this many times its recent volume. */
  readonly displaceFactor?: number;
  /** Told when a name loses its label, so its series can be dropped. */
  readonly onEvict?: (name: string) => void;
  readonly now?: () => number;
}

const SHAPE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Operation names as a Prometheus label that clients cannot exhaust. Each name's recent volume
 * is tracked with exponential decay; while there is room every well-formed name gets a label,
 * and once the labels are full a name takes the slot of the least-used labelled one only with
 * several times its recent volume. Junk names sent once each therefore cannot keep a real
 * operation out: it wins a slot back after a few requests, without a restart, and a name nobody
 * sends any more loses its slot to one that is sent. At most `capacity` names are labelled at
 * once; everything else is "other".
 */
export class OperationLabels {
  readonly #capacity: number;
  readonly #tracked: number;
  readonly #halfLifeMs: number;
  readonly #displaceFactor: number;
  readonly #onEvict: (name: string) => void;
  readonly #now: () => number;
  /** Decayed volume per name, scaled to #epoch so that a hit never needs the others updated. */
  readonly #weights = new Map<string, number>();
  readonly #labelled = new Set<string>();
  #epoch: number;

  constructor(options: OperationLabelOptions = {}) {
    this.#capacity = options.capacity ?? 200;
    this.#tracked = Math.max(options.tracked ?? 1_000, this.#capacity + 1);
    this.#halfLifeMs = options.halfLifeMs ?? 10 * 60_000;
    this.#displaceFactor = options.displaceFactor ?? 2;
    this.#onEvict = options.onEvict ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#epoch = this.#now();
  }

  /** The label for one request's operation name: the name itself, `fallback` when there is none, or "other". */
  label(raw: string | null | undefined, fallback: string): string {
    if (!raw) return fallback;
    if (!SHAPE.test(raw)) return 'other';
    const weight = this.#hit(raw);
    if (this.#labelled.has(raw)) return raw;
    if (this.#labelled.size < this.#capacity) {
      this.#labelled.add(raw);
      return raw;
    }
    const weakest = this.#weakest(this.#labelled);
    if (weakest !== undefined && weight > this.#displaceFactor * (this.#weights.get(weakest) ?? 0)) {
      this.#labelled.delete(weakest);
      this.#onEvict(weakest);
      this.#labelled.add(raw);
      return raw;
    }
    return 'other';
  }

  /** The names holding a label now. */
  labelled(): ReadonlySet<string> {
    return this.#labelled;
  }

  /** Adds one request to a name's decayed volume and returns that volume (in the current scale). */
  #hit(name: string): number {
    const now = this.#now();
    // Weights grow as 2^(t / halfLife); rescale long before a double could overflow.
    if ((now - this.#epoch) / this.#halfLifeMs > 64) this.#rescale(now);
    const increment = 2 ** ((now - this.#epoch) / this.#halfLifeMs);
    const known = this.#weights.get(name);
    if (known === undefined && this.#weights.size >= this.#tracked) {
      // Forget the least-used name that holds no label: a one-off junk name, most likely.
      const unlabelled = [...this.#weights.keys()].filter((key) => !this.#labelled.has(key));
      const weakest = this.#weakest(unlabelled);
      if (weakest !== undefined) this.#weights.delete(weakest);
    }
    const weight = (known ?? 0) + increment;
    this.#weights.set(name, weight);
    return weight;
  }

  #weakest(names: Iterable<string>): string | undefined {
    let weakest: string | undefined;
    let least = Number.POSITIVE_INFINITY;
    for (const name of names) {
      const weight = this.#weights.get(name) ?? 0;
      if (weight < least) {
        least = weight;
        weakest = name;
      }
    }
    return weakest;
  }

  #rescale(now: number): void {
    const factor = 2 ** (-(now - this.#epoch) / this.#halfLifeMs);
    for (const [name, weight] of this.#weights) this.#weights.set(name, weight * factor);
    this.#epoch = now;
  }
}
