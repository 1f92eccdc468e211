/** Protobuf contracts: .proto trees read with locations, and their breaking changes in buf's rule ids. */
export { BUF_CATEGORIES, DEFAULT_BUF_CONFIG } from './buf-config.js';
export { diffProtobuf } from './diff-protobuf.js';
export { readProtoTree } from './read-proto-tree.js';
export { ProtoSyntaxError } from './proto-syntax-error.js';
