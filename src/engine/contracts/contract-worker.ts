/** A worker thread's entry: compares the groups of one share of the contracts as they come (see `analyzeContractShares`). */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../../core/input-error.js';
import { type ContractAnalysis, compareShare, type WorkerAnswer, type WorkerMessage } from './analyze-contracts.js';

// Started before its share is known (`ContractWorkers`): the groups come as messages, then the end.
const whole: ContractAnalysis = { edges: [], toFindings: [], fromFindings: [] };
/** Input the user must fix, met in a group: the answer, once the end comes. */
let inputError: string | undefined;
parentPort!.on('message', (message: WorkerMessage) => {
  if ('work' in message) {
    if (inputError !== undefined) return;
    try {
      const part = compareShare(message.work);
      whole.edges.push(...part.edges);
      whole.toFindings.push(...part.toFindings);
      whole.fromFindings.push(...part.fromFindings);
    } catch (error) {
      // Input the user must fix crosses the thread as its message: an error's class does not.
      if (!(error instanceof InputError)) throw error;
      inputError = error.message;
    }
    return;
  }
  const answer: WorkerAnswer = inputError !== undefined ? { inputError } : { analysis: whole };
  parentPort!.postMessage(answer);
  parentPort!.close();
});
