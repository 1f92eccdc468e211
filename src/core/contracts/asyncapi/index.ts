/** AsyncAPI 2.x and 3.0 contracts: channels, the messages an application sends and receives, and their diff. */
export { type AsyncApiContract, AsyncApiProblem } from './async-api-model.js';
export { diffAsyncApi } from './diff-async-api.js';
export { specLocator } from './locate-in-spec.js';
export { readAsyncApi } from './read-async-api.js';
