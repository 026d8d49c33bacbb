import type { z } from 'zod';

/**
 * Schema problems of files from media, worded without their content. zod's own message for
 * an unknown key quotes the key (`Unrecognized key: "API_TOKEN"`); here it says where and
 * which keys were expected instead. Every other zod message names the expected type, value
 * or form, never the value found.
 */
export function issueText(issue: z.core.$ZodIssue, schema: z.ZodType, root: unknown): string {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const where = path.join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const here = valueAt(root, path);
    const allowed = allowedKeysAt(
      schema,
      path,
      here !== null && typeof here === 'object' && !Array.isArray(here) ? (here as Record<string, unknown>) : {},
      issue.keys,
    );
    return `${where}: ${issue.keys.length === 1 ? 'an unknown key' : `${issue.keys.length} unknown keys`}: expected ${allowed.length > 0 ? `only ${allowed.join(', ')}` : 'only the keys of this format'}`;
  }
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

/**
 * The keys the schema allows at `path` (for the "expected" of an unknown key), [] if unsure.
 * Of a union's forms only those that fit the mapping are counted: every known key in it is
 * theirs and its literal fields (a discriminator such as `store: pkcs11`) match.
 */
export function allowedKeysAt(schema: z.ZodType, path: readonly (string | number)[], here: Record<string, unknown>, unknown: readonly string[]): string[] {
  const fits = (shape: Record<string, z.ZodType>) =>
    Object.entries(here).every(([k, v]) => {
      if (unknown.includes(k)) return true;
      const field = shape[k];
      if (!field) return false;
      const def = (field as unknown as { _zod?: { def?: { type?: string; values?: unknown[] } } })._zod?.def;
      return def?.type !== 'literal' || (def.values ?? []).includes(v);
    });
  const objects = objectsAt(schema, path, 0);
  const fitting = objects.filter(fits);
  const keys = new Set<string>();
  for (const o of fitting.length > 0 ? fitting : objects) for (const k of Object.keys(o)) keys.add(k);
  return [...keys].sort();
}

function objectsAt(schema: z.ZodType, path: readonly (string | number)[], depth: number): Record<string, z.ZodType>[] {
  if (depth > 64) return [];
  const def = (schema as unknown as { _zod?: { def?: SchemaDef } })._zod?.def;
  if (!def) return [];
  const again = (s: z.ZodType | undefined, p = path) => (s ? objectsAt(s, p, depth + 1) : []);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
    case 'success':
      return again(def.innerType);
    case 'pipe':
      return again(def.in);
    case 'lazy':
      return again(def.getter?.());
    case 'union':
      return (def.options ?? []).flatMap((o) => again(o));
    case 'object':
      if (path.length === 0) return def.shape ? [def.shape] : [];
      return again(def.shape?.[String(path[0])], path.slice(1));
    case 'array':
      return path.length === 0 ? [] : again(def.element, path.slice(1));
    case 'record':
      return path.length === 0 ? [] : again(def.valueType, path.slice(1));
    default:
      return [];
  }
}
