/** A worker thread's entry: compares one share of the contracts (see `analyzeContracts`). */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../../core/input-error.js';
import { compareShareInGroups, type ContractShare, type WorkerAnswer } from './analyze-contracts.js';

// Started before its share is known (`ContractWorkers`): the share comes as the one message.
parentPort!.once('message', (work: ContractShare) => {
  let answer: WorkerAnswer;
  try {
    answer = { analysis: compareShareInGroups(work) };
  } catch (error) {
    // Input the user must fix crosses the thread as its message: an error's class does not.
    if (!(error instanceof InputError)) throw error;
    answer = { inputError: error.message };
  }
  parentPort!.postMessage(answer);
  parentPort!.close();
});
