/** Protobuf contracts: .proto trees read with locations, and their breaking changes in buf's rule ids. */
export { BUF_CATEGORIES, type BufConfig, DEFAULT_BUF_CONFIG } from './buf-config.js';
export { diffProtobuf } from './diff-protobuf.js';
export { MAX_PROTO_BYTES, type ProtoTreeRead, readProtoTree } from './read-proto-tree.js';
export { ProtoSyntaxError } from './proto-syntax-error.js';
export { readBufConfig } from './read-buf-config.js';
