/**
 * Whether parsed JSON (or any hostile value) is a plain object whose fields
 * can be read: not `null`, not an array. Both threads read untrusted JSON.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
