import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A new git repository in `dir` for a benchmark fleet: write files into it, run git in it, commit all it holds (giving the commit id). */
export function benchRepo(dir: string): {
  write: (path: string, text: string) => void;
  git: (...args: string[]) => string;
  commitAll: (message: string) => string;
} {
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x' },
    }).trim();
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  mkdirSync(dir, { recursive: true });
  git('init', '-q', '-b', 'main');
  return { write, git, commitAll };
}
