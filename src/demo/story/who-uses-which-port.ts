import { renderTable } from '../../cli/views/table.js';
import { DEMO_SERVICES } from '../fleet/demo-services.js';
import type { DemoContext } from './demo-context.js';

/**
 * Asks every service's /db which database it answers from: a table of service, database address
 * and what is behind it (the database itself, or the relay on the old port).
 */
export async function whoUsesWhichPort(ctx: DemoContext): Promise<string[]> {
  const rows = await Promise.all(
    DEMO_SERVICES.map(async (service) => {
      const port = ctx.ports.services.get(service.name)!;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/db`, { signal: AbortSignal.any([AbortSignal.timeout(3000), ctx.signal]) });
        const text = await response.text();
        if (!response.ok) return [service.name, text.split(': ')[0] ?? '?', via(ctx, text), `${response.status}: ${text.trim()}`];
        const body = JSON.parse(text) as { database?: string };
        return [service.name, body.database ?? '?', via(ctx, body.database ?? ''), 'ok'];
      } catch (error) {
        ctx.signal.throwIfAborted();
        return [service.name, '?', '?', `no answer (${(error as Error).message})`];
      }
    }),
  );
  return renderTable(['SERVICE', 'DATABASE', 'VIA', '/db'], rows, '  ').split('\n');
}

/** What is behind `host:port/database`: the database on its new port, or the relay on the old one. */
function via(ctx: DemoContext, database: string): string {
  const port = Number(/:(\d+)/.exec(database)?.[1]);
  return port === ctx.ports.newDb ? 'the new port' : port === ctx.ports.oldDb ? 'the old port, through the relay' : 'another port';
}
