import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitNotFoundError, gitEnv, runGit } from '../adapters/git/run-git.js';
import type { FileMap } from './fleet/fleet-files.js';
import type { Author, StoryCommit } from './fleet/migration-commits.js';
import { DemoError } from './story/demo-context.js';

/** Settings that keep the operator's git configuration from changing what the demo commits. */
const GIT_SETTINGS = ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.autocrlf=false'];

/** The demo fleet's git repository: files written and committed as the story's people would. */
export class DemoRepo {
  /** Commit ids of the story's commits, by key. */
  private readonly commits = new Map<string, string>();

  private constructor(
    readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** `git init` in `root`, an existing empty directory. */
  static async init(root: string, env: NodeJS.ProcessEnv): Promise<DemoRepo> {
    const repo = new DemoRepo(root, gitEnv(env));
    try {
      await repo.git(['init', '-q', '-b', 'main']);
    } catch (error) {
      if (error instanceof GitNotFoundError) throw new DemoError('the demo needs git: it is not on PATH (spawn git ENOENT)');
      throw error;
    }
    return repo;
  }

  async write(files: FileMap): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.root, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, text);
    }
  }

  /** Commits everything in the working tree as `author`; returns the commit id. */
  async commit(author: Author, subject: string, body?: string): Promise<string> {
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '-m', subject, ...(body ? ['-m', body] : [])], author);
    return this.head();
  }

  /** Applies one commit of the story and records its id under its key. */
  async apply(change: StoryCommit): Promise<string> {
    let id: string;
    if ('revert' in change) {
      const target = this.commits.get(change.revert);
      if (!target) throw new Error(`internal error: the story reverts ${change.revert} before committing it`);
      await this.git(['revert', '--no-edit', target], change.author);
      id = await this.head();
    } else {
      if (change.write) await this.write(change.write);
      for (const path of change.remove ?? []) await rm(join(this.root, path), { force: true });
      id = await this.commit(change.author, change.subject, change.body);
    }
    this.commits.set(change.key, id);
    return id;
  }

  async tag(name: string): Promise<void> {
    await this.git(['tag', name]);
  }

  async head(): Promise<string> {
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  /** Runs git in the repository and returns what it printed. */
  async git(args: string[], author?: Author): Promise<string> {
    const env = author
      ? { ...this.env, GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email }
      : this.env;
    return (await runGit(this.root, env, [...GIT_SETTINGS, ...args])).toString('utf8');
  }
}
