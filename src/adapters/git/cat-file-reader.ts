// The thread behind CatFileBatch: runs `git cat-file --batch` and relays its output as it comes,
// so that git never waits for a busy main thread to read. In: `{ write }` (to git's stdin) or
// `{ end }`. Out: `{ data }` (stdout bytes, handed over), `{ error }`, and last `{ exit, stderr }`.
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort!;
const { cwd, env } = workerData as { cwd: string; env: NodeJS.ProcessEnv };
const child = spawn('git', ['cat-file', '--batch'], { cwd, env });

port.on('message', (message: { write?: string; end?: true }) => {
  if (message.write !== undefined) child.stdin.write(message.write);
  if (message.end) child.stdin.end();
});
child.stdout.on('data', (chunk: Buffer) => {
  // A chunk read from a pipe owns its memory; handing it over moves it, a slice would be copied.
  const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
  const data = owned ? chunk.buffer : chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
  port.postMessage({ data }, [data as ArrayBuffer]);
});
let stderr = '';
child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
child.on('error', (error) => port.postMessage({ error: error.message }));
child.stdin.on('error', (error) => port.postMessage({ error: `git cat-file --batch: ${error.message}` }));
child.on('close', (code) => {
  port.postMessage({ exit: code, stderr: stderr.trim() });
  port.close();
});
