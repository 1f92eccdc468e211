import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Measure, measureCli } from './measure-cli.js';

const SERVICES = 300;
const MESSAGES = 30;
const FIELDS = 20;
const TYPES = ['string', 'int64', 'int32', 'bool', 'double', 'bytes'];

/**
 * One .proto file a service: MESSAGES messages of FIELDS fields (some of them messages of the
 * same file), an enum and a service of one method a message. `changed` edits one field's type,
 * deletes another and adds a third in every tenth service: what a release of a large fleet holds.
 */
export function protoOf(s: number, changed: boolean): string {
  const lines = ['syntax = "proto3";', `package fleet.svc${s}.v1;`, `option go_package = "example.com/fleet/svc${s}/v1";`, ''];
  lines.push(`enum State${s} {`, `  STATE${s}_UNSPECIFIED = 0;`, `  STATE${s}_ON = 1;`, '}', '');
  const edit = changed && s % 10 === 0;
  for (let m = 0; m < MESSAGES; m++) {
    lines.push(`message M${m} {`);
    for (let f = 1; f <= FIELDS; f++) {
      if (edit && m === 0 && f === 2) continue;
      const type = f % 7 === 0 && m > 0 ? `M${m - 1}` : f % 11 === 0 ? `State${s}` : TYPES[(m + f) % TYPES.length]!;
      const edited = edit && m === 1 && f === 3 ? 'int32' : type;
      lines.push(`  ${f % 5 === 0 ? 'repeated ' : ''}${edited} field_${f} = ${f};`);
    }
    if (edit && m === 2) lines.push(`  string added_${s} = ${FIELDS + 1};`);
    lines.push('}', '');
  }
  lines.push(`service Svc${s} {`);
  for (let m = 0; m < MESSAGES; m++) lines.push(`  rpc Call${m}(M${m}) returns (M${(m + 1) % MESSAGES});`);
  lines.push('}', '');
  return lines.join('\n');
}

/**
 * `tranche contract diff --kind protobuf` of two trees of SERVICES × MESSAGES × FIELDS (the
 * fleet's .proto files at two versions): every file read with its positions, the trees indexed,
 * and compared with buf's rules of WIRE_JSON (what running services see of each other).
 */
export function benchProtobuf(dir: string, bin: string, runs: number): Measure & { changes: number; bytes: number } {
  const bytes = writeProtobufTrees(dir);
  const measure = measureCli(bin, ['contract', 'diff', 'previous', 'current', '--kind', 'protobuf', '--category', 'WIRE_JSON', '--json'], dir, runs);
  const changes = (JSON.parse(measure.stdout) as { changes: unknown[] }).changes.length;
  return { ...measure, changes, bytes };
}

/** Writes the two trees, `previous/` and `current/`, in `dir`; returns how many bytes of .proto they hold. */
function writeProtobufTrees(dir: string): number {
  let bytes = 0;
  for (const [side, changed] of [
    ['previous', false],
    ['current', true],
  ] as const) {
    mkdirSync(join(dir, side), { recursive: true });
    for (let s = 0; s < SERVICES; s++) {
      const text = protoOf(s, changed);
      bytes += text.length;
      writeFileSync(join(dir, side, `svc${s}.proto`), text);
    }
  }
  return bytes;
}
