/** A worker thread's entry: compares one share of the contracts (see `analyzeContracts`). */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../core/input-error.js';
import { compareShareInGroups, type ContractShare, type WorkerAnswer } from './analyze-contracts.js';

let answer: WorkerAnswer;
try {
  answer = { analysis: compareShareInGroups(workerData as ContractShare) };
} catch (error) {
  // Input the user must fix crosses the thread as its message: an error's class does not.
  if (!(error instanceof InputError)) throw error;
  answer = { inputError: error.message };
}
parentPort!.postMessage(answer);
