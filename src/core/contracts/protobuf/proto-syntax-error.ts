import { InputError } from '../../input-error.js';

/**
 * A .proto file tranche cannot read: the message names the file and the 1-based line and column
 * of the first problem (`a/b.proto:3:7: expected ";"`), so the CLI prints it as it is (exit 2).
 */
export class ProtoSyntaxError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'ProtoSyntaxError';
  }
}
