// The structural-schema subset kube-apiserver applies to custom resources (prune, default, validate) and the
// ObjectMeta/Secret rules of the built-ins, with the API server's own field paths and messages.
import type { StatusCause } from './status';

export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  default?: unknown;
  format?: string;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function goValue(value: Json): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return '"null"';
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value));
  return String(value);
}

function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Paths of fields the schema does not declare; with fieldValidation=Strict each is an error, otherwise dropped. */
export function prune(value: Json, schema: JsonSchema | undefined, path: string, unknown: string[]): void {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (isObject(value)) {
    const extra = schema.additionalProperties;
    for (const key of Object.keys(value)) {
      const prop = schema.properties?.[key] ?? (isObject(extra) ? extra : undefined);
      if (prop) prune(value[key], prop, child(path, key), unknown);
      else if (extra !== true) {
        unknown.push(child(path, key));
        delete value[key];
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => prune(item, schema.items, `${path}[${i}]`, unknown));
  }
}

/** OpenAPI `default`s for absent properties, recursively inside what is present. */
export function applyDefaults(value: Json, schema: JsonSchema | undefined): void {
  if (!schema) return;
  if (isObject(value)) {
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      if (!(key in value) && prop.default !== undefined) value[key] = structuredClone(prop.default);
      if (key in value) applyDefaults(value[key], prop);
    }
    if (isObject(schema.additionalProperties)) {
      for (const key of Object.keys(value)) if (!schema.properties?.[key]) applyDefaults(value[key], schema.additionalProperties);
    }
  } else if (Array.isArray(value) && schema.items) {
    for (const item of value) applyDefaults(item, schema.items);
  }
}

export function validateSchema(value: Json, schema: JsonSchema, path: string, causes: StatusCause[]): void {
  if (value === null) {
    if (schema.nullable) return;
    if (schema.type) causes.push({ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"` });
    return;
  }
  if (schema.type) {
    const actual = typeName(value);
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      causes.push({ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"` });
      return;
    }
  }
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    causes.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${goValue(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) causes.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
    if (schema.minLength !== undefined && value.length < schema.minLength) causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${goValue(value)}: ${path} in body should be at least ${schema.minLength} chars long` });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${goValue(value)}: ${path} in body should match '${schema.pattern}'` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    if (schema.items) value.forEach((item, i) => validateSchema(item, schema.items!, `${path}[${i}]`, causes));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (!(key in value)) causes.push({ reason: 'FieldValueRequired', field: child(path, key), message: 'Required value' });
    }
    for (const [key, item] of Object.entries(value)) {
      const prop = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (prop) validateSchema(item, prop, child(path, key), causes);
    }
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function validateName(name: unknown, kind: 'subdomain' | 'label', causes: StatusCause[]): void {
  if (typeof name !== 'string' || name === '') {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
    return;
  }
  if (kind === 'subdomain' && (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  if (kind === 'label' && (name.length > 63 || !DNS1123_LABEL.test(name))) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    });
  }
}

function validQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  return prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
}

export function validateMetadata(metadata: JsonObject, causes: StatusCause[]): void {
  const labels = metadata.labels;
  if (labels !== undefined && labels !== null) {
    if (!isObject(labels)) causes.push({ reason: 'FieldValueTypeInvalid', field: 'metadata.labels', message: 'Invalid value: must be a map of strings' });
    else {
      for (const [key, value] of Object.entries(labels)) {
        if (!validQualifiedKey(key)) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
        if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'metadata.labels',
            message: `Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
          });
        }
      }
    }
  }
  const annotations = metadata.annotations;
  if (annotations !== undefined && annotations !== null && isObject(annotations)) {
    for (const [key, value] of Object.entries(annotations)) {
      if (!validQualifiedKey(key)) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.'` });
      if (typeof value !== 'string') causes.push({ reason: 'FieldValueTypeInvalid', field: `metadata.annotations.${key}`, message: 'Invalid value: must be a string' });
    }
  }
}

const SECRET_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_SECRET_BYTES = 1024 * 1024;

/** Top-level fields a Secret does not have: strict decoding rejects them, the rest drop them. */
export function unknownSecretFields(secret: JsonObject): string[] {
  return Object.keys(secret).filter((key) => !SECRET_FIELDS.has(key));
}

/** Decoding errors come before validation (400), as JSON decoding of []byte does in the API server. */
export function secretDecodingProblem(secret: JsonObject): string | undefined {
  const data = secret.data;
  if (data === undefined || data === null) return undefined;
  if (!isObject(data)) return 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal data into Go struct field Secret.data of type map[string][]uint8';
  for (const value of Object.values(data)) {
    if (typeof value !== 'string' || !BASE64.test(value)) return 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0';
  }
  return undefined;
}

/** stringData is write-only: the API server folds it into data (base64) before storing. */
export function foldStringData(secret: JsonObject): void {
  const stringData = secret.stringData;
  if (isObject(stringData)) {
    const data = isObject(secret.data) ? secret.data : {};
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
  if (secret.type === undefined || secret.type === '') secret.type = 'Opaque';
  if (isObject(secret.data) && Object.keys(secret.data).length === 0) delete secret.data;
}

export function validateSecret(secret: JsonObject, previous: JsonObject | undefined, causes: StatusCause[]): void {
  const data = isObject(secret.data) ? secret.data : {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    if (!CONFIG_KEY.test(key)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `data[${key}]`,
        message: `Invalid value: ${JSON.stringify(key)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      });
    }
    size += Buffer.from(String(value), 'base64').length;
  }
  if (size > MAX_SECRET_BYTES) causes.push({ reason: 'FieldValueTooLong', field: 'data', message: `Too long: may not be more than ${MAX_SECRET_BYTES} bytes` });
  if (previous && previous.type !== secret.type) causes.push({ reason: 'FieldValueInvalid', field: 'type', message: `Invalid value: ${JSON.stringify(secret.type)}: field is immutable` });
  if (previous?.immutable === true && JSON.stringify(previous.data ?? {}) !== JSON.stringify(secret.data ?? {})) {
    causes.push({ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' });
  }
}
