import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that equal settings always hash equally whatever the key
 * order in the analysis file. Non-finite numbers are written as strings to keep them distinct from null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(sortKeys);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Short, stable hash of any JSON-like value (used for stage keys). */
export function hashValue(value: unknown, length = 16): string {
  return sha256Hex(canonicalJson(value)).slice(0, length);
}
