import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import protobuf from 'protobufjs';
import { parseProto } from '../../../../src/core/contracts/protobuf/parse-proto.js';
import type { ProtoMessage } from '../../../../src/core/contracts/protobuf/proto-model.js';
import { walkMessages } from '../../../../src/core/contracts/protobuf/read-proto-tree.js';
import { bufCorpusDir } from './buf-corpus-dir.js';

const dir = bufCorpusDir;

function protoFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? protoFiles(path) : entry.name.endsWith('.proto') ? [path] : [];
  });
}

/** Every message with its fields (number, name, type as written, repeated or not), keyed by full name. */
type Shape = Record<string, string[]>;

function ours(text: string, path: string): Shape {
  const shape: Shape = {};
  const file = parseProto(text, path);
  walkMessages(file.messages, (message: ProtoMessage) => {
    if (message.implicit) return;
    shape[message.fullName] = message.fields
      .filter((f) => !f.group)
      .map((f) => `${f.number} ${f.name} ${f.map ? `map<${f.map.key},${f.map.value}>` : f.type}${f.label === 'repeated' ? ' repeated' : ''}`)
      .sort();
  });
  return shape;
}

function theirs(text: string): Shape {
  const shape: Shape = {};
  const { root: parsed } = protobuf.parse(text, { keepCase: true });
  const visit = (namespace: protobuf.NamespaceBase) => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        // protobufjs represents a proto2 group as a message with a field of its type; we compare plain fields.
        if (!(nested as protobuf.Type & { group?: boolean }).group)
          shape[nested.fullName.slice(1)] = nested.fieldsArray
            .filter((f) => !f.name.startsWith('.')) // an extension protobufjs lists on the message it extends
            .filter((f) => !(f.resolvedType as (protobuf.Type & { group?: boolean }) | null)?.group && !isGroupField(nested, f))
            .map((f) =>
              f instanceof protobuf.MapField ? `${f.id} ${f.name} map<${f.keyType},${f.type}>` : `${f.id} ${f.name} ${f.type}${f.repeated ? ' repeated' : ''}`,
            )
            .sort();
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(parsed);
  return shape;
}

/** protobufjs names a group's field after the group in lower case and its type after the group. */
function isGroupField(owner: protobuf.Type, field: protobuf.Field): boolean {
  const nested = owner.nested?.[field.type] as (protobuf.Type & { group?: boolean }) | undefined;
  return nested?.group === true;
}

it('reads the messages, fields, numbers and types protobufjs reads, on every .proto of the buf corpus', () => {
  assert.ok(existsSync(join(dir, 'cases.json')), `buf corpus not found at ${dir} (set TRANCHE_BUF_CORPUS)`);
  const files = protoFiles(join(dir, 'data'));
  assert.ok(files.length > 100);
  const differ: string[] = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const reference = theirs(text);
    const mine = ours(text, path);
    try {
      assert.deepEqual(mine, reference);
    } catch {
      differ.push(path);
    }
  }
  assert.deepEqual(differ, []);
});
