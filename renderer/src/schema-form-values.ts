/** The part of JSON Schema a tool form is generated from; anything richer is edited as JSON. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface SchemaField {
  name: string;
  kind: FieldKind;
  required: boolean;
  schema: JsonSchema;
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

export function fieldsOf(schema: unknown): SchemaField[] {
  const s = (schema ?? {}) as JsonSchema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const type = typeOf(prop);
    const kind: FieldKind = prop.enum ? 'enum' : type === 'string' || type === 'number' || type === 'integer' || type === 'boolean' ? type : 'json';
    return { name, kind, required: required.has(name), schema: prop };
  });
}

export function initialValue(field: SchemaField): string | boolean {
  const d = field.schema.default;
  if (field.kind === 'boolean') return d === true;
  if (d === undefined) return '';
  return field.kind === 'json' ? JSON.stringify(d, null, 2) : String(d);
}

/** Form text → the arguments object; errors name the field, as a person sees it. */
export function argumentsOf(fields: SchemaField[], values: Record<string, string | boolean>): { args: Record<string, unknown>; errors: Record<string, string> } {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'boolean') {
      args[f.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (f.required) errors[f.name] = 'required';
      continue;
    }
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n))) errors[f.name] = f.kind === 'integer' ? 'a whole number' : 'a number';
      else args[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        args[f.name] = JSON.parse(text);
      } catch {
        errors[f.name] = 'not valid JSON';
      }
    } else if (f.kind === 'enum') {
      const option = f.schema.enum?.find((o) => String(o) === text);
      args[f.name] = option ?? text;
    } else {
      args[f.name] = text;
    }
  }
  return { args, errors };
}
