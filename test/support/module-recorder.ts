// Loaded with `node --import`: records the URL of every module the process resolves, one per line,
// in the file RECORD_MODULES names, so that a test can see what a command loads.
import { register } from 'node:module';

const file = process.env.RECORD_MODULES;
if (!file) throw new Error('RECORD_MODULES must name the file to record modules in');
register(new URL('./module-recorder-hooks.js', import.meta.url), { data: { file } });
