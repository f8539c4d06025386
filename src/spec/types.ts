// The shapes src/spec hands to later stages. Nodes of the spec are shared, never cloned:
// `schema` fields hold the node as written (it may contain `$ref`s); follow them with `deref`.

export type SpecVersion = '2.0' | '3.0' | '3.1';

/** Where a node lives: an absolute file path and a JSON pointer into that file's document. */
export interface Location {
  file: string;
  pointer: string;
}

export interface LoadedSpec {
  /** Absolute path of the root document. */
  readonly file: string;
  readonly version: SpecVersion;
  /** The raw `openapi` / `swagger` string, e.g. `3.0.2`. */
  readonly versionString: string;
  readonly document: Record<string, unknown>;
  /** Every document read while resolving external refs, by absolute path (the root included). */
  readonly documents: ReadonlyMap<string, unknown>;
}

export type ParameterIn = 'path' | 'query' | 'header' | 'cookie' | 'formData';

export interface Parameter {
  name: string;
  in: ParameterIn;
  required: boolean;
  deprecated: boolean;
  /** 3.x: the parameter's `schema`; 2.0: the parameter object itself (type, format, items, enum…). */
  schema: unknown;
  at: Location;
  /** 3.x serialisation hints, when given. */
  style?: string;
  explode?: boolean;
}

export interface Example {
  name: string;
  value: unknown;
}

/** One media type of a request or response body. */
export interface MediaBody {
  mediaType: string;
  /** The schema node as written (may hold `$ref`s), or a synthesized object schema for 2.0 formData. */
  schema?: unknown;
  /** Where `schema` lives; absent for synthesized schemas. */
  schemaAt?: Location;
  /** `example` and the `examples` map (3.x), or the 2.0 response `examples[mediaType]`, refs resolved. */
  examples: Example[];
}

export interface RequestBody {
  required: boolean;
  content: MediaBody[];
}

export interface ResponseSpec {
  /** `200`, `2XX` or `default`, as written. */
  status: string;
  description?: string;
  /** Response headers by name (lower-case), the header object with refs resolved one level. */
  headers: Record<string, unknown>;
  content: MediaBody[];
  at: Location;
}

export interface Operation {
  /**
   * `GET /v1/customers/{customer}`: upper-case method and the path template without base path;
   * for a webhook, the method and its name (`POST balancePlatform.transfer.created`).
   */
  id: string;
  method: string;
  pathTemplate: string;
  operationId?: string;
  summary?: string;
  /** Path-item and operation parameters merged (operation wins), refs resolved; no body params. */
  parameters: Parameter[];
  /** 3.x `requestBody`, or 2.0 `in: body` / `in: formData` parameters normalised into one. */
  requestBody?: RequestBody;
  responses: ResponseSpec[];
  deprecated: boolean;
  /** Server URLs in force for this operation (3.x), or the 2.0 host + basePath. */
  servers: string[];
  /** Path parts of `servers` (`/v1`, `/2.0`, or `` for none); the first is the preferred one. */
  basePaths: string[];
  /** Set for a 3.1 `webhooks` entry: its name (also in `pathTemplate`). Not indexed for path resolution. */
  webhook?: string;
  at: Location;
}
