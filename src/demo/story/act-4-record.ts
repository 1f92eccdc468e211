import { DEMO_ENV } from '../fleet/demo-services.js';
import { expectExit, type DemoContext } from './demo-context.js';

/** Act 4: what tranche recorded — the environment's status, the release's record — then `tranche down`. */
export async function actFour(ctx: DemoContext, releaseId: string): Promise<void> {
  const { narrator, tranche } = ctx;
  narrator.act(4, 'what is recorded');
  narrator.say('What runs, at which commit and config, and whether it is what tranche deployed:');
  expectExit(await tranche.run(['status', '--env', DEMO_ENV]), 0, 'showing the status');
  narrator.gap();
  narrator.say(
    'The release record: what each step deployed (every config key old → new), every commit and file it carried, the journal ' +
      'written before and after each step, every check run, and the findings:',
  );
  expectExit(await tranche.run(['show', releaseId]), 0, 'showing the release');
  narrator.gap();
  narrator.say('The end. The demo stops what it started, the services first, as an operator would:');
  expectExit(await tranche.run(['down', '--env', DEMO_ENV]), 0, 'stopping the fleet');
  narrator.gap();
}
