// The spec stage's surface: load an OpenAPI 2.0 / 3.0 / 3.1 description, list its operations,
// find the operation for a request, and hand body schemas to validation and sample generation.
export { loadSpec, deref, isRef } from './load.js';
export type { Deref } from './load.js';
export { operations, webhooks, basePathOf } from './operations.js';
export { indexOperations, resolveOperation } from './resolve.js';
export type { OperationIndex, OperationMatch } from './resolve.js';
export { schemaFor, ajvDocuments, uriOf } from './json-schema.js';
export type { BodySchema } from './json-schema.js';
export type {
  Example,
  LoadedSpec,
  Location,
  MediaBody,
  Operation,
  Parameter,
  ParameterIn,
  RequestBody,
  ResponseSpec,
  SpecVersion,
} from './types.js';
export { findPartnerSpec, requirePartnerSpec } from './partner-spec.js';
export { createSpecValidator, SpecValidator, SEAM_CODES, summarize } from './validate.js';
export type {
  CheckedExchange,
  ExchangeCheck,
  RequestInput,
  ResponseInput,
  Skip,
  ValidationSummary,
  Violation,
  ViolationLocation,
  ViolationPart,
} from './validate.js';
export { requestResolver } from './request-template.js';
export type { RequestOperation } from './request-template.js';
