/**
 * A worker thread's entry: tests regular expressions against text, one message at a time (see
 * `matchRegex`). It runs apart from the main thread so that a pattern that backtracks for minutes
 * blocks nothing there (the lock's heartbeat, the other checks), and can be terminated.
 */
import { parentPort } from 'node:worker_threads';
import type { RegexAnswer, RegexQuestion } from './match-regex.js';

parentPort!.on('message', ({ pattern, text }: RegexQuestion) => {
  let answer: RegexAnswer;
  try {
    answer = { matched: new RegExp(pattern).test(text) };
  } catch (error) {
    answer = { invalid: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
