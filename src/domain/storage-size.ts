import Big from 'big.js';

import type { StorageSize } from './account';
import type { StorageUnit } from './vocabulary';
import { canonicalDecimal } from './money';

/** Decimal units, as storage is sold: 1 TB = 1000 GB, 1 GB = 1000 MB (not 1024). */
const GIGABYTES_PER_UNIT: Readonly<Record<StorageUnit, string>> = { MB: '0.001', GB: '1', TB: '1000' };

const SIZE = /^(\d+(?:\.\d+)?)\s*(MB|GB|TB)$/i;

/** Reads "3GB", "7 GB", "512MB", "1.5gb" (decimal units, 1 GB = 1000 MB); anything else keeps only its raw. Never throws. */
export function parseStorageSize(raw: string): StorageSize {
  const match = SIZE.exec(raw.trim());
  const number = match?.[1];
  const unit = match?.[2]?.toUpperCase() as StorageUnit | undefined;
  if (number === undefined || unit === undefined) return { raw, value: null, unit: null, gigabytes: null };
  return {
    raw,
    // On the text, as money is: exact, and no limit on decimals to throw at.
    value: canonicalDecimal(number),
    unit,
    // Exact arithmetic first, so 512 MB is 0.512 and not 0.5120000000000001.
    gigabytes: new Big(number).times(GIGABYTES_PER_UNIT[unit]).toNumber(),
  };
}
