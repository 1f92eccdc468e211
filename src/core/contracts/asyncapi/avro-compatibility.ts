import { createRequire } from 'node:module';
import type avro from 'avsc';

let loaded: typeof avro | undefined;

/** avsc, loaded by the first Avro schema read: every contract analysis would load it otherwise, and most fleets have none. */
function avsc(): typeof avro {
  loaded ??= createRequire(import.meta.url)('avsc') as typeof avro;
  return loaded;
}

/** Why `schema` is not an Avro schema, or undefined when it is one. */
export function checkAvroSchema(schema: unknown): string | undefined {
  try {
    avsc().Type.forSchema(schema as avro.Schema);
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
    const { Type } = avsc();
    Type.forSchema(reader as avro.Schema).createResolver(Type.forSchema(writer as avro.Schema));
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
