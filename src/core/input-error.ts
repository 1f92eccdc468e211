/**
 * Input the user must fix before anything can run — a flag, a ref, a path, a fleet that cannot be
 * read. The CLI prints the message (no stack) and exits 2; nothing has been touched.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
