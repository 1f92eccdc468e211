import avro from 'avsc';

/** Why `schema` is not an Avro schema, or undefined when it is one. */
export function checkAvroSchema(schema: unknown): string | undefined {
  try {
    avro.Type.forSchema(schema as avro.Schema);
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

/**
 * Why data written with `writer` cannot be read with `reader` under Avro's schema resolution
 * (fields added without a default, types that do not promote, symbols removed, …), or undefined
 * when every message the writer may produce reads. Both are valid Avro schemas (the reader checked).
 */
export function avroIncompatibility(reader: unknown, writer: unknown): string | undefined {
  try {
    avro.Type.forSchema(reader as avro.Schema).createResolver(avro.Type.forSchema(writer as avro.Schema));
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
