// Loaded with `node --import`: records the URL of every module the process resolves, one per line,
// in the file RECORD_MODULES names, so that a test can see what a command loads. The resolve hook
// sees every `import`; a `require` made by a CommonJS module is not resolved through it, so at exit
// the modules CommonJS loaded (its cache, which an `import` of a CommonJS module fills too) are
// recorded as well.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.RECORD_MODULES;
if (!file) throw new Error('RECORD_MODULES must name the file to record modules in');
register(new URL('./module-recorder-hooks.js', import.meta.url), { data: { file } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).map((path) => `${pathToFileURL(path).href}\n`);
  appendFileSync(file, loaded.join(''));
});
