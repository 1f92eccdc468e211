/** A version of buf's configuration: categories and some rules differ between them. */
export type BufConfigVersion = 'v1beta1' | 'v1' | 'v2';

/**
 * Per buf rule id: its categories in each config version it exists in (absent: not in that
 * version), and for a deprecated id the ids that replace it. Facts of buf's documentation.
 */
export interface BufRuleFacts {
  categories: Partial<Record<BufConfigVersion, readonly string[]>>;
  replacedBy?: readonly string[];
  /** A deprecated id that checks nothing any more. */
  noop?: true;
}

export const BUF_RULES: Readonly<Record<string, BufRuleFacts>> = {
  ENUM_NO_DELETE: { categories: { v1beta1: ['FILE'], v1: ['FILE'], v2: ['CSR', 'FILE'] } },
  ENUM_SAME_JSON_FORMAT: {
    categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] },
  },
  ENUM_SAME_TYPE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  ENUM_VALUE_NO_DELETE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED: { categories: { v1beta1: ['WIRE_JSON'], v1: ['WIRE_JSON'], v2: ['CSR', 'WIRE_JSON'] } },
  ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED: { categories: { v1beta1: ['WIRE_JSON', 'WIRE'], v1: ['WIRE_JSON', 'WIRE'], v2: ['CSR', 'WIRE_JSON', 'WIRE'] } },
  ENUM_VALUE_SAME_NAME: {
    categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] },
  },
  EXTENSION_MESSAGE_NO_DELETE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  EXTENSION_NO_DELETE: { categories: { v2: ['FILE'] } },
  FIELD_NO_DELETE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  FIELD_NO_DELETE_UNLESS_NAME_RESERVED: { categories: { v1beta1: ['WIRE_JSON'], v1: ['WIRE_JSON'], v2: ['CSR', 'WIRE_JSON'] } },
  FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED: { categories: { v1beta1: ['WIRE_JSON', 'WIRE'], v1: ['WIRE_JSON', 'WIRE'], v2: ['CSR', 'WIRE_JSON', 'WIRE'] } },
  FIELD_SAME_CARDINALITY: { categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FIELD_SAME_CPP_STRING_TYPE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FIELD_SAME_CTYPE: { categories: { v1beta1: [], v1: [] }, replacedBy: ['FIELD_SAME_CPP_STRING_TYPE'] },
  FIELD_SAME_DEFAULT: { categories: { v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'] } },
  FIELD_SAME_JAVA_UTF8_VALIDATION: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FIELD_SAME_JSON_NAME: {
    categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] },
  },
  FIELD_SAME_JSTYPE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FIELD_SAME_LABEL: {
    categories: { v1beta1: [], v1: [] },
    replacedBy: ['FIELD_SAME_CARDINALITY', 'FIELD_WIRE_COMPATIBLE_CARDINALITY', 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY'],
  },
  FIELD_SAME_NAME: {
    categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] },
  },
  FIELD_SAME_ONEOF: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  FIELD_SAME_TYPE: { categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  FIELD_SAME_UTF8_VALIDATION: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FIELD_WIRE_COMPATIBLE_CARDINALITY: { categories: { v1beta1: ['WIRE'], v1: ['WIRE'], v2: ['WIRE'] } },
  FIELD_WIRE_COMPATIBLE_TYPE: { categories: { v1: ['WIRE'], v2: ['WIRE'] } },
  FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY: { categories: { v1beta1: ['WIRE_JSON'], v1: ['WIRE_JSON'], v2: ['CSR', 'WIRE_JSON'] } },
  FIELD_WIRE_JSON_COMPATIBLE_TYPE: { categories: { v1: ['WIRE_JSON'], v2: ['CSR', 'WIRE_JSON'] } },
  FILE_NO_DELETE: { categories: { v1beta1: ['FILE'], v1: ['FILE'], v2: ['CSR', 'FILE'] } },
  FILE_SAME_CC_ENABLE_ARENAS: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_CC_GENERIC_SERVICES: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_CSHARP_NAMESPACE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_GO_PACKAGE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_JAVA_GENERIC_SERVICES: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_JAVA_MULTIPLE_FILES: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_JAVA_OUTER_CLASSNAME: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_JAVA_PACKAGE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_JAVA_STRING_CHECK_UTF8: { categories: { v1beta1: [], v1: [] }, replacedBy: ['FIELD_SAME_JAVA_UTF8_VALIDATION'] },
  FILE_SAME_OBJC_CLASS_PREFIX: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_OPTIMIZE_FOR: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_PACKAGE: { categories: { v1beta1: ['FILE'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'] } },
  FILE_SAME_PHP_CLASS_PREFIX: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_PHP_GENERIC_SERVICES: { categories: { v1beta1: [], v1: [] }, noop: true },
  FILE_SAME_PHP_METADATA_NAMESPACE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_PHP_NAMESPACE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_PY_GENERIC_SERVICES: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_RUBY_PACKAGE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_SWIFT_PREFIX: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  FILE_SAME_SYNTAX: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  MESSAGE_NO_DELETE: { categories: { v1beta1: ['FILE'], v1: ['FILE'], v2: ['CSR', 'FILE'] } },
  MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  MESSAGE_SAME_JSON_FORMAT: {
    categories: { v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v1: ['FILE', 'PACKAGE', 'WIRE_JSON'], v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] },
  },
  MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT: { categories: { v1beta1: [], v1: [], v2: [] }, noop: true },
  MESSAGE_SAME_REQUIRED_FIELDS: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  ONEOF_NO_DELETE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['CSR', 'FILE', 'PACKAGE'] } },
  PACKAGE_ENUM_NO_DELETE: { categories: { v1beta1: ['PACKAGE'], v1: ['PACKAGE'], v2: ['PACKAGE'] } },
  PACKAGE_EXTENSION_NO_DELETE: { categories: { v2: ['PACKAGE'] } },
  PACKAGE_MESSAGE_NO_DELETE: { categories: { v1beta1: ['PACKAGE'], v1: ['PACKAGE'], v2: ['PACKAGE'] } },
  PACKAGE_NO_DELETE: { categories: { v1beta1: ['PACKAGE'], v1: ['PACKAGE'], v2: ['PACKAGE'] } },
  PACKAGE_SERVICE_NO_DELETE: { categories: { v1beta1: ['PACKAGE'], v1: ['PACKAGE'], v2: ['PACKAGE'] } },
  RESERVED_ENUM_NO_DELETE: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RESERVED_MESSAGE_NO_DELETE: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RPC_NO_DELETE: { categories: { v1beta1: ['FILE', 'PACKAGE'], v1: ['FILE', 'PACKAGE'], v2: ['FILE', 'PACKAGE'] } },
  RPC_SAME_CLIENT_STREAMING: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RPC_SAME_IDEMPOTENCY_LEVEL: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RPC_SAME_REQUEST_TYPE: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RPC_SAME_RESPONSE_TYPE: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  RPC_SAME_SERVER_STREAMING: {
    categories: {
      v1beta1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v1: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
      v2: ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
  },
  SERVICE_NO_DELETE: { categories: { v1beta1: ['FILE'], v1: ['FILE'], v2: ['FILE'] } },
};
