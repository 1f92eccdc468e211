/** Contract diffing: OpenAPI and JSON Schema compatibility classified in oasdiff's taxonomy. */
export { isBreaking, type ChangeLevel, type ContractChange, type ContractDiff } from "./contract-change.js";
export { diffOpenApi, type DiffOpenApiOptions } from "./diff-open-api.js";
export { diffJsonSchema, type SchemaDirection } from "./diff-json-schema.js";
export { loadOpenApi, parseSpecText, specErrorPosition, type SpecTextReader } from "./load-open-api.js";
export { compareFleetContracts, type CompareOptions, type ContractEdge } from "./contract-edges.js";
export { producerOf, type Consumption, type FleetContracts, type ProvidedSpec, type ServiceContracts } from "./fleet-contracts.js";
export { joinUri, resolveRefs, RefResolutionError, type DocumentReader, type ResolveRefsOptions } from "./resolve-refs.js";
export { ruleLevel, ruleIds } from "./rule-level.js";
export { buildFleetContracts, type ContractSources, type ParsedSpecs, type SourceFile, type SpecRoot } from "./build-fleet-contracts.js";
export { undefinedOperations } from "./undefined-operations.js";
