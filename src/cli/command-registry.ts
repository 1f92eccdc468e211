import type { CommandEntry } from './command.js';

/**
 * Every command that lives in a module of its own, in the order `tranche --help` lists them. Its
 * summary is defined here only (its own --help opens with it), so that listing the commands loads
 * none of them.
 */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'Draft a tranche.yaml for a repository as it is: services, config sources, a schema of every key, depends_on.',
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  {
    name: 'validate',
    summary: 'Check the fleet manifest and the config files it names.',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'config',
    summary: 'Show the config a service runs with in an environment, and where every value comes from.',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  {
    name: 'drift',
    summary: 'Show, for every key of every service, how each environment sets it.',
    load: async () => (await import('./commands/drift.js')).driftCommand,
  },
  {
    name: 'check',
    summary: 'List the findings of a release, before anything restarts. No side effects.',
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  {
    name: 'changes',
    summary: 'What a release changes in every service: commits, files, config keys, dependencies.',
    load: async () => (await import('./commands/changes.js')).changesCommand,
  },
  {
    name: 'deps',
    summary: 'The fleet-wide view of dependencies: package → versions → services.',
    load: async () => (await import('./commands/deps.js')).depsCommand,
  },
  {
    name: 'contract',
    summary:
      "Compare two contracts (OpenAPI 3.0/3.1, protobuf with buf's rules, AsyncAPI 2.x/3.0, JSON Schema) as a client written against the first would see the second; or pair every consumer and provider of an environment, deployed × target.",
    load: async () => (await import('./commands/contract.js')).contractCommand,
  },
  {
    name: 'plan',
    summary: 'Work out the batches of a release, with their gates and rollbacks. No side effects.',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'apply',
    summary: 'Roll a release out in validated batches; roll back by itself when a batch fails.',
    load: async () => (await import('./commands/apply.js')).applyCommand,
  },
  {
    name: 'rollback',
    summary: 'Roll a release back: every service it touched returns to what ran before.',
    load: async () => (await import('./commands/rollback.js')).rollbackCommand,
  },
  {
    name: 'resume',
    summary: 'Take up the release of an environment that was interrupted or paused, where it stands.',
    load: async () => (await import('./commands/resume.js')).resumeCommand,
  },
  {
    name: 'adopt',
    summary: 'Record what already runs in an environment, deploying nothing: the baseline of the first release.',
    load: async () => (await import('./commands/adopt.js')).adoptCommand,
  },
  {
    name: 'status',
    summary: 'What runs in an environment, the state of its latest release, and who holds its lock.',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  { name: 'history', summary: 'The releases recorded, newest first.', load: async () => (await import('./commands/history.js')).historyCommand },
  {
    name: 'show',
    summary: 'Everything recorded about one release: plan, journal, checks, findings.',
    load: async () => (await import('./commands/show.js')).showCommand,
  },
  {
    name: 'down',
    summary: 'Stop every service tranche runs in an environment, and record it.',
    load: async () => (await import('./commands/down.js')).downCommand,
  },
  {
    name: 'freeze',
    summary: 'Freeze an environment (or one service in it), or check a change against the freezes (for CI).',
    load: async () => (await import('./commands/freeze.js')).freezeCommand,
  },
  {
    name: 'unfreeze',
    summary: 'Lift the freeze of an environment (or of one service in it).',
    load: async () => (await import('./commands/freeze.js')).unfreezeCommand,
  },
  {
    name: 'demo',
    summary: 'The guided demo: a database port migration across 15 services, on an embedded Postgres.',
    load: async () => (await import('../demo/demo-command.js')).demoCommand,
  },
];
