// The thread behind CatFileBatch: runs `git cat-file --batch` and answers as git does, one
// message per object asked, so that git never waits for a busy main thread to read, and the main
// thread neither joins chunks nor copies contents out of them. In: `{ write }` (to git's stdin)
// or `{ end }`. Out: `{ blob }` (an object's content, handed over) or `{ missing }` per object
// in the order asked, `{ error }`, and last `{ exit, stderr }`.
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { CatFileFraming } from './cat-file-framing.js';

const port = parentPort!;
const { cwd, env } = workerData as { cwd: string; env: NodeJS.ProcessEnv };
const child = spawn('git', ['cat-file', '--batch'], { cwd, env });

port.on('message', (message: { write?: string; end?: true }) => {
  if (message.write !== undefined) child.stdin.write(message.write);
  if (message.end) child.stdin.end();
});
const framing = new CatFileFraming((content) => {
  if (content === undefined) port.postMessage({ missing: true });
  else port.postMessage({ blob: content.buffer }, [content.buffer as ArrayBuffer]);
});
child.stdout.on('data', (chunk: Buffer) => framing.push(chunk));
let stderr = '';
child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
child.on('error', (error) => port.postMessage({ error: error.message }));
child.stdin.on('error', (error) => port.postMessage({ error: `git cat-file --batch: ${error.message}` }));
child.on('close', (code) => {
  port.postMessage({ exit: code, stderr: stderr.trim() });
  port.close();
});
