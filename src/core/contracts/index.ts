/** Contract diffing: OpenAPI and JSON Schema compatibility classified in oasdiff's taxonomy, protobuf in buf's. */
export { isBreaking, type ContractChange, type ContractDiff } from './contract-change.js';
export { diffOpenApi } from './diff-open-api.js';
export { diffJsonSchema } from './diff-json-schema.js';
export { loadOpenApi, parseSpecText, specErrorPosition } from './load-open-api.js';
export { compareFleetContracts, type ContractEdge, type ContractKind } from './contract-edges.js';
export type { Consumption, FleetContracts, ServiceContracts } from './fleet-contracts.js';
export { joinUri, resolveRefs, RefResolutionError } from './resolve-refs.js';
export { buildFleetContracts, type ContractSources, type ParsedSpecs, type SpecRoot } from './build-fleet-contracts.js';
export { undefinedOperations } from './undefined-operations.js';
export { undefinedMethods } from './undefined-methods.js';
export { unsentEvents } from './unsent-events.js';
