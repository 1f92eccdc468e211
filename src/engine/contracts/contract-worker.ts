/** A worker thread's entry: compares one share of the contracts (see `analyzeContracts`). */
import { parentPort, workerData } from 'node:worker_threads';
import { compareShare, type ContractShare } from './analyze-contracts.js';

parentPort!.postMessage(compareShare(workerData as ContractShare));
